// Injection of the agent into a Node.js or Bun target: detection of JS runtimes in a command
// line, and the private directory + environment that load the agent without changing what the
// program does.
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { closeSync, openSync, readSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import agentSource from "./agent.cjs" with { type: "text" };
import { openChannel, type SentinelChannel } from "./channel.ts";
import { observeOnlyPolicy, type SentinelPolicy } from "./policy.ts";

export type JsRuntime = "node" | "bun";

const NODE_LAUNCHERS = new Set(["node", "nodejs", "npm", "npx", "pnpm", "pnpx", "yarn", "yarnpkg", "corepack", "tsx", "ts-node"]);
const BUN_LAUNCHERS = new Set(["bun", "bunx"]);

/** First bytes of a file, or null (missing, unreadable, directory). */
function head(path: string, bytes = 256): string | null {
  let fd = -1;
  try {
    fd = openSync(path, "r");
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.toString("utf8", 0, n);
  } catch {
    return null;
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** The runtime a shebang line names ("#!/usr/bin/env node", "#!/usr/bin/env -S bun run"). */
export function runtimeFromShebang(text: string): JsRuntime | null {
  if (!text.startsWith("#!")) return null;
  const line = text.slice(2).split("\n")[0].trim();
  const words = line.split(/\s+/).filter((w) => w && !w.startsWith("-"));
  const prog = words[0] && basename(words[0]) === "env" ? words[1] : words[0];
  if (!prog) return null;
  const name = basename(prog);
  if (NODE_LAUNCHERS.has(name)) return "node";
  if (BUN_LAUNCHERS.has(name)) return "bun";
  return null;
}

function resolveOnPath(cmd: string): string | null {
  if (cmd.includes("/")) return cmd;
  for (const dir of (process.env.PATH ?? "").split(":")) {
    if (!dir) continue;
    const p = join(dir, cmd);
    if (head(p, 2) !== null) return p;
  }
  return null;
}

/** Whether a command runs JavaScript on Node or Bun: node, bun, npm/npx/pnpm/yarn, a path ending in /node, a node script. */
export function isJsRuntimeCommand(argv: string[]): JsRuntime | null {
  let i = 0;
  // Look through `env [VAR=x ...] cmd`.
  if (argv[0] && basename(argv[0]) === "env") {
    i = 1;
    while (i < argv.length && (argv[i].includes("=") || argv[i].startsWith("-"))) i++;
  }
  const cmd = argv[i];
  if (!cmd) return null;
  const name = basename(cmd);
  if (BUN_LAUNCHERS.has(name)) return "bun";
  if (NODE_LAUNCHERS.has(name) || /^node\d*(?:\.exe)?$/.test(name)) return "node";
  const path = resolveOnPath(cmd);
  const text = path ? head(path) : null;
  return text ? runtimeFromShebang(text) : null;
}

/** One NODE_OPTIONS word quoted the way Node parses it (inside double quotes, \\ and \" escape). */
export function quoteNodeOption(word: string): string {
  return `"${word.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * Puts one option with a path value in front of an existing NODE_OPTIONS value. First, because
 * Node stops at the first word that is not an option (a stray word, a trailing backslash) and
 * drops the rest silently, and an unbalanced quote in the user's part would swallow ours.
 */
export function prependNodeOption(existing: string | undefined, flag: string, path: string): string {
  const add = `${flag} ${quoteNodeOption(path)}`;
  return existing && existing.trim() ? `${add} ${existing}` : add;
}

/** NODE_OPTIONS split as Node does: spaces separate words, double quotes group, backslash escapes inside quotes. */
export function splitNodeOptions(text: string): string[] {
  const out: string[] = [];
  let cur = "";
  let word = false;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    if (c === "\\" && quoted && i + 1 < text.length) c = text[++i];
    else if (c === " " && !quoted) {
      if (word) out.push(cur);
      cur = "";
      word = false;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      word = true;
      continue;
    }
    cur += c;
    word = true;
  }
  if (word) out.push(cur);
  return out;
}

const PERMISSION_FLAG = /^--(?:experimental-)?permission(?:=|$)/;
// Node options whose value may follow as the next word (`--require x`): skipped while looking
// for the script.
const NODE_VALUE_OPTIONS = new Set([
  "-r", "--require", "-e", "--eval", "-p", "--print", "--import", "--loader", "--experimental-loader", "-C", "--conditions",
  "--title", "--env-file", "--env-file-if-exists", "--input-type", "--allow-fs-read", "--allow-fs-write", "--disable-warning",
  "--watch-path", "--inspect-port", "--debug-port", "--redirect-warnings", "--unhandled-rejections", "--dns-result-order",
  "--experimental-default-type", "--experimental-config-file", "--localstorage-file", "--diagnostic-dir", "--cpu-prof-dir",
  "--cpu-prof-name", "--heap-prof-dir", "--heap-prof-name", "--heapsnapshot-signal", "--icu-data-dir", "--openssl-config",
  "--tls-cipher-list", "--tls-keylog", "--secure-heap", "--secure-heap-min", "--stack-trace-limit", "--max-http-header-size",
  "--run", "--test-name-pattern", "--test-reporter", "--test-reporter-destination", "--test-concurrency",
]);

function permissionReason(flag: string): string {
  return `the target runs under Node's permission model (${flag}), which does not let a preloaded agent read its files or talk to TrustRun; it runs without the sentinel (the other probes still see its connections)`;
}

function permissionIn(words: string[]): string | null {
  const hit = words.find((w) => PERMISSION_FLAG.test(w));
  return hit ? hit.replace(/=.*$/, "") : null;
}

/** Node options before the script (or -e code) in `node [options] script args`. */
function nodeOptionsBeforeScript(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--" || !a.startsWith("-") || a === "-") break;
    out.push(a);
    if (NODE_VALUE_OPTIONS.has(a)) i++;
  }
  return out;
}

/**
 * Why the agent must not be loaded into this command, or null when it can be. Today: Node's
 * permission model, in the command's own options (`node --permission app.js`, also after
 * `env VAR=x`, or on a script's `#!` line) or in NODE_OPTIONS (the base environment's, or one
 * set by `env NODE_OPTIONS=...`). Node 20 refuses to start when the preloaded agent lies outside
 * --allow-fs-read; Node 22+ loads it but denies it its policy file and TrustRun's pipe.
 */
export function sentinelBlockedReason(argv: string[], baseEnv: Record<string, string | undefined> = process.env): string | null {
  let nodeOptions = baseEnv.NODE_OPTIONS ?? "";
  let i = 0;
  if (argv[0] && basename(argv[0]) === "env") {
    i = 1;
    while (i < argv.length && (argv[i].includes("=") || argv[i].startsWith("-"))) {
      if (argv[i].startsWith("NODE_OPTIONS=")) nodeOptions = argv[i].slice("NODE_OPTIONS=".length);
      i++;
    }
  }
  let flag = permissionIn(splitNodeOptions(nodeOptions));
  const cmd = argv[i];
  if (!flag && cmd) {
    const name = basename(cmd);
    if (/^node(?:js|\d*)(?:\.exe)?$/.test(name)) flag = permissionIn(nodeOptionsBeforeScript(argv.slice(i + 1)));
    else if (!NODE_LAUNCHERS.has(name) && !BUN_LAUNCHERS.has(name)) {
      const path = resolveOnPath(cmd);
      const text = path ? head(path) : null;
      if (text && runtimeFromShebang(text) === "node") flag = permissionIn(text.slice(2).split("\n")[0].trim().split(/\s+/));
    }
  }
  return flag ? permissionReason(flag) : null;
}

/** Thrown by prepareSentinel when the agent must not be loaded; `reason` says why, for a note to the user. */
export class SentinelNotInjected extends Error {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.name = "SentinelNotInjected";
    this.reason = reason;
  }
}

export interface PrepareOptions {
  runtime: JsRuntime;
  policy?: SentinelPolicy;
  /** Learning mode: destinations no rule decides wait for onDecisionRequest's answer. */
  holdDecisions?: boolean;
  session?: string;
  /** $TRUSTRUN_HOME/sentinel/ for drift across sessions. */
  stateDir?: string;
  /** Identifies the command across sessions (e.g. its argv joined). */
  commandKey?: string;
  /** Seconds between integrity and event-loop reports (default 10). */
  reportEverySeconds?: number;
  /** Base environment whose NODE_OPTIONS/BUN_OPTIONS are extended (default process.env). */
  baseEnv?: Record<string, string | undefined>;
  /**
   * The target's command line. With it, a command the agent must not be loaded into (see
   * sentinelBlockedReason) makes prepareSentinel throw SentinelNotInjected; NODE_OPTIONS in
   * baseEnv is checked either way.
   */
  argv?: string[];
}

export interface PreparedSentinel {
  /** Variables to add to the target's environment. */
  env: Record<string, string>;
  /** Unused: the transport is a FIFO inside `dir`, found through the environment, so no descriptor is inherited. */
  extraFds?: number[];
  channel: SentinelChannel;
  dir: string;
  agentPath: string;
  cleanup(): Promise<void>;
}

export async function prepareSentinel(opts: PrepareOptions): Promise<PreparedSentinel> {
  const baseEnv = opts.baseEnv ?? process.env;
  const blocked = sentinelBlockedReason(opts.argv ?? [], baseEnv);
  if (blocked) throw new SentinelNotInjected(blocked);
  // BUN_OPTIONS has no quoting: keep the agent's path free of whitespace and quotes.
  const base = /[\s"'\\]/.test(tmpdir()) ? "/tmp" : tmpdir();
  const dir = await mkdtemp(join(base, "trustrun-sentinel-"));
  await chmod(dir, 0o700);
  try {
    const agentPath = join(dir, "agent.cjs");
    await writeFile(agentPath, agentSource, { mode: 0o600 });
    let policy = opts.policy ?? observeOnlyPolicy;
    if (policy.defaultAction === "ask" && !opts.holdDecisions) policy = { ...policy, defaultAction: "allow" };
    await writeFile(join(dir, "policy.json"), JSON.stringify(policy), { mode: 0o600 });
    const channel = await openChannel({
      dir, session: opts.session, stateDir: opts.stateDir, commandKey: opts.commandKey,
      askFallback: policy.askFallback,
    });
    // Both variables are set whatever the runtime: a Node script may start Bun and the reverse.
    // The agent's option goes first in each (see prependNodeOption; Bun has no quoting, hence a
    // path without whitespace or quotes).
    const env: Record<string, string> = {
      TRUSTRUN_SENTINEL_DIR: dir,
      NODE_OPTIONS: prependNodeOption(baseEnv.NODE_OPTIONS, "--require", agentPath),
      BUN_OPTIONS: [`--preload=${agentPath}`, baseEnv.BUN_OPTIONS ?? ""].filter((x) => x.trim()).join(" "),
    };
    if (opts.reportEverySeconds) env.TRUSTRUN_SENTINEL_INTERVAL_MS = String(Math.round(opts.reportEverySeconds * 1000));
    let cleaned = false;
    return {
      env, channel, dir, agentPath,
      async cleanup() {
        if (cleaned) return;
        cleaned = true;
        await channel.close();
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await rm(dir, { recursive: true, force: true });
    throw e;
  }
}

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

/** Appends one option to an existing NODE_OPTIONS value, quoting the path the way Node parses it. */
export function appendNodeOption(existing: string | undefined, flag: string, path: string): string {
  const quoted = `"${path.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  const add = `${flag} ${quoted}`;
  return existing && existing.trim() ? `${existing.trim()} ${add}` : add;
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
    const baseEnv = opts.baseEnv ?? process.env;
    // Both variables are set whatever the runtime: a Node script may start Bun and the reverse.
    const env: Record<string, string> = {
      TRUSTRUN_SENTINEL_DIR: dir,
      NODE_OPTIONS: appendNodeOption(baseEnv.NODE_OPTIONS, "--require", agentPath),
      BUN_OPTIONS: [(baseEnv.BUN_OPTIONS ?? "").trim(), `--preload=${agentPath}`].filter(Boolean).join(" "),
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

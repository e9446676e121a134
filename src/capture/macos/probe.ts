import type { ProbeName } from "../../core/types.ts";
import type { Availability, Probe, ProbeFactory, ProbeSink, ProbeTarget } from "../probe.ts";
import type { MacConnection } from "./endpoint.ts";
import { LSOF_ARGV, parseLsofFields } from "./lsof.ts";
import { NETTOP_ARGV, parseNettopCsv } from "./nettop.ts";
import { descendants, parsePsPairs, PS_ARGV } from "./tree.ts";

/**
 * macOS polling probes: `lsof` (or `nettop`) listed every interval, filtered to the target's
 * process tree (from `ps`), each new connection reported once. Polling: connections that open
 * and close between two listings are missed, so these probes are never "complete".
 */

export type Exec = (argv: string[]) => Promise<string>;

export interface MacProbeOptions {
  intervalMs?: number;
  /** Runs a command and returns its stdout; replaced in tests by recorded outputs. */
  exec?: Exec;
  /** Defaults to process.platform; tests set "darwin". */
  platform?: string;
}

async function defaultExec(argv: string[]): Promise<string> {
  const p = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore" });
  const timer = setTimeout(() => p.kill(), 10_000);
  try {
    const out = await new Response(p.stdout).text();
    await p.exited;
    return out;
  } finally {
    clearTimeout(timer);
  }
}

interface Backend {
  name: ProbeName;
  argv: string[];
  parse(text: string): MacConnection[];
  defaultIntervalMs: number;
}

const LSOF: Backend = { name: "lsof", argv: LSOF_ARGV, parse: parseLsofFields, defaultIntervalMs: 250 };
const NETTOP: Backend = { name: "nettop", argv: NETTOP_ARGV, parse: parseNettopCsv, defaultIntervalMs: 1000 };

/** Remote ends worth reporting: connected, not a listener, not already closed. */
function reportable(c: MacConnection): boolean {
  if (!c.remote || c.remote.port === 0) return false;
  return c.state === null || !["LISTEN", "CLOSED", "TIME_WAIT"].includes(c.state);
}

function createMacProbe(b: Backend, opts: MacProbeOptions): Probe {
  const exec = opts.exec ?? defaultExec;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  let running: Promise<void> | null = null;
  const seen = new Set<string>();

  async function poll(target: ProbeTarget, sink: ProbeSink): Promise<void> {
    try {
      const [ps, listing] = await Promise.all([exec(PS_ARGV), exec(b.argv)]);
      const tree = descendants([target.rootPid, ...target.initialPids], parsePsPairs(ps));
      const ts = Date.now();
      for (const c of b.parse(listing)) {
        if (!tree.has(c.pid) || !reportable(c)) continue;
        const key = `${c.pid}|${c.proto}|${c.local?.ip}:${c.local?.port}|${c.remote!.ip}:${c.remote!.port}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (seen.size > 50_000) seen.clear(); // bounded; a repeat report is better than unbounded memory
        sink.connect({ ts, pid: c.pid, comm: c.command ?? undefined, proto: c.proto, dst: c.remote!, probe: b.name });
      }
    } catch (e) {
      sink.warn(`${b.name}: listing failed: ${(e as Error).message}`);
    }
  }

  return {
    name: b.name,
    complete: false,
    async start(target, sink) {
      const interval = opts.intervalMs ?? b.defaultIntervalMs;
      const loop = async () => {
        if (stopped) return;
        running = poll(target, sink);
        await running;
        running = null;
        if (!stopped) timer = setTimeout(loop, interval);
      };
      await loop(); // the first listing before start() resolves: connections already open are seen
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
      if (running) await running;
    },
  };
}

function createMacFactory(b: Backend, opts: MacProbeOptions): ProbeFactory {
  return {
    name: b.name,
    complete: false,
    modes: ["run", "watch"],
    available(): Availability {
      const platform = opts.platform ?? process.platform;
      if (platform !== "darwin") return { ok: false, reason: `macOS only: the ${b.name} probe reads macOS \`${b.argv[0]}\` output` };
      if (!opts.exec && !Bun.which(b.argv[0])) return { ok: false, reason: `\`${b.argv[0]}\` was not found on PATH` };
      return { ok: true };
    },
    create: () => createMacProbe(b, opts),
  };
}

export function createLsofProbeFactory(opts: MacProbeOptions = {}): ProbeFactory {
  return createMacFactory(LSOF, opts);
}

export function createNettopProbeFactory(opts: MacProbeOptions = {}): ProbeFactory {
  return createMacFactory(NETTOP, opts);
}

export const lsofProbeFactory: ProbeFactory = createLsofProbeFactory();
export const nettopProbeFactory: ProbeFactory = createNettopProbeFactory();

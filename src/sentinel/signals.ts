// Turns decoded agent messages into what the rest of TrustRun consumes: connection facts
// (attribution for the connection table) and SignalEvents (runtime, loop, children, shapes).
import type { SignalEvent } from "../core/types.ts";
import type { AgentMessage, LoopMsg, RequestMsg } from "./protocol.ts";

export interface SentinelConnectFact {
  kind: "connect";
  host: string;
  port: number;
  ip?: string;
  sni?: string;
  package: string; // npm package that made the call, "app" for first-party code
  chain: string[]; // distinct packages on the stack, innermost first
  via: string; // net | tls | fetch
  verdict?: "block" | "alert"; // set when the agent refused (block) or flagged the call itself
  rule?: string;
  /** Connections so far from this process to this destination by this package (facts are sampled after 16). */
  count: number;
  pid: number;
  ts: number;
}
export interface SentinelRequestFact {
  kind: "request";
  host: string;
  port: number;
  method: string;
  path: string; // templated: ids as :id, query key names only
  headerNames: string[];
  package: string;
  via: string; // http | fetch
  count: number; // how many requests of this shape this process has made so far
  pid: number;
  ts: number;
}
export interface SentinelDnsFact {
  kind: "dns";
  name: string;
  answers: string[];
  pid: number;
  ts: number;
}
export type SentinelFact = SentinelConnectFact | SentinelRequestFact | SentinelDnsFact;
export type SentinelOutput = SignalEvent | SentinelFact;

function signal(session: string, pid: number, ts: number, kind: string, detail: Record<string, unknown>): SignalEvent {
  return { type: "signal", ts, session, pid, kind, detail };
}

/** Per destination, the request shapes seen; a new shape on a known destination is a signal. */
export function createShapeTracker(limits = { destinations: 1000, shapesPerDestination: 200 }) {
  const seen = new Map<string, Set<string>>();
  return function observe(m: RequestMsg): { isNewDestination: boolean; isNewShape: boolean; known: number } {
    const dest = `${m.host}:${m.port}`;
    const shape = `${m.method} ${m.path} [${m.headerNames.join(",")}]`;
    let shapes = seen.get(dest);
    if (!shapes) {
      if (seen.size >= limits.destinations) return { isNewDestination: true, isNewShape: false, known: 0 };
      shapes = new Set([shape]);
      seen.set(dest, shapes);
      return { isNewDestination: true, isNewShape: false, known: 0 };
    }
    if (shapes.has(shape)) return { isNewDestination: false, isNewShape: false, known: shapes.size };
    const known = shapes.size;
    if (shapes.size < limits.shapesPerDestination) shapes.add(shape);
    return { isNewDestination: false, isNewShape: true, known };
  };
}

/**
 * Event-loop drift against the process's own baseline: the median p99 of its first
 * `baselineReports` reports. Drift is a p99 above 3× the baseline and at least 20 ms more.
 */
export function createLoopTracker(baselineReports = 3) {
  const perPid = new Map<number, number[]>();
  return function observe(m: LoopMsg): { baseline: number | null; drift: boolean } {
    let list = perPid.get(m.pid);
    if (!list) {
      if (perPid.size > 1000) perPid.clear();
      list = [];
      perPid.set(m.pid, list);
    }
    if (list.length < baselineReports) {
      list.push(m.p99);
      return { baseline: null, drift: false };
    }
    const sorted = [...list].sort((a, b) => a - b);
    const baseline = sorted[Math.floor(sorted.length / 2)];
    return { baseline, drift: m.p99 > baseline * 3 && m.p99 - baseline >= 20 };
  };
}

/** Maps one message to its outputs. Pure apart from the trackers passed in. */
export function toOutputs(
  m: AgentMessage,
  session: string,
  trackers: { shapes: ReturnType<typeof createShapeTracker>; loop: ReturnType<typeof createLoopTracker> },
): SentinelOutput[] {
  switch (m.t) {
    case "hello": {
      const out: SentinelOutput[] = [
        signal(session, m.pid, m.ts, "runtime", {
          runtime: m.runtime, version: m.version, nodeVersion: m.nodeVersion, execPath: m.execPath, argv: m.argv,
          execArgv: m.execArgv, nodeOptions: m.nodeOptions, frozenIntrinsics: m.frozenIntrinsics, cwd: m.cwd, ppid: m.ppid,
        }),
      ];
      if (m.flagAnomalies.length) out.push(signal(session, m.pid, m.ts, "runtime-flags", { flags: m.flagAnomalies }));
      return out;
    }
    case "connect": {
      const f: SentinelConnectFact = { kind: "connect", host: m.host, port: m.port, package: m.pkg, chain: m.chain, via: m.via, count: m.n, pid: m.pid, ts: m.ts };
      if (m.ip) f.ip = m.ip;
      if (m.sni) f.sni = m.sni;
      if (m.verdict) f.verdict = m.verdict;
      if (m.rule) f.rule = m.rule;
      return [f];
    }
    case "request": {
      const out: SentinelOutput[] = [{
        kind: "request", host: m.host, port: m.port, method: m.method, path: m.path, headerNames: m.headerNames,
        package: m.pkg, via: m.via, count: m.n, pid: m.pid, ts: m.ts,
      }];
      const s = trackers.shapes(m);
      if (s.isNewShape) {
        out.push(signal(session, m.pid, m.ts, "request-shape", {
          destination: `${m.host}:${m.port}`, method: m.method, path: m.path, headerNames: m.headerNames, package: m.pkg, knownShapes: s.known,
        }));
      }
      return out;
    }
    case "dns":
      return [{ kind: "dns", name: m.name, answers: m.answers, pid: m.pid, ts: m.ts }];
    case "child": {
      const detail: Record<string, unknown> = { api: m.api, file: m.file, argv: m.argv, shell: m.shell, package: m.pkg, serving: m.serving, anomalies: m.anomalies };
      if (m.uninstrumented) detail.uninstrumented = m.uninstrumented;
      const out: SentinelOutput[] = [signal(session, m.pid, m.ts, "child-process", detail)];
      if (m.anomalies.length) out.push(signal(session, m.pid, m.ts, "child-process-anomaly", detail));
      return out;
    }
    case "integrity":
      return [signal(session, m.pid, m.ts, "integrity", { changes: m.changes })];
    case "loop": {
      const l = trackers.loop(m);
      const detail = { p50: m.p50, p99: m.p99, max: m.max, stalls: m.stalls, samples: m.samples, baselineP99: l.baseline };
      const out: SentinelOutput[] = [signal(session, m.pid, m.ts, "event-loop", detail)];
      if (l.drift) out.push(signal(session, m.pid, m.ts, "event-loop-drift", detail));
      if (m.stalls > 0) out.push(signal(session, m.pid, m.ts, "event-loop-stall", detail));
      return out;
    }
    case "error":
      return [signal(session, m.pid, m.ts, "sentinel-error", { where: m.where, message: m.message })];
    case "ask":
      return []; // answered by the channel, not an event by itself
  }
}

// Decoder for the agent's NDJSON lines. The bytes come from inside an untrusted program, so
// every field is checked and bounded; a malformed line yields null and never throws.

export type AgentMessage =
  | HelloMsg
  | ConnectMsg
  | RequestMsg
  | DnsMsg
  | ChildMsg
  | IntegrityMsg
  | LoopMsg
  | AskMsg
  | ErrorMsg;

interface Base {
  pid: number;
  ts: number;
}
export interface HelloMsg extends Base {
  t: "hello";
  ppid: number | null;
  runtime: "node" | "bun";
  version: string;
  nodeVersion: string | null;
  execPath: string | null;
  argv: string[];
  execArgv: string[];
  nodeOptions: string[];
  flagAnomalies: Array<{ flag: string; why: string }>;
  frozenIntrinsics: boolean;
  cwd: string | null;
}
export interface ConnectMsg extends Base {
  t: "connect";
  host: string;
  port: number;
  ip: string | null;
  sni: string | null;
  pkg: string;
  chain: string[];
  via: string;
  verdict: "block" | "alert" | null;
  rule: string | null;
  n: number;
}
export interface RequestMsg extends Base {
  t: "request";
  via: string;
  host: string;
  port: number;
  method: string;
  path: string;
  headerNames: string[];
  pkg: string;
  n: number;
}
export interface DnsMsg extends Base {
  t: "dns";
  name: string;
  answers: string[];
}
export interface ChildMsg extends Base {
  t: "child";
  api: string;
  file: string;
  argv: string[];
  shell: boolean;
  pkg: string;
  serving: boolean;
  anomalies: string[];
  /** Set when the child was started without the agent, and why (e.g. Node's permission model). */
  uninstrumented?: string;
}
export interface IntegrityMsg extends Base {
  t: "integrity";
  changes: Array<{ what: string; detail: string }>;
}
export interface LoopMsg extends Base {
  t: "loop";
  p50: number;
  p99: number;
  max: number;
  stalls: number;
  samples: number;
}
export interface AskMsg extends Base {
  t: "ask";
  id: number;
  host: string;
  port: number;
  pkg: string;
}
export interface ErrorMsg extends Base {
  t: "error";
  where: string;
  message: string;
}

export const MAX_LINE_BYTES = 8192;

type Obj = Record<string, unknown>;

function str(o: Obj, k: string, max = 1024): string | null {
  const v = o[k];
  return typeof v === "string" ? v.slice(0, max) : null;
}
function num(o: Obj, k: string): number | null {
  const v = o[k];
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}
function strList(o: Obj, k: string, maxItems = 64, maxLen = 300): string[] {
  const v = o[k];
  if (!Array.isArray(v)) return [];
  const out: string[] = [];
  for (const x of v) {
    if (out.length >= maxItems) break;
    if (typeof x === "string") out.push(x.slice(0, maxLen));
  }
  return out;
}
function port(o: Obj): number | null {
  const p = num(o, "port");
  return p !== null && Number.isInteger(p) && p > 0 && p < 65536 ? p : null;
}

/** One line (without the newline) → a checked message, or null. */
export function decodeLine(line: string): AgentMessage | null {
  if (line.length === 0 || line.length > MAX_LINE_BYTES) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return null;
  const o = raw as Obj;
  const pid = num(o, "pid");
  const ts = num(o, "ts");
  if (pid === null || !Number.isInteger(pid) || pid <= 0 || ts === null) return null;
  const base = { pid, ts };
  switch (o.t) {
    case "hello": {
      const runtime = o.runtime === "bun" ? "bun" : o.runtime === "node" ? "node" : null;
      const version = str(o, "version", 64);
      if (!runtime || !version) return null;
      const anomalies: Array<{ flag: string; why: string }> = [];
      if (Array.isArray(o.flagAnomalies)) {
        for (const a of o.flagAnomalies.slice(0, 32)) {
          if (a && typeof a === "object" && typeof (a as Obj).flag === "string") {
            anomalies.push({ flag: String((a as Obj).flag).slice(0, 200), why: String((a as Obj).why ?? "").slice(0, 200) });
          }
        }
      }
      return {
        t: "hello", ...base, ppid: num(o, "ppid"), runtime, version, nodeVersion: str(o, "nodeVersion", 64),
        execPath: str(o, "execPath", 4096), argv: strList(o, "argv", 32, 1024), execArgv: strList(o, "execArgv"),
        nodeOptions: strList(o, "nodeOptions"), flagAnomalies: anomalies, frozenIntrinsics: o.frozenIntrinsics === true,
        cwd: str(o, "cwd", 4096),
      };
    }
    case "connect": {
      const host = str(o, "host", 255);
      const p = port(o);
      if (!host || p === null) return null;
      const verdict = o.verdict === "block" || o.verdict === "alert" ? o.verdict : null;
      return {
        t: "connect", ...base, host, port: p, ip: str(o, "ip", 64), sni: str(o, "sni", 255), pkg: str(o, "pkg", 214) ?? "unknown",
        chain: strList(o, "chain", 8, 214), via: str(o, "via", 16) ?? "net", verdict, rule: str(o, "rule", 200),
        n: Math.max(1, num(o, "n") ?? 1),
      };
    }
    case "request": {
      const host = str(o, "host", 255);
      const p = port(o);
      const method = str(o, "method", 32);
      if (!host || p === null || !method) return null;
      return {
        t: "request", ...base, via: str(o, "via", 16) ?? "http", host, port: p, method, path: str(o, "path", 512) ?? "/",
        headerNames: strList(o, "headerNames", 64, 64), pkg: str(o, "pkg", 214) ?? "unknown", n: Math.max(1, num(o, "n") ?? 1),
      };
    }
    case "dns": {
      const name = str(o, "name", 255);
      if (!name) return null;
      return { t: "dns", ...base, name, answers: strList(o, "answers", 16, 64) };
    }
    case "child": {
      const file = str(o, "file", 300);
      if (!file) return null;
      const child: ChildMsg = {
        t: "child", ...base, api: str(o, "api", 32) ?? "spawn", file, argv: strList(o, "argv", 32, 200), shell: o.shell === true,
        pkg: str(o, "pkg", 214) ?? "unknown", serving: o.serving === true, anomalies: strList(o, "anomalies", 8, 200),
      };
      const uninstrumented = str(o, "uninstrumented", 200);
      if (uninstrumented) child.uninstrumented = uninstrumented;
      return child;
    }
    case "integrity": {
      if (!Array.isArray(o.changes)) return null;
      const changes: Array<{ what: string; detail: string }> = [];
      for (const c of o.changes.slice(0, 64)) {
        if (c && typeof c === "object" && typeof (c as Obj).what === "string") {
          changes.push({ what: String((c as Obj).what).slice(0, 200), detail: String((c as Obj).detail ?? "").slice(0, 200) });
        }
      }
      return changes.length ? { t: "integrity", ...base, changes } : null;
    }
    case "loop": {
      const p50 = num(o, "p50");
      const p99 = num(o, "p99");
      if (p50 === null || p99 === null) return null;
      return { t: "loop", ...base, p50, p99, max: num(o, "max") ?? p99, stalls: Math.max(0, num(o, "stalls") ?? 0), samples: Math.max(0, num(o, "samples") ?? 0) };
    }
    case "ask": {
      const id = num(o, "id");
      const host = str(o, "host", 255);
      const p = port(o);
      if (id === null || !Number.isInteger(id) || !host || p === null) return null;
      return { t: "ask", ...base, id, host, port: p, pkg: str(o, "pkg", 214) ?? "unknown" };
    }
    case "error":
      return { t: "error", ...base, where: str(o, "where", 64) ?? "?", message: str(o, "message", 300) ?? "" };
    default:
      return null;
  }
}

/**
 * Splits a byte stream into lines. Partial lines wait for the rest; a line longer than
 * MAX_LINE_BYTES is dropped whole (up to its newline) instead of growing the buffer.
 */
export function createLineSplitter(onLine: (line: string) => void) {
  const decoder = new TextDecoder();
  let buf = "";
  let skipping = false;
  return function push(chunk: Uint8Array | string): void {
    buf += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let nl: number;
    while ((nl = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (skipping) {
        skipping = false;
        continue;
      }
      if (line.length > 0) onLine(line);
    }
    if (buf.length > MAX_LINE_BYTES) {
      buf = "";
      skipping = true;
    }
  };
}

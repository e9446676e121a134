// One row per destination (host or IP, port, proto), as the destinations view shows them.
import type { ConnectionEvent, Verdict } from "../../core/types.ts";

export interface DestinationStat {
  key: string;
  host: string | null;
  ip: string;
  port: number;
  proto: string;
  count: number;
  violations: number;
  firstSeen: number;
  lastSeen: number;
  verdict: Verdict; // the worst seen
  processes: string[]; // process names, first few
  pids: number[];
  rule: string | null;
}

const rank: Record<Verdict, number> = { allow: 0, alert: 1, block: 2, kill: 3 };
const MAX_NAMES = 6;

/** The same key the capture session uses for "one prompt per destination". */
export function destinationKey(host: string | null, ip: string, port: number, proto: string): string {
  return `${host ?? ip}:${port}/${proto}`;
}

export function processName(exe: string | null, argv: string[] | null): string {
  const path = exe ?? argv?.[0] ?? "?";
  return path.slice(path.lastIndexOf("/") + 1) || path;
}

/** Folds one connection into the destination table (mutates `table`: it runs per event). */
export function addToDestinations(table: Map<string, DestinationStat>, ev: ConnectionEvent): void {
  const key = destinationKey(ev.host, ev.dst.ip, ev.dst.port, ev.proto);
  let d = table.get(key);
  if (!d) {
    d = {
      key, host: ev.host, ip: ev.dst.ip, port: ev.dst.port, proto: ev.proto, count: 0, violations: 0,
      firstSeen: ev.ts, lastSeen: ev.ts, verdict: ev.verdict, processes: [], pids: [], rule: ev.rule,
    };
    table.set(key, d);
  }
  d.count++;
  if (ev.verdict !== "allow") d.violations++;
  d.firstSeen = Math.min(d.firstSeen, ev.ts);
  d.lastSeen = Math.max(d.lastSeen, ev.ts);
  if (rank[ev.verdict] > rank[d.verdict]) {
    d.verdict = ev.verdict;
    d.rule = ev.rule;
  }
  const name = processName(ev.exe, ev.argv);
  if (d.processes.length < MAX_NAMES && !d.processes.includes(name)) d.processes.push(name);
  if (d.pids.length < MAX_NAMES && !d.pids.includes(ev.pid)) d.pids.push(ev.pid);
}

/** Worst verdict first, then most connections, then name: what needs attention on top. */
export function sortDestinations(rows: DestinationStat[]): DestinationStat[] {
  return [...rows].sort((a, b) => rank[b.verdict] - rank[a.verdict] || b.count - a.count || a.key.localeCompare(b.key));
}

// The lines of an event's detail panel: facts, argv, the parent chain, rule and reason.
import type { ConnectionEvent } from "../../core/types.ts";
import { processName } from "./destinations.ts";
import { clock } from "./format.ts";
import { tenantText } from "../../core/tenant.ts";

export interface ProcessLookup {
  (pid: number): { ppid: number | null; exe: string | null; argv: string[] | null } | null;
}

/** pid → parent → ... as "name (pid)", nearest first, bounded (cycles and missing entries stop it). */
export function parentChain(pid: number, ppid: number | null, lookup: ProcessLookup | undefined, max = 8): string[] {
  const out: string[] = [];
  const seen = new Set<number>([pid]);
  let next = ppid;
  while (next !== null && next > 0 && out.length < max && !seen.has(next)) {
    seen.add(next);
    const p = lookup?.(next) ?? null;
    out.push(`${p ? processName(p.exe, p.argv) : "?"} (${next})`);
    next = p?.ppid ?? null;
  }
  return out;
}

export function connectionDetail(ev: ConnectionEvent, lookup?: ProcessLookup): Array<[string, string]> {
  const chain = parentChain(ev.pid, ev.ppid, lookup);
  const lines: Array<[string, string]> = [
    ["time", `${clock(ev.ts)} (${new Date(ev.ts).toISOString()})`],
    ["process", `${processName(ev.exe, ev.argv)} pid ${ev.pid}${ev.exe ? `  ${ev.exe}` : ""}`],
    ["argv", ev.argv?.length ? ev.argv.join(" ") : "(unknown)"],
    ["parents", chain.length ? chain.join(" ← ") : ev.ppid ? `pid ${ev.ppid}` : "(unknown)"],
    ["destination", `${ev.host ?? "(no hostname)"}  ${ev.dst.ip || "(no address)"}:${ev.dst.port}/${ev.proto}`],
    ["hostname from", ev.hostSource ?? "(not known: IP only)"],
    ["probe", ev.probe],
    ["verdict", ev.verdict],
    ["rule", ev.rule ?? "(policy default)"],
    ["reason", ev.reason],
  ];
  if (ev.enforced) lines.push(["enforced", ev.enforced]);
  if (ev.package) lines.push(["package", ev.package]);
  if (ev.http) lines.push(["http", [ev.http.method, ev.http.path, ev.http.status].filter((x) => x !== undefined).join(" ")]);
  const tenant = tenantText(ev.http?.tenant);
  if (tenant) lines.push(["tenant", tenant]);
  return lines;
}

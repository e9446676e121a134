// Which connection rows the table shows: free text over host/ip/process/rule, and a verdict filter.
import type { ConnectionEvent } from "../../core/types.ts";

export type VerdictFilter = "all" | "violations" | "allow" | "alert" | "block" | "kill";
export const verdictFilters: VerdictFilter[] = ["all", "violations", "allow", "alert", "block", "kill"];

export interface RowFilter {
  text: string;
  verdict: VerdictFilter;
}

export const noFilter: RowFilter = { text: "", verdict: "all" };

export function nextVerdictFilter(v: VerdictFilter): VerdictFilter {
  return verdictFilters[(verdictFilters.indexOf(v) + 1) % verdictFilters.length];
}

export function matchesVerdict(verdict: string, f: VerdictFilter): boolean {
  if (f === "all") return true;
  if (f === "violations") return verdict !== "allow";
  return verdict === f;
}

export function matchesFilter(ev: ConnectionEvent, f: RowFilter): boolean {
  if (!matchesVerdict(ev.verdict, f.verdict)) return false;
  const text = f.text.trim().toLowerCase();
  if (!text) return true;
  const hay = [ev.host ?? "", `${ev.dst.ip}:${ev.dst.port}`, ev.exe ?? "", String(ev.pid), ev.rule ?? "", ev.verdict].join(" ").toLowerCase();
  return hay.includes(text);
}

export function filterRows<T extends { ev: ConnectionEvent }>(rows: T[], f: RowFilter): T[] {
  if (!f.text.trim() && f.verdict === "all") return rows;
  return rows.filter((r) => matchesFilter(r.ev, f));
}

export function isFiltered(f: RowFilter): boolean {
  return f.text.trim() !== "" || f.verdict !== "all";
}

// Small text helpers for fixed-width columns.
import type { Verdict } from "../../core/types.ts";

export function clock(ts: number): string {
  const d = new Date(ts);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

export function elapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h ? `${h}h${String(m).padStart(2, "0")}m` : `${m}:${String(sec).padStart(2, "0")}`;
}

/** Cuts to width (with an ellipsis) and pads, so columns line up. Control characters are dropped. */
export function cell(text: string, width: number, align: "left" | "right" = "left"): string {
  if (width <= 0) return "";
  const clean = text.replace(/[\x00-\x1f\x7f]/g, "?");
  const cut = clean.length > width ? clean.slice(0, Math.max(0, width - 1)) + "…" : clean;
  return align === "left" ? cut.padEnd(width) : cut.padStart(width);
}

export const verdictColor: Record<Verdict, string> = { allow: "green", alert: "yellow", block: "red", kill: "magenta" };

export const severityColor: Record<string, string> = { low: "gray", medium: "yellow", high: "red", critical: "magenta" };

/** "host:port", plus "from package X" when the sentinel saw a dependency (not the app) make the call. */
export function destinationText(ev: { host: string | null; dst: { ip: string; port: number }; package?: string }): string {
  const where = ev.host ?? (ev.dst.ip.includes(":") ? `[${ev.dst.ip}]` : ev.dst.ip);
  const dest = `${where}:${ev.dst.port}`;
  return ev.package && ev.package !== "app" ? `${dest} from package ${ev.package}` : dest;
}

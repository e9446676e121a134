// Small display helpers shared by the views.
import type { ConnectionEvent } from "../../core/types.ts";
import { redactArgv } from "../../core/redact.ts";

export function when(ts: number | null | undefined): string {
  if (!ts) return "";
  return new Date(ts).toISOString().replace("T", " ").slice(0, 19);
}

export function clockTime(ts: number): string {
  return new Date(ts).toISOString().slice(11, 23);
}

export function duration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  return m < 120 ? `${m} min` : `${(m / 60).toFixed(1)} h`;
}

export function destination(host: string | null, ip: string | null, port: number | null): string {
  const name = host ?? ip ?? "?";
  return port === null || port === undefined ? name : `${name}:${port}`;
}

export function processName(ev: Pick<ConnectionEvent, "exe" | "argv" | "pid">): string {
  const exe = ev.exe ?? ev.argv?.[0] ?? "";
  return `${exe.split("/").pop() || "?"} (${ev.pid})`;
}

export function commandLine(argv: string[] | null | undefined, pid: number | null | undefined): string {
  return argv?.length ? (redactArgv(argv) ?? []).join(" ") : pid ? `pid ${pid}` : "";
}

/** Parses a yyyy-mm-dd (or full ISO) date from a filter form; undefined when empty or invalid. */
export function parseDate(text: string | undefined, endOfDay = false): number | undefined {
  if (!text) return undefined;
  const t = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T${endOfDay ? "23:59:59.999" : "00:00:00"}Z`) : Date.parse(text);
  return Number.isFinite(t) ? t : undefined;
}

import type { AlertEvent, ConnectionEvent, DnsEvent, SessionEvent, SignalEvent, TrustRunEvent, DecisionEvent } from "../../core/types.ts";

export interface Style {
  verdict(v: string, text: string): string;
  dim(text: string): string;
  bold(text: string): string;
}

const codes: Record<string, string> = { allow: "32", alert: "33", block: "31", kill: "35", prompt: "36" };
export const ansiStyle: Style = {
  verdict: (v, t) => `\x1b[${codes[v] ?? "0"}m${t}\x1b[0m`,
  dim: (t) => `\x1b[2m${t}\x1b[0m`,
  bold: (t) => `\x1b[1m${t}\x1b[0m`,
};
export const plainStyle: Style = { verdict: (_v, t) => t, dim: (t) => t, bold: (t) => t };

export function clock(ts: number): string {
  const d = new Date(ts);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

function procName(exe: string | null, argv: string[] | null): string {
  return (exe ?? argv?.[0] ?? "?").split("/").pop() || "?";
}

export function formatConnection(ev: ConnectionEvent, s: Style): string {
  const dest = ev.host ? `${ev.host}:${ev.dst.port}` : `${ev.dst.ip.includes(":") ? `[${ev.dst.ip}]` : ev.dst.ip}:${ev.dst.port}`;
  // A call refused inside the program (sentinel) never had an address.
  const via = ev.host ? ` ${s.dim(`(${ev.dst.ip ? `${ev.dst.ip}, ` : ""}${ev.hostSource})`)}` : "";
  const pkg = ev.package && ev.package !== "app" ? ` ${s.dim(`from package ${ev.package}`)}` : "";
  const rule = ev.rule ? ` · ${ev.rule}` : "";
  const enforced = ev.enforced ? ` · ${ev.enforced}` : "";
  return `${s.dim(clock(ev.ts))} ${s.verdict(ev.verdict, ev.verdict.toUpperCase().padEnd(5))} ${procName(ev.exe, ev.argv)}[${ev.pid}] → ${s.bold(dest)} ${ev.proto}${via}${pkg}${s.dim(rule + enforced)}`;
}

export function formatSessionStart(ev: SessionEvent, s: Style): string {
  const probes = ev.probes.map((p) => (p.note ? `${p.name}(failed)` : p.name)).join("+") || "none";
  const running = ev.probes.filter((p) => !p.note);
  const completeness = ev.complete
    ? "complete: every connection is seen"
    : running.some((p) => p.name !== "pcap")
      ? "INCOMPLETE: polling only, short-lived connections can be missed"
      : "INCOMPLETE: no probe that sees connections is running";
  return `${s.bold("trustrun")} session ${ev.session} · policy ${ev.policy} · probes ${probes} (${completeness})`;
}

/** A shell word: as is when it is plain, else in double quotes (the hint around it is in single quotes). */
function shellWord(text: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(text) ? text : `"${text.replace(/["\\$`]/g, "\\$&")}"`;
}

export function formatSessionEnd(ev: SessionEvent, s: Style, opts: { dbPath?: string } = {}): string {
  const c = ev.counts ?? { connections: 0, violations: 0, destinations: 0 };
  const v = c.violations ? s.verdict("block", `${c.violations} violation${c.violations === 1 ? "" : "s"}`) : s.verdict("allow", "no violations");
  const exit = ev.exitCode === undefined || ev.exitCode === null ? "" : ` · exit ${ev.exitCode}`;
  return `${s.bold("trustrun")} session ${ev.session} ended · ${c.connections} connection${c.connections === 1 ? "" : "s"} to ${c.destinations} destination${c.destinations === 1 ? "" : "s"} · ${v}${exit} · 'trustrun show ${ev.session}${opts.dbPath ? ` --db ${shellWord(opts.dbPath)}` : ""}' for details`;
}

export function formatEvent(ev: TrustRunEvent, s: Style, opts: { dbPath?: string } = {}): string | null {
  switch (ev.type) {
    case "connection":
      return formatConnection(ev, s);
    case "session":
      return ev.phase === "start" ? formatSessionStart(ev, s) : formatSessionEnd(ev, s, opts);
    case "dns":
      return null; // shown through the hostnames of connections; kept in NDJSON and the store
    case "alert":
      return null; // the connection line already carries the verdict
    case "signal":
      return `${s.dim(clock(ev.ts))} ${s.verdict("alert", "SIGNAL")} ${(ev as SignalEvent).kind} ${s.dim(JSON.stringify((ev as SignalEvent).detail))}`;
    case "decision": {
      const d = ev as DecisionEvent;
      return `${s.dim(clock(d.ts))} ${s.verdict("prompt", "LEARN")} ${d.host ?? d.dst.ip}:${d.dst.port} → ${d.answer}`;
    }
  }
  return null;
}

export function formatAlert(ev: AlertEvent): string {
  return `[${ev.severity}] ${ev.message} Suggestion: ${ev.suggestion}`;
}

export function formatDns(ev: DnsEvent): string {
  return `${ev.name} → ${ev.answers.join(", ") || "(query)"}`;
}

/** NDJSON line: `type` first, as the contract says. */
export function toNdjson(ev: TrustRunEvent): string {
  const { type, ...rest } = ev as TrustRunEvent & Record<string, unknown>;
  return JSON.stringify({ type, ...rest });
}

import type { AlertEvent, ConnectionEvent } from "../core/types.ts";

/** The alert a person reads for one judged connection, with what to do about it. */
export function alertFor(ev: ConnectionEvent, severity: AlertEvent["severity"]): AlertEvent {
  const dest = `${ev.host ?? (ev.dst.ip.includes(":") ? `[${ev.dst.ip}]` : ev.dst.ip)}:${ev.dst.port}`;
  const who = `${ev.exe ? ev.exe.split("/").pop() : "pid"} (pid ${ev.pid})`;
  const did = ev.verdict === "block" ? (ev.enforced?.startsWith("not enforced") ? "should have been blocked" : "was blocked")
    : ev.verdict === "kill" ? "led to the process tree being killed" : "is not allowed by the policy";
  const suggestion = ev.rule
    ? `If ${dest} is legitimate, remove it from rule '${ev.rule}' or add a narrower allow rule; otherwise find what in ${who} calls it.`
    : `Add '${ev.host ?? ev.dst.ip}' to the policy's allow list if it is expected (or run with --learn), or deny it explicitly.`;
  // Refused inside the program by the sentinel: nothing connected, and the address was never looked up.
  const refusedInside = ev.probe === "sentinel" && ev.verdict === "block" && !ev.enforced?.startsWith("not enforced");
  const address = ev.host && ev.dst.ip && ev.dst.ip !== "0.0.0.0" ? ` (${ev.dst.ip})` : "";
  return {
    type: "alert", ts: ev.ts, session: ev.session, severity, pid: ev.pid, dst: ev.dst, host: ev.host, rule: ev.rule,
    message: refusedInside
      ? `${who} tried to connect to ${dest}${address}: refused inside the process before any packet. ${ev.reason}`
      : `${who} connected to ${dest}${address}: ${did}. ${ev.reason}`,
    suggestion,
  };
}

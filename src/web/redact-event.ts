// Everything the web view shows passes through here once more: argv and findings are redacted
// where they are made, but header values, paths and free text may still carry secrets (rows
// written by an older version, or by a probe that missed a header).
import { redactArgv, redactHeaders, redactText } from "../core/redact.ts";
import type { AlertRow } from "../store/alerts.ts";
import type { SessionRow } from "../store/sessions.ts";
import type { HttpFacts, TrustRunEvent } from "../core/types.ts";

/** A header map as stored; values that are not strings (a bad row) are shown as text. */
function headerMap(headers: unknown): Record<string, string> | undefined {
  if (!headers || typeof headers !== "object" || Array.isArray(headers)) return undefined;
  const flat: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) flat[k] = typeof v === "string" ? v : JSON.stringify(v) ?? "";
  return redactHeaders(flat);
}

function redactHttp(http: HttpFacts): HttpFacts {
  const out: HttpFacts = { ...http };
  if (http.path !== undefined) out.path = redactText(http.path);
  if (http.headers !== undefined) out.headers = headerMap(http.headers);
  if (http.responseHeaders !== undefined) out.responseHeaders = headerMap(http.responseHeaders);
  if (http.body) {
    out.body = {
      ...(http.body.request !== undefined ? { request: redactText(http.body.request) } : {}),
      ...(http.body.response !== undefined ? { response: redactText(http.body.response) } : {}),
    };
  }
  return out;
}

/** Free-form details (sentinel signals): every header map (a key ending in "headers") is redacted as headers. */
function redactHeaderMaps(value: unknown, depth = 0): unknown {
  if (depth > 32 || !value || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactHeaderMaps(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = /headers$/i.test(k) && v && typeof v === "object" && !Array.isArray(v) ? headerMap(v) : redactHeaderMaps(v, depth + 1);
  }
  return out;
}

export function redactEventForDisplay(ev: TrustRunEvent): TrustRunEvent {
  switch (ev.type) {
    case "connection": {
      const out = { ...ev, argv: redactArgv(ev.argv), reason: redactText(ev.reason ?? "") };
      if (ev.http) out.http = redactHttp(ev.http);
      return out;
    }
    case "session":
      return { ...ev, target: { ...ev.target, argv: ev.target.argv ? (redactArgv(ev.target.argv) ?? undefined) : undefined } };
    case "alert":
      return { ...ev, message: redactText(ev.message), suggestion: redactText(ev.suggestion) };
    case "signal":
      return { ...ev, detail: JSON.parse(redactText(JSON.stringify(redactHeaderMaps(ev.detail)))) };
    default:
      return ev;
  }
}

/** Stored alerts (the alerts table) carry the same free text as alert events. */
export function redactAlertForDisplay<T extends Pick<AlertRow, "message" | "suggestion">>(a: T): T {
  return { ...a, message: redactText(a.message), suggestion: redactText(a.suggestion) };
}

export function redactSessionForDisplay<T extends Pick<SessionRow, "argv">>(s: T): T {
  return { ...s, argv: redactArgv(s.argv) };
}

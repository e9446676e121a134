// Everything the web view shows passes through here once more: argv and findings are redacted
// where they are made, but header values, paths and free text may still carry secrets.
import { redactArgv, redactHeaders, redactText } from "../core/redact.ts";
import type { TrustRunEvent } from "../core/types.ts";

export function redactEventForDisplay(ev: TrustRunEvent): TrustRunEvent {
  switch (ev.type) {
    case "connection": {
      const out = { ...ev, argv: redactArgv(ev.argv), reason: redactText(ev.reason ?? "") };
      if (ev.http) {
        out.http = {
          ...ev.http,
          path: ev.http.path === undefined ? undefined : redactText(ev.http.path),
          headers: ev.http.headers ? redactHeaders(ev.http.headers) : undefined,
        };
      }
      return out;
    }
    case "session":
      return { ...ev, target: { ...ev.target, argv: ev.target.argv ? (redactArgv(ev.target.argv) ?? undefined) : undefined } };
    case "alert":
      return { ...ev, message: redactText(ev.message), suggestion: redactText(ev.suggestion) };
    case "signal":
      return { ...ev, detail: JSON.parse(redactText(JSON.stringify(ev.detail))) };
    default:
      return ev;
  }
}

// Redaction applied to everything TrustRun prints or stores that a target controls (argv, URLs,
// header values). It errs on the side of hiding: a redacted non-secret costs less than a leak.

const REDACTED = "[REDACTED]";

const tokenPatterns: RegExp[] = [
  /\bsk-(?:proj-|ant-(?:api\d\d-)?|svcacct-|admin-)?[A-Za-z0-9_-]{16,}/g, // OpenAI, Anthropic
  /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, // AWS access key ids
  /\bAIza[0-9A-Za-z_-]{35}\b/g, // Google API keys
  /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, // GitHub tokens
  /\bgithub_pat_[A-Za-z0-9_]{40,}\b/g,
  /\bxox[abprs]-[A-Za-z0-9-]{10,}/g, // Slack
  /\b[rs]k_(?:live|test)_[A-Za-z0-9]{16,}\b/g, // Stripe
  /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g, // JWTs
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
];

// key=value / key: value / --key value where the key names a secret.
const secretKey = "(?:pass(?:word|wd)?|secret|token|api[_-]?key|apikey|access[_-]?key|auth(?:orization)?|credential|private[_-]?key|session[_-]?id|cookie|sig(?:nature)?)";
// The key may be quoted (JSON: "api-key": "…"), also inside a JSON string (\"password\":\"…\"),
// as in stringified tool-call arguments or a shell command's quoted body. Bounded repeats: a long
// run of name characters (password-password-…) must not make the search quadratic.
const assignment = new RegExp(
  `(\\b[\\w.-]{0,64}?${secretKey}[\\w.-]{0,64}(?:\\\\?["'])?\\s{0,16}[=:]\\s{0,16})(\\\\"(?:[^"\\\\]|\\\\[^"])*\\\\"|"[^"]*"|'[^']*'|[^\\s&;,"']+)`,
  "gi",
);
const bearer = /\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi;
const urlCredentials = /\b([a-z][a-z0-9+.-]*:\/\/)([^/\s:@]+):([^/\s@]+)@/gi;
const secretQueryParam = new RegExp(`([?&;][\\w.-]*${secretKey}[\\w.-]*=)[^&#;\\s]+`, "gi");

/** Hides secrets inside free text (an argv element, a URL, a log line). */
export function redactText(text: string): string {
  if (!text) return text;
  let out = text.replace(urlCredentials, (_m, scheme, user) => `${scheme}${user}:${REDACTED}@`);
  out = out.replace(secretQueryParam, (_m, key) => `${key}${REDACTED}`);
  out = out.replace(bearer, (_m, kind) => `${kind} ${REDACTED}`);
  // A quoted value keeps its quotes so that redacted JSON stays JSON.
  out = out.replace(assignment, (_m, key: string, value: string) => {
    const q = value.startsWith('\\"') ? '\\"' : value[0] === '"' || value[0] === "'" ? value[0] : "";
    return `${key}${q}${REDACTED}${q}`;
  });
  for (const re of tokenPatterns) out = out.replace(re, REDACTED);
  return out;
}

// A path segment that identifies a person or carries a credential: an SSN, a record number, or a
// long run mixing letters and digits (tokens, keys, bot tokens, JWTs).
const personalSegment = /^(?:\d{3}-\d{2}-\d{4}|[A-Za-z]{0,8}[-_]?\d{5,})$/;
const tokenSegment = /^(?=[^/]{16,}$)(?=[^/]*\d)(?=[^/]*[A-Za-z])[A-Za-z0-9_.:~+=-]+$/;

/**
 * A URL path as TrustRun shows it: secrets and per-person segments replaced (`:secret`, `:id`),
 * query values redacted by name. `/patient/MRN-00012345/record` → `/patient/:id/record`.
 */
export function redactPath(path: string): string {
  if (!path) return path;
  const q = path.search(/[?#]/);
  const head = q < 0 ? path : path.slice(0, q);
  const tail = q < 0 ? "" : path.slice(q);
  const segments = head.split("/").map((seg) => {
    const [name, ...params] = seg.split(";"); // matrix parameters (;jsessionid=…)
    const clean = redactText(name) !== name || tokenSegment.test(name) ? ":secret" : personalSegment.test(name) ? ":id" : name;
    return [clean, ...params.map((p) => redactText(`;${p}`).slice(1))].join(";");
  });
  return segments.join("/") + redactText(tail);
}

/**
 * A structured detail (a sentinel signal's) with secrets hidden: `argv` lists as argv, `path`s as
 * paths, every other string as free text. Bounded in depth and size; the input is not changed.
 */
export function redactDetail(value: unknown, key = "", depth = 0): unknown {
  if (depth > 8) return "[…]";
  if (typeof value === "string") return key === "path" ? redactPath(value) : redactText(value);
  if (Array.isArray(value)) {
    const list = value.slice(0, 1000);
    if (key === "argv" && list.every((v) => typeof v === "string")) return redactArgv(list as string[]);
    return list.map((v) => redactDetail(v, "", depth + 1));
  }
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, 200)) {
      out[k] = /^(headers?|responseHeaders)$/i.test(k) && v && typeof v === "object" && !Array.isArray(v)
        ? redactHeaders(Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([h, x]) => [h, String(x)])))
        : redactDetail(v, k, depth + 1);
    }
    return out;
  }
  return value;
}

/** argv with secrets hidden; a value following a secret-named flag (--api-key X) is hidden too. */
export function redactArgv(argv: string[] | null): string[] | null {
  if (!argv) return argv;
  const flagNamesSecret = new RegExp(`^--?[\\w-]*${secretKey}[\\w-]*$`, "i");
  return argv.map((arg, i) => (i > 0 && flagNamesSecret.test(argv[i - 1]) ? REDACTED : redactText(arg)));
}

// A header is secret-bearing when one word of its name says so (x-functions-key, private-token,
// x-vault-token, apikey, set-cookie); whole words, so ":authority" and "x-author" stay readable.
const secretHeaderWord = /(?:^|[-_])(?:authorization|auth|token|key|apikey|api[-_]?key|secret|password|passwd|pass|cookie|credentials?|signature|session|sessionid|csrf|xsrf)(?=$|[-_])/i;

export function isSecretHeader(name: string): boolean {
  return secretHeaderWord.test(name);
}

/** Header values of secret-bearing headers are replaced; others pass through redactText. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = isSecretHeader(name) ? REDACTED : redactText(value);
  }
  return out;
}

export { REDACTED };

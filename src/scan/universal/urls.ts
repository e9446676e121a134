// Universal pass: absolute URLs, IP literals and bare hostnames in any text.
import type { RawFinding } from "../types.ts";
import { keywordRegions, maskSecrets } from "../secrets/detect.ts";
import { isDocumentUrl, isIp, isLikelyHostname, isReservedExample, isUrlHost, looksLikeCodeName, normalizeHost } from "./hosts.ts";

const schemes = "https?|wss?|ftps?|sftp|postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|grpcs?|nats|kafka|clickhouse|snowflake";
const schemeRe = new RegExp(`^(?:${schemes})$`, "i");
// A URL never runs over a control character (an escape sequence after it is not part of it).
const urlBodyRe = /[^\s\x00-\x1f\x7f"'<>`\\{}|^\uFFFD]+/y;
// Letters, digits and "+" (mongodb+srv) make up a scheme.
const schemeChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 43;
const wordChar = (c: number) => schemeChar(c) || c === 95;
const ipv4Re = /(?<![\w.\-@/])((?:25[0-5]|2[0-4]\d|1\d\d|[1-9]\d?)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3})(?![\w.]|-\w)/g;
// Cheap supersets of the patterns below, tested once per text: most files hold no dotted quad and
// no host setting, and the full patterns (look-behind, alternation) cost more than the gate.
const ipv4Gate = /\d\.\d{1,3}\.\d{1,3}\.\d/;
const keyedGate = /(?:host(?:name)?|endpoint|server|domain|base_?url)\s*[:=]/i;
const fullV6Re = /[0-9a-fA-F]{1,4}(?::[0-9a-fA-F]{1,4}){7}/g;
const hexOrColon = (c: number) => (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);

/** Length of the run of hex digits at i, counted up to 5 (enough to tell "1 to 4"). */
function hexRun(text: string, i: number): number {
  let k = 0;
  while (k < 5 && i + k < text.length && isHex(text.charCodeAt(i + k))) k++;
  return k;
}

/** At colon i: hex, colon, 1 to 4 hex, colon, 1 to 4 hex, colon, hex. */
function fullV6StartsAt(text: string, i: number): boolean {
  if (i === 0 || !isHex(text.charCodeAt(i - 1))) return false;
  const a = hexRun(text, i + 1);
  if (a < 1 || a > 4 || text.charCodeAt(i + 1 + a) !== 58) return false;
  const j = i + 2 + a;
  const b = hexRun(text, j);
  if (b < 1 || b > 4 || text.charCodeAt(j + b) !== 58) return false;
  return isHex(text.charCodeAt(j + b + 1));
}

/**
 * Same answer as /[0-9a-fA-F]:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:[0-9a-fA-F]/.test(text), the gate
 * for the full 8-group IPv6 form: a loop over the colons is about twice as fast as that regex,
 * which tries every hex digit of the text as a start. With `hexColonHex`, the offsets where the
 * automaton saw hex, colon, hex (text-flags.ts), only those colons are looked at.
 */
export function mayHoldFullV6(text: string, hexColonHex?: number[]): boolean {
  if (hexColonHex) return hexColonHex.some((end) => fullV6StartsAt(text, end - 1));
  for (let i = text.indexOf(":"); i !== -1; i = text.indexOf(":", i + 1)) if (fullV6StartsAt(text, i)) return true;
  return false;
}
// A quoted dotted name ("api.acme.io", 'db.internal:5432') is found from its last dot: a label
// starting with a letter, an optional port and the closing quote, read forward by hand, then back
// to the opening quote. The dots come from the keyword automaton's hits of a common TLD before a
// quote or port (quotedTldNames), or without them from every "." of the text (quotedNames).
const hostChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45 || c === 46;
const labelChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 45;
const alpha = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const alnum = (c: number) => alpha(c) || (c >= 48 && c <= 57);
const digit = (c: number) => c >= 48 && c <= 57;
const quote = (c: number) => c === 34 || c === 39 || c === 96;
// The setting's name may carry a prefix (DB_HOST, smtp_server, spring.redis.host, fhir-endpoint),
// but the word stands on its own: not localhost, ghost or hostname_check.
const keyedHostRe = /(?<![\w.-])(?:[A-Za-z0-9]+[_.-])*(?:host|hostname|endpoint|server|domain|base_?url)\s*[:=]\s*([A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+)(?::(\d{1,5}))?\s*$/gim;

// `host: name` settings without quotes are looked for in configuration files only.
const configLanguages = new Set(["yaml", "toml", "ini", "dotenv", "text", "properties", "conf", "dockerfile", "shell"]);

export const defaultPorts: Record<string, number> = {
  http: 80, https: 443, ws: 80, wss: 443, ftp: 21, ftps: 990, sftp: 22, postgres: 5432, postgresql: 5432,
  mysql: 3306, mariadb: 3306, mongodb: 27017, redis: 6379, rediss: 6379, amqp: 5672, amqps: 5671,
  mssql: 1433, sqlserver: 1433, grpc: 443, grpcs: 443, nats: 4222, kafka: 9092, clickhouse: 8123,
};

export interface ParsedUrl {
  scheme: string;
  host: string;
  port: number | null;
  /** The URL as reported: credentials replaced by "***". */
  display: string;
}

/** A longer URL is read this far: enough for its host and a signed query, and never a whole minified line. */
export const maxUrlLength = 4096;
/** A URL's reported value is cut here (after masking, so no secret shows in part), and ends with "…". */
export const maxUrlShown = 1024;
export const shownUrl = (masked: string) => (masked.length > maxUrlShown ? `${masked.slice(0, maxUrlShown)}…` : masked);

// The same URLs recur across a tree (licences, docs, API bases): remember recent answers.
const parseCache = new Map<string, ParsedUrl | null>();

/** Parses "scheme://[user[:pass]@]host[:port]/rest" leniently; null when the host is not real. */
export function parseUrl(scheme: string, rest: string): ParsedUrl | null {
  const key = `${scheme}://${rest}`;
  const hit = parseCache.get(key);
  if (hit !== undefined) return hit;
  const parsed = parseUrlUncached(scheme, rest);
  if (parseCache.size >= 20_000) parseCache.clear();
  parseCache.set(key, parsed);
  return parsed;
}

function parseUrlUncached(scheme: string, rest: string): ParsedUrl | null {
  const s = scheme.toLowerCase();
  let end = rest.length;
  while (end > 0 && trailingPunctuation(rest.charCodeAt(end - 1))) end--;
  // Trailing ")" or "]" closing an enclosing bracket, not part of the URL (counted once, then
  // kept up to date: a run of closers is not recounted per closer).
  const round = [count(rest, "(", end), count(rest, ")", end)];
  const square = [count(rest, "[", end), count(rest, "]", end)];
  for (;;) {
    const c = rest.charCodeAt(end - 1);
    const pair = c === 41 ? round : c === 93 ? square : null;
    if (!pair || pair[0] >= pair[1]) break;
    pair[1]--;
    end--;
  }
  const body = rest.slice(0, end);
  const slash = body.search(/[/?#]/);
  const authority = slash === -1 ? body : body.slice(0, slash);
  const tail = slash === -1 ? "" : body.slice(slash);
  const at = authority.lastIndexOf("@");
  const userinfo = at >= 0 ? authority.slice(0, at) : null;
  const hostport = at >= 0 ? authority.slice(at + 1) : authority;
  // Several hosts ("mongodb://a:1,b:2/db"): report the first.
  const first = hostport.split(",")[0];
  let host: string;
  let portText: string | undefined;
  const v6 = first.match(/^\[([0-9a-fA-F:.]+)\](?::(\d+))?$/);
  if (v6) {
    host = v6[1];
    portText = v6[2];
  } else {
    const m = first.match(/^([^:]+)(?::(\d*))?$/);
    if (!m) return null;
    host = m[1];
    portText = m[2];
  }
  host = normalizeHost(host);
  if (!isUrlHost(host) || isReservedExample(host)) return null;
  if (isDocumentUrl(`${host}${tail}`)) return null;
  const port = portText ? Number(portText) : (defaultPorts[s] ?? null);
  if (port !== null && (port < 1 || port > 65535)) return null;
  let cred = "";
  if (userinfo !== null) {
    const colon = userinfo.indexOf(":");
    cred = colon >= 0 ? `${userinfo.slice(0, colon)}:***@` : `${userinfo}@`;
  }
  const hostShown = host.includes(":") ? `[${host}]` : host;
  // Paths and queries can carry tokens (webhooks, signed URLs): mask those too.
  const display = maskSecrets(`${s}://${cred}${hostShown}${portText ? `:${portText}` : ""}${redactQuery(tail)}`);
  return { scheme: s, host, port, display };
}

/** How many times ch occurs in s[0, end). */
function count(s: string, ch: string, end: number): number {
  let n = 0;
  for (let i = s.indexOf(ch); i !== -1 && i < end; i = s.indexOf(ch, i + 1)) n++;
  return n;
}

/** . , ; : ! ? * ending a URL end the sentence around it. */
const trailingPunctuation = (c: number) => c === 46 || c === 44 || c === 59 || c === 58 || c === 33 || c === 63 || c === 42;

// Query and fragment parameters that carry credentials (SAS signatures, API keys, OAuth tokens in
// a redirect's fragment): the name's words as in core/redact.ts (pass/password, secret, token, api
// key, access key, auth, credential, private key, session id, cookie, sig/signature), after "?",
// "&", "#" or ";" (;jsessionid=). Not when the last word names something else: token_type, key_id.
const queryParamRe = /([?&#;])([\w.~%[\]-]+)=([^&#;]*)/g;
const secretParamWords = new Set([
  "pass", "password", "passwd", "pwd", "secret", "token", "auth", "authorization", "credential", "credentials", "cookie",
  "sig", "signature", "session", "sessionid", "jsessionid", "phpsessid", "apikey", "accesskey", "privatekey", "jwt",
]);
const notSecretLast = new Set([
  "type", "name", "id", "ids", "method", "methods", "expires", "expiry", "exp", "ttl", "url", "uri", "endpoint", "len",
  "length", "format", "version", "mode", "hint", "scope", "count", "hash",
]);

/** Whether a query parameter of this name holds a credential. */
export function isSecretParam(name: string): boolean {
  const words = name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  const n = words.length;
  if (n === 0) return false;
  const last = words[n - 1];
  // Alone, these are the OAuth code and an API key.
  if (n === 1 && (last === "code" || last === "key")) return true;
  const before = n > 1 ? words[n - 2] : "";
  if (last === "id" && before === "session") return true;
  if (notSecretLast.has(last)) return false;
  if (last === "key" && (before === "api" || before === "access" || before === "private" || before === "secret" || before === "subscription" || before === "functions" || before === "sas" || before === "account" || before === "signing" || before === "master")) return true;
  return words.some((w) => secretParamWords.has(w));
}

function redactQuery(tail: string): string {
  if (!tail.includes("=")) return tail;
  return tail.replace(queryParamRe, (m, sep: string, name: string) => (isSecretParam(name) ? `${sep}${name}=***` : m));
}

const urlInTextRe = /\b[a-z][a-z0-9+.-]*:\/\/[^\s\x00-\x1f\x7f"'<>`\\{}|^]+/gi;

/**
 * Text (a source line) with the credentials of every URL in it masked as a URL finding's value
 * is: query and fragment parameters that name a credential. Passwords in `user:pass@` are
 * maskSecrets' (secrets/detect.ts).
 */
export function maskUrlParams(text: string): string {
  if (!text.includes("://") || !text.includes("=")) return text;
  return text.replace(urlInTextRe, (u) => {
    const q = u.search(/[?#;]/);
    return q === -1 ? u : u.slice(0, q) + redactQuery(u.slice(q));
  });
}

function onVersionLine(text: string, index: number): boolean {
  // The 40 characters before, within the line (never a search back to the start of a long line).
  const window = text.slice(Math.max(0, index - 40), index);
  const before = window.slice(window.lastIndexOf("\n") + 1).toLowerCase();
  // "oid" as a word: "avoid", "android", "void" name no OID.
  return /version|\bver\b|\bv\s*$|release|build|(?<![a-z])oids?(?![a-z])|copyright|\bsemver|@\s*$/.test(before);
}

// Documentation ranges (RFC 5737, RFC 3849): the IP counterpart of example.com.
const docRanges = /^(?:192\.0\.2|198\.51\.100|203\.0\.113)\.|^2001:0?db8:/i;

function validIpv4(ip: string): boolean {
  // Broadcast, masks and network addresses (x.y.z.0) name ranges, not hosts.
  if (ip === "0.0.0.0" || ip.startsWith("255.") || ip.endsWith(".255") || ip.endsWith(".0") || docRanges.test(ip)) return false;
  const parts = ip.split(".").map(Number);
  // Small dotted quads like 1.2.3.4 / 2.0.1.0 are version numbers far more often than addresses.
  if (parts.every((p) => p < 10) && !(parts[0] === 1 && parts[1] === 1 && parts[2] === 1) && ip !== "8.8.8.8") return false;
  return true;
}

/** The text before `offset` on its line, at most 80 characters (never a search back along a long line). */
function lineBefore(text: string, offset: number): string {
  const window = text.slice(Math.max(0, offset - 80), offset);
  return window.slice(window.lastIndexOf("\n") + 1);
}

type QuotedName = { offset: number; name: string; port: string | undefined };

/**
 * The name whose last dot is at `dot`, read forward to its closing quote and back to its opening
 * one (matching), or null: /(["'`])[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)+(?::(\d{1,5}))?\1/
 * with a last label that starts with a letter.
 */
function nameAtDot(text: string, dot: number): (QuotedName & { open: number; close: number }) | null {
  const len = text.length;
  if (dot === 0 || !labelChar(text.charCodeAt(dot - 1)) || !alpha(text.charCodeAt(dot + 1))) return null;
  let close = dot + 2;
  while (close < len && labelChar(text.charCodeAt(close))) close++;
  const nameEnd = close;
  let port: string | undefined;
  if (text.charCodeAt(close) === 58) {
    let k = close + 1;
    while (k < len && k - close <= 5 && digit(text.charCodeAt(k))) k++;
    if (k === close + 1) return null;
    port = text.slice(close + 1, k);
    close = k;
  }
  if (!quote(text.charCodeAt(close))) return null;
  let start = dot;
  while (start > 0 && hostChar(text.charCodeAt(start - 1))) start--;
  const open = start - 1;
  if (open < 0 || text.charCodeAt(open) !== text.charCodeAt(close) || !alnum(text.charCodeAt(start))) return null;
  const name = text.slice(start, nameEnd);
  // No empty label: "a..b" and a trailing dot are not names.
  if (name.includes("..")) return null;
  return { offset: start, name, port, open, close };
}

/**
 * Dotted names between matching quotes, with their port: candidates for bare hostnames. Names do
 * not overlap: one whose opening quote closes the previous name is not taken.
 */
export function quotedNames(text: string): QuotedName[] {
  const out: QuotedName[] = [];
  let nextOpen = 0;
  for (let dot = text.indexOf("."); dot !== -1; dot = text.indexOf(".", dot + 1)) {
    const found = nameAtDot(text, dot);
    if (!found || found.open < nextOpen) continue;
    nextOpen = found.close + 1;
    out.push({ offset: found.offset, name: found.name, port: found.port });
  }
  return out;
}

/** The name whose closing quote is at `close`, found from its end, or null. */
function nameClosingAt(text: string, close: number): (QuotedName & { open: number; close: number }) | null {
  let i = close - 1;
  // An optional port: up to 5 digits after a colon.
  let k = i;
  while (k >= 0 && close - 1 - k < 5 && digit(text.charCodeAt(k))) k--;
  if (k < i && text.charCodeAt(k) === 58) i = k - 1;
  while (i >= 0 && labelChar(text.charCodeAt(i))) i--;
  if (i < 0 || text.charCodeAt(i) !== 46) return null;
  const found = nameAtDot(text, i);
  return found && found.close === close ? found : null;
}

/** Names sharing quotes followed back further than this: the text gets the full search instead. */
const maxQuoteChain = 64;

/**
 * quotedNames restricted to names ending in a common TLD, read from the automaton's hits (the
 * offset of the quote or colon after `.tld`, text-flags.ts) instead of every dot of the text.
 * Same names as quotedNames gives with those TLDs, non-overlap included: a name is not taken when
 * its opening quote closes a name that was taken, which holds when the chain of names closing at
 * each other's opening quotes behind it has an even length. A chain longer than maxQuoteChain
 * (only in contrived text) returns quotedNames(text) itself, so the work stays linear.
 */
export function quotedTldNames(text: string, hits: number[]): QuotedName[] {
  const out: QuotedName[] = [];
  const sorted = [...hits].sort((a, b) => a - b);
  let last = -1;
  for (const end of sorted) {
    if (end <= last) continue; // the automaton's two chains may report a hit twice
    last = end;
    // Back from the quote or colon to the name's last dot.
    let dot = end - 1;
    while (dot >= 0 && labelChar(text.charCodeAt(dot))) dot--;
    if (dot < 0 || text.charCodeAt(dot) !== 46) continue;
    const found = nameAtDot(text, dot);
    if (!found) continue;
    let behind = 0;
    for (let q = found.open, prev = nameClosingAt(text, q); prev; q = prev.open, prev = nameClosingAt(text, q)) {
      if (++behind > maxQuoteChain) return quotedNames(text);
    }
    if (behind % 2 === 1) continue;
    out.push({ offset: found.offset, name: found.name, port: found.port });
  }
  return out;
}

/** What a text can hold, known from an earlier pass (text-flags.ts); without it each is looked for. */
export interface EndpointGates {
  scheme: boolean; // "://"
  doubleColon: boolean; // "::"
  dottedQuad: boolean; // /\d\.\d{1,3}\.\d{1,3}\.\d/
  hostSetting: boolean; // a word of keyedGate
  /** Where those words end: `host: name` settings are looked for on their lines only. */
  settingHits: number[];
  /** Where `.tld"` / `.tld:` (a common TLD ending a quoted name) end: see quotedTldNames. */
  quotedTldHits: number[];
  /** Where hex, colon, hex ends: the colons a full-form IPv6 address can start at. */
  hexColonHits: number[];
}

/** Finds URLs, IPs and hostnames in any text. `at(offset)` converts offsets to line/column. */
export function extractEndpoints(
  text: string,
  at: (offset: number) => { line: number; column: number },
  language: string,
  gates?: EndpointGates,
): RawFinding[] {
  const out: RawFinding[] = [];
  const urlSpans: Array<[number, number]> = [];
  const push = (kind: RawFinding["kind"], value: string, host: string | null, offset: number, rule: string, port: number | null) => {
    const { line, column } = at(offset);
    out.push({ kind, value, host, line, column, language, analyzer: "regex", rule, port });
  };
  // Anchored on "://" (one fast indexOf pass) rather than a regex over every position.
  for (let i = gates && !gates.scheme ? -1 : text.indexOf("://"); i !== -1; i = text.indexOf("://", i + 3)) {
    let s = i;
    while (s > 0 && s > i - 12 && schemeChar(text.charCodeAt(s - 1))) s--;
    if (s === i || (s > 0 && wordChar(text.charCodeAt(s - 1)))) continue;
    const scheme = text.slice(s, i);
    if (!schemeRe.test(scheme)) continue;
    // A URL inside another (a redirect parameter) is covered by the outer span: keep spans disjoint.
    // Its run of URL characters ends where the outer one does, so it is not read again (a minified
    // line of URLs nested without a break would otherwise be read to its end once per URL).
    const last = urlSpans[urlSpans.length - 1];
    let end: number;
    if (last && s < last[1]) end = last[1];
    else {
      urlBodyRe.lastIndex = i + 3;
      const m = urlBodyRe.exec(text);
      end = m ? i + 3 + m[0].length : i + 3;
      if (m) urlSpans.push([s, end]);
    }
    if (end <= i + 3) continue;
    const cut = end - i - 3 > maxUrlLength;
    const parsed = parseUrl(scheme, text.slice(i + 3, cut ? i + 3 + maxUrlLength : end));
    if (!parsed) continue;
    const shown = cut && parsed.display.length <= maxUrlShown ? `${parsed.display}…` : shownUrl(parsed.display);
    push("url", shown, parsed.host, s, `url/${parsed.scheme}`, parsed.port);
  }
  // Spans are in text order and disjoint: binary search for the last one starting at or before i.
  const inUrl = (i: number) => {
    let lo = 0;
    let hi = urlSpans.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (urlSpans[mid][0] <= i) lo = mid + 1;
      else hi = mid - 1;
    }
    return hi >= 0 && i < urlSpans[hi][1];
  };
  for (const m of (gates ? gates.dottedQuad : ipv4Gate.test(text)) ? text.matchAll(ipv4Re) : []) {
    const ip = m[1];
    if (!validIpv4(ip) || inUrl(m.index) || onVersionLine(text, m.index)) continue;
    if (/(?:[=<>~!]=|[\^~])\s*$/.test(text.slice(Math.max(0, m.index - 3), m.index))) continue; // pkg==1.2.3.4
    push("ip", ip, ip, m.index, "ip/v4", null);
  }
  // IPv6: grow a token of hex digits and colons around each "::" or full 8-group form, then check
  // what stands before and after it (quotes, spaces, "=", brackets of calls) and the address itself.
  const v6Seen = new Set<number>();
  /** Returns where the token ends, so the caller never rescans it (no quadratic runs of colons). */
  const v6Candidate = (at: number): number => {
    let a = at;
    let b = at;
    while (a > 0 && hexOrColon(text.charCodeAt(a - 1))) a--;
    while (b < text.length && hexOrColon(text.charCodeAt(b))) b++;
    if (v6Seen.has(a)) return b;
    v6Seen.add(a);
    checkV6(a, b);
    return b;
  };
  const checkV6 = (a: number, b: number) => {
    const before = a > 0 ? text[a - 1] : "\n";
    const after = b < text.length ? text[b] : "\n";
    if (!/["'\s=(,]/.test(before) || !/["'\s/%),]/.test(after)) return;
    const ip = text.slice(a, b);
    const groups = ip.split(":").filter(Boolean).length;
    // Cheap shape tests before ipaddr.js parses it.
    if (ip.length < 5 || groups < 2 || (!ip.includes("::") && ip.split(":").length !== 8) || inUrl(a)) return;
    if (!isIp(ip) || docRanges.test(ip)) return;
    // A prefix length after it: a network (2001:2::/48), not an endpoint.
    if (after === "/" && /^\/\d{1,3}(?!\d)/.test(text.slice(b, b + 5))) return;
    push("ip", ip.toLowerCase(), ip.toLowerCase(), a, "ip/v6", null);
  };
  for (let i = gates && !gates.doubleColon ? -1 : text.indexOf("::"); i !== -1; i = text.indexOf("::", Math.max(i + 2, v6Candidate(i))));
  if (mayHoldFullV6(text, gates?.hexColonHits)) {
    // Go on after each token grown, never inside it (a long hex-and-colon run would be quadratic).
    fullV6Re.lastIndex = 0;
    for (let m = fullV6Re.exec(text); m !== null; m = fullV6Re.exec(text)) fullV6Re.lastIndex = Math.max(fullV6Re.lastIndex, v6Candidate(m.index));
  }
  const seenHost = new Set<number>();
  for (const { offset, name, port } of gates ? quotedTldNames(text, gates.quotedTldHits) : quotedNames(text)) {
    const host = normalizeHost(name);
    if (inUrl(offset) || !isLikelyHostname(host) || isReservedExample(host) || looksLikeCodeName(name, lineBefore(text, offset - 1))) continue;
    seenHost.add(offset);
    push("host", port ? `${host}:${port}` : host, host, offset, "host/string", port ? Number(port) : null);
  }
  // A setting's value may sit on the line below its name.
  const settingLines = !configLanguages.has(language)
    ? []
    : gates
      ? gates.hostSetting ? keywordRegions(text, gates.settingHits, 1) : []
      : keyedGate.test(text) ? [[0, text.length] as [number, number]] : [];
  for (const [from, to] of settingLines) {
    for (const m of (from === 0 && to === text.length ? text : text.slice(from, to)).matchAll(keyedHostRe)) {
      const offset = from + m.index + m[0].indexOf(m[1]);
      const host = normalizeHost(m[1]);
      if (seenHost.has(offset) || inUrl(offset) || !isLikelyHostname(host) || isReservedExample(host)) continue;
      push("host", m[2] ? `${host}:${m[2]}` : host, host, offset, "host/setting", m[2] ? Number(m[2]) : null);
    }
  }
  return out;
}

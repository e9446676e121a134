// Pure parsers of HTTP/1.x message heads as they arrive from a client or a server through the
// proxy. Input is untrusted: every function returns null (or a safe default) instead of throwing,
// and anything ambiguous that could smuggle a second request past the policy is refused.

export type HeaderList = Array<[string, string]>;

export interface RequestHead {
  method: string;
  target: string; // as sent: origin-form (/path), absolute-form (http://h/p) or authority (h:443)
  version: "HTTP/1.0" | "HTTP/1.1";
  headers: HeaderList;
}

export interface ResponseHead {
  version: string;
  status: number;
  reason: string;
  headers: HeaderList;
}

export type Framing =
  | { kind: "none" }
  | { kind: "length"; length: number }
  | { kind: "chunked" }
  | { kind: "close" }; // response body runs until the server closes

export const MAX_HEAD_BYTES = 64 * 1024;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Index just past the blank line ending a head, or -1 while incomplete. */
export function findHeadEnd(buf: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from - 3); i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i + 4;
  }
  return -1;
}

function parseHeaderLines(lines: string[]): HeaderList | null {
  const headers: HeaderList = [];
  for (const line of lines) {
    if (line === "") continue;
    if (line[0] === " " || line[0] === "\t") return null; // obsolete line folding: refuse
    const colon = line.indexOf(":");
    if (colon <= 0) return null;
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return null;
    const value = line.slice(colon + 1).trim();
    if (/[\0\r\n]/.test(value)) return null;
    headers.push([name, value]);
  }
  return headers;
}

function splitHead(text: string): string[] | null {
  if (typeof text !== "string" || text.length > MAX_HEAD_BYTES) return null;
  const body = text.endsWith("\r\n\r\n") ? text.slice(0, -4) : text;
  const lines = body.split("\r\n");
  if (lines.some((l) => l.includes("\n") || l.includes("\r"))) return null; // bare LF/CR
  return lines;
}

export function parseRequestHead(text: string): RequestHead | null {
  const lines = splitHead(text);
  if (!lines) return null;
  const m = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]{1,32}) (\S{1,16384}) (HTTP\/1\.[01])$/.exec(lines[0] ?? "");
  if (!m) return null;
  const headers = parseHeaderLines(lines.slice(1));
  if (!headers) return null;
  return { method: m[1]!, target: m[2]!, version: m[3] as RequestHead["version"], headers };
}

export function parseResponseHead(text: string): ResponseHead | null {
  const lines = splitHead(text);
  if (!lines) return null;
  const m = /^(HTTP\/\d\.\d) (\d{3})(?: (.*))?$/.exec(lines[0] ?? "");
  if (!m) return null;
  const headers = parseHeaderLines(lines.slice(1));
  if (!headers) return null;
  return { version: m[1]!, status: Number(m[2]), reason: m[3] ?? "", headers };
}

export function headerValues(headers: HeaderList, name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

export function headerValue(headers: HeaderList, name: string): string | undefined {
  return headerValues(headers, name)[0];
}

/** Headers as one record (repeated names joined with ", ", cookies with "; "), for the event. */
export function headerRecord(headers: HeaderList): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    out[key] = key in out ? `${out[key]}${key === "cookie" ? "; " : ", "}${value}` : value;
  }
  return out;
}

function lengthOf(headers: HeaderList): number | null | "invalid" {
  const values = headerValues(headers, "content-length").flatMap((v) => v.split(",").map((s) => s.trim()));
  if (values.length === 0) return null;
  if (!values.every((v) => /^\d{1,15}$/.test(v)) || new Set(values).size !== 1) return "invalid";
  return Number(values[0]);
}

function isChunked(headers: HeaderList): boolean | "invalid" {
  const te = headerValues(headers, "transfer-encoding").flatMap((v) => v.split(",").map((s) => s.trim().toLowerCase())).filter(Boolean);
  if (te.length === 0) return false;
  // Only "chunked" last is a framing we can follow; anything else is ambiguous for a proxy.
  return te[te.length - 1] === "chunked" ? true : "invalid";
}

/** How a request's body is delimited; null when the head is ambiguous (refuse it). */
export function requestFraming(head: RequestHead): Framing | null {
  const chunked = isChunked(head.headers);
  const length = lengthOf(head.headers);
  if (chunked === "invalid" || length === "invalid") return null;
  if (chunked && length !== null) return null; // both: the classic smuggling shape
  if (chunked) return { kind: "chunked" };
  if (length !== null) return length === 0 ? { kind: "none" } : { kind: "length", length };
  return { kind: "none" };
}

/** How a response's body is delimited. */
export function responseFraming(head: ResponseHead, requestMethod: string): Framing {
  if (requestMethod.toUpperCase() === "HEAD" || head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200)) {
    return { kind: "none" };
  }
  const chunked = isChunked(head.headers);
  if (chunked === true) return { kind: "chunked" };
  const length = lengthOf(head.headers);
  if (typeof length === "number") return length === 0 ? { kind: "none" } : { kind: "length", length };
  return { kind: "close" };
}

const hopByHop = new Set(["connection", "proxy-connection", "keep-alive", "proxy-authorization", "proxy-authenticate", "te", "upgrade"]);

/** Whether a message asks for (or, in a 101, agrees to) a WebSocket: `Connection: upgrade` and `Upgrade: websocket`. */
export function isWebSocketUpgrade(headers: HeaderList): boolean {
  const connection = headerValues(headers, "connection").flatMap((v) => v.split(",").map((s) => s.trim().toLowerCase()));
  return connection.includes("upgrade") && headerValues(headers, "upgrade").some((v) => v.split(",").some((t) => t.trim().toLowerCase() === "websocket"));
}

/**
 * The request head sent upstream: origin-form target, hop-by-hop headers dropped; keep-alive
 * unless told to close. `websocket` keeps the upgrade (the only protocol switch relayed).
 */
export function upstreamRequestHead(head: RequestHead, path: string, host: string, close = false, websocket = false): string {
  const named = new Set(headerValues(head.headers, "connection").flatMap((v) => v.split(",").map((s) => s.trim().toLowerCase())));
  const kept = head.headers.filter(([n]) => !hopByHop.has(n.toLowerCase()) && !named.has(n.toLowerCase()));
  if (!kept.some(([n]) => n.toLowerCase() === "host")) kept.unshift(["Host", host]);
  if (websocket) kept.push(["Upgrade", "websocket"], ["Connection", "Upgrade"]);
  else if (close) kept.push(["Connection", "close"]);
  return `${head.method} ${path} ${head.version}\r\n${kept.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n`;
}

/** The response head sent to the client, saying whether the proxy keeps the connection (or that it switched to a WebSocket). */
export function clientResponseHead(head: ResponseHead, keepAlive = false, websocket = false): string {
  const named = new Set(headerValues(head.headers, "connection").flatMap((v) => v.split(",").map((s) => s.trim().toLowerCase())));
  const kept = head.headers.filter(([n]) => !hopByHop.has(n.toLowerCase()) && !named.has(n.toLowerCase()));
  if (websocket) kept.push(["Upgrade", "websocket"], ["Connection", "Upgrade"]);
  else kept.push(["Connection", keepAlive ? "keep-alive" : "close"]);
  return `${head.version} ${head.status} ${head.reason}\r\n${kept.map(([n, v]) => `${n}: ${v}`).join("\r\n")}\r\n\r\n`;
}

/** Whether the message asks to close the connection after it (HTTP/1.0 closes unless it asks to keep). */
export function wantsClose(version: string, headers: HeaderList): boolean {
  const tokens = headerValues(headers, "connection").flatMap((v) => v.split(",").map((s) => s.trim().toLowerCase()));
  if (tokens.includes("close")) return true;
  return version === "HTTP/1.0" && !tokens.includes("keep-alive");
}

/** "host:port" (or "[v6]:port") → parts; null when malformed. */
export function parseAuthority(authority: string, defaultPort: number): { host: string; port: number } | null {
  if (typeof authority !== "string" || authority.length === 0 || authority.length > 300) return null;
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:/?#@\[\]]+))(?::(\d{1,5}))?$/.exec(authority);
  if (!m) return null;
  const port = m[3] !== undefined ? Number(m[3]) : defaultPort;
  if (port < 1 || port > 65535) return null;
  return { host: (m[1] ?? m[2])!.toLowerCase().replace(/\.$/, ""), port };
}

/** Where a request goes and what path it asks for, from its target and Host header. */
export function requestDestination(head: RequestHead, tunnel: { host: string; port: number; tls: boolean } | null):
  { host: string; port: number; path: string; tls: boolean } | null {
  if (tunnel) {
    if (!head.target.startsWith("/")) return null; // inside a tunnel only origin-form is sane
    return { host: tunnel.host, port: tunnel.port, path: head.target, tls: tunnel.tls };
  }
  const m = /^http:\/\/([^/?#]+)([^#]*)$/i.exec(head.target);
  if (!m) return null;
  const auth = parseAuthority(m[1]!, 80);
  if (!auth) return null;
  const rest = m[2] || "/";
  return { host: auth.host, port: auth.port, path: rest.startsWith("/") ? rest : `/${rest}`, tls: false };
}

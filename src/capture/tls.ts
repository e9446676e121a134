/**
 * TLS ClientHello (RFC 8446 §4.1.2, RFC 6066 SNI, RFC 7301 ALPN) from the first bytes a client
 * sends on a TCP connection. Untrusted bytes: never throws, bounds every loop.
 */

export interface ClientHello {
  /** server_name (host_name) in lower case, or null when the client sent none or a malformed one. */
  sni: string | null;
  alpn: string[];
}

export type ClientHelloState =
  | { state: "not-tls" }
  | { state: "need-more"; /** total bytes of records needed, when known */ needed: number | null }
  | { state: "complete"; hello: ClientHello | null };

const MAX_RECORD = 16384 + 2048;
/** Records a handshake message may span; real hellos use one or two. */
const MAX_RECORDS = 16;
const MAX_HELLO = 65536;

/** Gathers the handshake message from consecutive handshake records, as far as the bytes go. */
function gatherHandshake(b: Uint8Array): ClientHelloState | { state: "gathered"; msg: Uint8Array } {
  if (b.length < 1 || b[0] !== 0x16) return { state: "not-tls" };
  if (b.length >= 2 && b[1] !== 0x03) return { state: "not-tls" };
  const parts: Uint8Array[] = [];
  let have = 0;
  let off = 0;
  let want = -1; // handshake body length + 4, once known
  for (let r = 0; r < MAX_RECORDS; r++) {
    if (off + 5 > b.length) return { state: "need-more", needed: null };
    if (b[off] !== 0x16 || b[off + 1] !== 0x03) return r === 0 ? { state: "not-tls" } : { state: "complete", hello: null };
    const len = (b[off + 3] << 8) | b[off + 4];
    if (len === 0 || len > MAX_RECORD) return r === 0 ? { state: "not-tls" } : { state: "complete", hello: null };
    const avail = Math.min(len, b.length - off - 5);
    parts.push(b.subarray(off + 5, off + 5 + avail));
    have += avail;
    if (want < 0 && have >= 4) {
      const first = concat(parts, 4);
      if (first[0] !== 0x01) return r === 0 ? { state: "not-tls" } : { state: "complete", hello: null };
      want = ((first[1] << 16) | (first[2] << 8) | first[3]) + 4;
      if (want > MAX_HELLO) return { state: "complete", hello: null };
    }
    if (avail < len) return { state: "need-more", needed: off + 5 + len };
    off += 5 + len;
    if (want >= 0 && have >= want) return { state: "gathered", msg: concat(parts, want) };
  }
  return { state: "complete", hello: null };
}

function concat(parts: Uint8Array[], limit: number): Uint8Array {
  const out = new Uint8Array(Math.min(limit, parts.reduce((n, p) => n + p.length, 0)));
  let o = 0;
  for (const p of parts) {
    if (o >= out.length) break;
    const take = p.subarray(0, out.length - o);
    out.set(take, o);
    o += take.length;
  }
  return out;
}

/** What the bytes so far are: not TLS, an incomplete ClientHello, or a complete one (parsed). */
export function inspectClientHello(bytes: Uint8Array): ClientHelloState {
  const g = gatherHandshake(bytes);
  if (g.state !== "gathered") return g;
  return { state: "complete", hello: parseHandshake(g.msg) };
}

/** The SNI and ALPN of a TCP payload starting with a TLS ClientHello; null if it is not one or is incomplete. */
export function parseClientHello(bytes: Uint8Array): ClientHello | null {
  const s = inspectClientHello(bytes);
  return s.state === "complete" ? s.hello : null;
}

/** `msg` is the handshake message: type(1) length(3) body. */
function parseHandshake(m: Uint8Array): ClientHello | null {
  if (m.length < 4 || m[0] !== 0x01) return null;
  let p = 4;
  p += 2 + 32; // legacy_version, random
  if (p + 1 > m.length) return null;
  p += 1 + m[p]; // session id
  if (p + 2 > m.length) return null;
  const cs = (m[p] << 8) | m[p + 1];
  if (cs < 2 || cs % 2 !== 0) return null;
  p += 2 + cs;
  if (p + 1 > m.length) return null;
  p += 1 + m[p]; // compression methods
  const hello: ClientHello = { sni: null, alpn: [] };
  if (p === m.length) return hello; // no extensions at all (old clients)
  if (p + 2 > m.length) return null;
  const extEnd = p + 2 + ((m[p] << 8) | m[p + 1]);
  if (extEnd > m.length) return null;
  p += 2;
  for (let i = 0; i < 256 && p + 4 <= extEnd; i++) {
    const type = (m[p] << 8) | m[p + 1];
    const len = (m[p + 2] << 8) | m[p + 3];
    const d = p + 4;
    if (d + len > extEnd) return null;
    if (type === 0) hello.sni = readSni(m, d, d + len);
    else if (type === 16) hello.alpn = readAlpn(m, d, d + len);
    p = d + len;
  }
  return hello;
}

function readSni(m: Uint8Array, start: number, end: number): string | null {
  if (start + 2 > end) return null;
  const listEnd = start + 2 + ((m[start] << 8) | m[start + 1]);
  if (listEnd > end) return null;
  let p = start + 2;
  for (let i = 0; i < 16 && p + 3 <= listEnd; i++) {
    const kind = m[p];
    const len = (m[p + 1] << 8) | m[p + 2];
    if (p + 3 + len > listEnd) return null;
    if (kind === 0) return hostText(m, p + 3, len);
    p += 3 + len;
  }
  return null;
}

/** Host names are ASCII letters, digits, '-', '_', '.', '*'; anything else is not a name we report. */
function hostText(m: Uint8Array, start: number, len: number): string | null {
  if (len === 0 || len > 253) return null;
  let s = "";
  for (let i = start; i < start + len; i++) {
    const c = m[i];
    const ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x2a;
    if (!ok) return null;
    s += String.fromCharCode(c);
  }
  return s.toLowerCase().replace(/\.$/, "");
}

function readAlpn(m: Uint8Array, start: number, end: number): string[] {
  const out: string[] = [];
  if (start + 2 > end) return out;
  const listEnd = Math.min(end, start + 2 + ((m[start] << 8) | m[start + 1]));
  let p = start + 2;
  for (let i = 0; i < 64 && p + 1 <= listEnd; i++) {
    const len = m[p];
    if (len === 0 || p + 1 + len > listEnd) break;
    let s = "";
    for (let k = p + 1; k < p + 1 + len; k++) s += m[k] > 0x20 && m[k] < 0x7f ? String.fromCharCode(m[k]) : "?";
    out.push(s);
    p += 1 + len;
  }
  return out;
}

// ---------------------------------------------------------------- builder (tests)

export interface BuildClientHelloOptions {
  /** Split the handshake into records of at most this many bytes (fragmentation tests). */
  maxRecordBody?: number;
  /** Bytes of padding extension (21) to add, e.g. to make a hello bigger than one TCP segment. */
  padding?: number;
  /** Put SNI after the padding (Chrome randomises extension order). */
  sniLast?: boolean;
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

/** A syntactically valid TLS 1.3-style ClientHello record (or records) with the given SNI and ALPN. */
export function buildClientHello(sni: string | null, alpn: string[] = [], opts: BuildClientHelloOptions = {}): Uint8Array {
  const enc = new TextEncoder();
  const exts: number[][] = [];
  const sniExt: number[] = [];
  if (sni !== null) {
    const h = [...enc.encode(sni)];
    const entry = [0, ...u16(h.length), ...h];
    sniExt.push(...u16(0), ...u16(entry.length + 2), ...u16(entry.length), ...entry);
  }
  if (sniExt.length && !opts.sniLast) exts.push(sniExt);
  exts.push([...u16(10), ...u16(4), ...u16(2), 0x00, 0x1d]); // supported_groups: x25519
  exts.push([...u16(43), ...u16(3), 2, 0x03, 0x04]); // supported_versions: TLS 1.3
  if (alpn.length) {
    const list = alpn.flatMap((a) => { const b = [...enc.encode(a)]; return [b.length, ...b]; });
    exts.push([...u16(16), ...u16(list.length + 2), ...u16(list.length), ...list]);
  }
  if (opts.padding) exts.push([...u16(21), ...u16(opts.padding), ...new Array(opts.padding).fill(0)]);
  if (sniExt.length && opts.sniLast) exts.push(sniExt);
  const extBytes = exts.flat();
  const random = Array.from({ length: 32 }, (_, i) => (i * 37 + 11) & 0xff);
  const body = [
    0x03, 0x03, ...random,
    32, ...Array.from({ length: 32 }, (_, i) => i),
    ...u16(6), 0x13, 0x01, 0x13, 0x02, 0x13, 0x03,
    1, 0,
    ...u16(extBytes.length), ...extBytes,
  ];
  const hs = [1, (body.length >> 16) & 0xff, (body.length >> 8) & 0xff, body.length & 0xff, ...body];
  const max = Math.max(1, opts.maxRecordBody ?? 16384);
  const out: number[] = [];
  for (let o = 0; o < hs.length; o += max) {
    const chunk = hs.slice(o, o + max);
    out.push(0x16, 0x03, 0x01, ...u16(chunk.length), ...chunk);
  }
  return new Uint8Array(out);
}

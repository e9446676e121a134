/**
 * DNS wire format (RFC 1035): a parser for messages seen on the wire (untrusted bytes: it never
 * throws, bounds every loop and every compression jump) and builders used by tests and fake
 * DNS servers.
 */

export type DnsType = "A" | "NS" | "CNAME" | "SOA" | "PTR" | "MX" | "TXT" | "AAAA" | "SRV" | "SVCB" | "HTTPS" | string;

export interface DnsQuestion {
  name: string;
  type: DnsType;
}

export interface DnsAnswer {
  name: string;
  type: DnsType;
  /** The IP for A/AAAA, the target name for CNAME/NS/PTR, "" for other types. */
  data: string;
  ttl: number;
}

export interface DnsMessage {
  id: number;
  isResponse: boolean;
  rcode: number;
  /** True when the message ended before every counted record was read. */
  partial: boolean;
  questions: DnsQuestion[];
  answers: DnsAnswer[];
}

const TYPE_NAMES: Record<number, string> = {
  1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 64: "SVCB", 65: "HTTPS",
};
const TYPE_CODES: Record<string, number> = Object.fromEntries(Object.entries(TYPE_NAMES).map(([k, v]) => [v, Number(k)]));

export function dnsTypeName(code: number): DnsType {
  return TYPE_NAMES[code] ?? `TYPE${code}`;
}

export function dnsTypeCode(type: DnsType | number): number {
  if (typeof type === "number") return type;
  const known = TYPE_CODES[type.toUpperCase()];
  if (known !== undefined) return known;
  const m = /^TYPE(\d{1,5})$/i.exec(type);
  if (m && Number(m[1]) <= 0xffff) return Number(m[1]);
  throw new RangeError(`unknown DNS type ${type}`);
}

const MAX_NAME_BYTES = 255;
const MAX_JUMPS = 32;
/** No real message carries more; a bogus count must not make us loop for long. */
const MAX_RECORDS = 512;

export function formatIpv4(b: Uint8Array, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

/** RFC 5952 text form: lower case, longest run (≥2) of zero groups compressed. */
export function formatIpv6(b: Uint8Array, off = 0): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((b[off + 2 * i] << 8) | b[off + 2 * i + 1]);
  // v4-mapped addresses print as ::ffff:a.b.c.d, as the kernel and most tools do.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    return `::ffff:${formatIpv4(b, off + 12)}`;
  }
  let bestStart = -1, bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** One label byte as text: printable ASCII as is, '.' and '\' escaped, the rest as \DDD. */
function labelText(b: Uint8Array, start: number, len: number): string {
  let s = "";
  for (let i = start; i < start + len; i++) {
    const c = b[i];
    if (c === 0x2e || c === 0x5c) s += "\\" + String.fromCharCode(c);
    else if (c > 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += "\\" + c.toString().padStart(3, "0");
  }
  return s;
}

/** Reads a possibly compressed name at `off`. Returns the name (no trailing dot) and the offset after it in the record. */
function readName(b: Uint8Array, off: number): { name: string; next: number } | null {
  const labels: string[] = [];
  let pos = off;
  let next = -1;
  let jumps = 0;
  let total = 0;
  for (let guard = 0; guard < 256; guard++) {
    if (pos >= b.length) return null;
    const len = b[pos];
    if (len === 0) {
      if (next < 0) next = pos + 1;
      return { name: labels.join("."), next };
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (pos + 1 >= b.length) return null;
      const target = ((len & 0x3f) << 8) | b[pos + 1];
      // Only backward jumps, and few of them: a pointer loop cannot run forever.
      if (target >= pos || ++jumps > MAX_JUMPS) return null;
      if (next < 0) next = pos + 2;
      pos = target;
      continue;
    }
    if (kind !== 0) return null; // 0x40/0x80: extended label types, obsolete
    if (pos + 1 + len > b.length) return null;
    total += len + 1;
    if (total > MAX_NAME_BYTES) return null;
    labels.push(labelText(b, pos + 1, len));
    pos += 1 + len;
  }
  return null;
}

/** Parses one DNS message (UDP payload, or a TCP message after its 2-byte length). Never throws. */
export function parseDnsMessage(b: Uint8Array): DnsMessage | null {
  if (!(b instanceof Uint8Array) || b.length < 12) return null;
  const id = (b[0] << 8) | b[1];
  const flags = (b[2] << 8) | b[3];
  const qd = (b[4] << 8) | b[5];
  const an = (b[6] << 8) | b[7];
  const msg: DnsMessage = {
    id,
    isResponse: (flags & 0x8000) !== 0,
    rcode: flags & 0x000f,
    partial: false,
    questions: [],
    answers: [],
  };
  let off = 12;
  for (let i = 0; i < Math.min(qd, MAX_RECORDS); i++) {
    const n = readName(b, off);
    if (!n || n.next + 4 > b.length) { msg.partial = true; return msg; }
    const type = (b[n.next] << 8) | b[n.next + 1];
    msg.questions.push({ name: n.name, type: dnsTypeName(type) });
    off = n.next + 4;
  }
  if (qd > MAX_RECORDS) { msg.partial = true; return msg; }
  for (let i = 0; i < Math.min(an, MAX_RECORDS); i++) {
    const n = readName(b, off);
    if (!n || n.next + 10 > b.length) { msg.partial = true; return msg; }
    const p = n.next;
    const type = (b[p] << 8) | b[p + 1];
    const ttl = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    const rdlen = (b[p + 8] << 8) | b[p + 9];
    const rdata = p + 10;
    if (rdata + rdlen > b.length) { msg.partial = true; return msg; }
    let data = "";
    if (type === 1) {
      if (rdlen !== 4) { off = rdata + rdlen; continue; }
      data = formatIpv4(b, rdata);
    } else if (type === 28) {
      if (rdlen !== 16) { off = rdata + rdlen; continue; }
      data = formatIpv6(b, rdata);
    } else if (type === 5 || type === 2 || type === 12) {
      const t = readName(b, rdata);
      if (!t || t.next > rdata + rdlen) { off = rdata + rdlen; continue; }
      data = t.name;
    }
    msg.answers.push({ name: n.name, type: dnsTypeName(type), data, ttl: ttl > 0x7fffffff ? 0 : ttl });
    off = rdata + rdlen;
  }
  if (an > MAX_RECORDS) msg.partial = true;
  return msg;
}

// ---------------------------------------------------------------- builders (tests, fake servers)

function encodeName(name: string): number[] {
  const out: number[] = [];
  const trimmed = name.replace(/\.$/, "");
  if (trimmed !== "") {
    for (const label of trimmed.split(".")) {
      const bytes = new TextEncoder().encode(label);
      if (bytes.length === 0 || bytes.length > 63) throw new RangeError(`bad DNS label in ${name}`);
      out.push(bytes.length, ...bytes);
    }
  }
  out.push(0);
  return out;
}

function encodeIpv4(ip: string): number[] {
  const parts = ip.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) throw new RangeError(`bad IPv4 ${ip}`);
  return parts;
}

function encodeIpv6(ip: string): number[] {
  let text = ip;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = encodeIpv4(v4[1]);
    tail = [(b[0] << 8) | b[1], (b[2] << 8) | b[3]];
    text = text.slice(0, -v4[1].length) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) throw new RangeError(`bad IPv6 ${ip}`);
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  const groups = [...head, ...Array(fill).fill("0"), ...rest].map((g) => parseInt(g, 16));
  if (groups.length !== 8 || groups.some((g) => !(g >= 0 && g <= 0xffff))) throw new RangeError(`bad IPv6 ${ip}`);
  if (tail.length) groups.splice(6, 2, ...tail);
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

export function buildDnsQuery(name: string, type: DnsType | number = "A", id = 0x1234): Uint8Array {
  return new Uint8Array([...u16(id), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, ...encodeName(name), ...u16(dnsTypeCode(type)), 0, 1]);
}

export interface DnsResponseSpec {
  id?: number;
  /** The question, echoed back. */
  name: string;
  type?: DnsType | number;
  rcode?: number;
  answers: Array<{ name?: string; type: DnsType | number; data: string; ttl?: number }>;
}

/**
 * A response with the question echoed and the answers given. Answer owners equal to the question
 * name are written as a compression pointer to it (offset 12), as real servers do.
 */
export function buildDnsResponse(spec: DnsResponseSpec): Uint8Array {
  const qname = encodeName(spec.name);
  const out: number[] = [
    ...u16(spec.id ?? 0x1234), 0x81, 0x80 | ((spec.rcode ?? 0) & 0x0f),
    0, 1, ...u16(spec.answers.length), 0, 0, 0, 0,
    ...qname, ...u16(dnsTypeCode(spec.type ?? "A")), 0, 1,
  ];
  const lower = (s: string) => s.replace(/\.$/, "").toLowerCase();
  for (const a of spec.answers) {
    const owner = a.name ?? spec.name;
    const code = dnsTypeCode(a.type);
    out.push(...(lower(owner) === lower(spec.name) ? [0xc0, 12] : encodeName(owner)));
    let rdata: number[];
    if (code === 1) rdata = encodeIpv4(a.data);
    else if (code === 28) rdata = encodeIpv6(a.data);
    else if (code === 5 || code === 2 || code === 12) rdata = encodeName(a.data);
    else rdata = [...new TextEncoder().encode(a.data)];
    const ttl = a.ttl ?? 300;
    out.push(...u16(code), 0, 1, (ttl >>> 24) & 0xff, (ttl >>> 16) & 0xff, (ttl >>> 8) & 0xff, ttl & 0xff, ...u16(rdata.length), ...rdata);
  }
  return new Uint8Array(out);
}

/**
 * The addresses a response gives for the name that was asked, following CNAME chains
 * (bounded), in answer order.
 */
export function resolvedAddresses(msg: DnsMessage): string[] {
  const asked = msg.questions[0]?.name;
  if (asked === undefined) return [];
  const names = chainNames(asked, msg.answers);
  return msg.answers.filter((a) => (a.type === "A" || a.type === "AAAA") && names.has(a.name.toLowerCase())).map((a) => a.data);
}

/** The asked name plus every name a CNAME chain from it reaches (lower case; bounded). */
export function chainNames(asked: string, answers: ReadonlyArray<{ name: string; type: string; data: string }>): Set<string> {
  const names = new Set([asked.toLowerCase().replace(/\.$/, "")]);
  for (let round = 0; round < 16; round++) {
    let grew = false;
    for (const a of answers) {
      if (a.type === "CNAME" && names.has(a.name.toLowerCase().replace(/\.$/, ""))) {
        const t = a.data.toLowerCase().replace(/\.$/, "");
        if (t && !names.has(t)) { names.add(t); grew = true; }
      }
    }
    if (!grew) break;
  }
  return names;
}

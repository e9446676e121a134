// IP address and CIDR handling with ipaddr.js. IPv4-mapped IPv6 addresses are treated as IPv4
// so ::ffff:10.0.0.1 cannot slip past a 10.0.0.0/8 rule.
import ipaddr from "ipaddr.js";

export type Addr = ipaddr.IPv4 | ipaddr.IPv6;

/** Parses an address as seen on a connection; null when it is not one. */
export function parseAddress(input: unknown): Addr | null {
  if (typeof input !== "string" || input.length === 0 || input.length > 64) return null;
  let text = input.trim();
  if (text.startsWith("[") && text.endsWith("]")) text = text.slice(1, -1);
  const zone = text.indexOf("%");
  if (zone >= 0) text = text.slice(0, zone);
  // Only the dotted-quad IPv4 form: "127.1" or "0x7f.1" are not addresses a probe reports.
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes(":") && ipaddr.IPv6.isValid(text)) {
    const v6 = ipaddr.IPv6.parse(text);
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
  }
  return null;
}

/**
 * An IPv4 address written in any form inet_aton(3) and URL parsers accept, as a dotted quad:
 * "2852039166", "0xA9FEA9FE", "0251.0376.0251.0376", "169.254.43518", "0xa9.0xfe.0xa9fe", with one
 * trailing dot allowed ("10.0.0.1."). Parts are decimal, octal (leading 0) or hex (0x); the last part
 * fills the remaining bytes. Null when `input` is not such a form (a hostname, an IPv6 address, a
 * part out of range).
 */
export function ipv4FromInetAton(input: unknown): string | null {
  if (typeof input !== "string" || input.length === 0 || input.length > 64) return null;
  let text = input.endsWith(".") ? input.slice(0, -1) : input;
  const parts = text.split(".");
  if (parts.length > 4) return null;
  const values: bigint[] = [];
  for (const part of parts) {
    let v: bigint;
    if (/^0[xX][0-9a-fA-F]*$/.test(part)) v = part.length === 2 ? 0n : BigInt(`0x${part.slice(2)}`);
    else if (/^0[0-7]+$/.test(part)) v = BigInt(`0o${part.slice(1)}`);
    else if (/^(0|[1-9][0-9]*)$/.test(part)) v = BigInt(part);
    else return null;
    values.push(v);
  }
  const last = values.pop()!;
  if (values.some((v) => v > 255n)) return null;
  if (last >= 256n ** BigInt(5 - parts.length)) return null;
  let n = last;
  values.forEach((v, i) => (n += v << BigInt(8 * (3 - i))));
  text = [24n, 16n, 8n, 0n].map((shift) => String((n >> shift) & 255n)).join(".");
  return text;
}

/**
 * Whether a name ends in a number the way URL parsers decide it is an IPv4 address (its last
 * label, after one trailing dot, is decimal digits or 0x-hex). Such a name is an address or
 * invalid, never a hostname: "1.2.3.4.5" and "999.1.1.1" are neither.
 */
export function endsInNumber(input: string): boolean {
  const text = input.endsWith(".") ? input.slice(0, -1) : input;
  const last = text.slice(text.lastIndexOf(".") + 1);
  return /^[0-9]+$/.test(last) || /^0[xX][0-9a-fA-F]*$/.test(last);
}

/**
 * The address a destination's host text stands for, canonical, or null when it is not an address
 * literal: IPv6 with or without brackets (IPv4-mapped → IPv4), a dotted quad, any inet_aton form of
 * IPv4 (see ipv4FromInetAton), each with one trailing dot allowed.
 */
export function addressFromHost(input: unknown): string | null {
  if (typeof input !== "string" || input.length === 0 || input.length > 64) return null;
  const direct = normalizeIp(input);
  if (direct) return direct;
  if (input.includes(":") || input.includes("[")) return null;
  return ipv4FromInetAton(input);
}

/** Canonical text of an address ("::ffff:1.2.3.4" → "1.2.3.4"), or null. */
export function normalizeIp(input: unknown): string | null {
  return parseAddress(input)?.toString() ?? null;
}

/**
 * Normalizes an IP or CIDR from a policy. A bare address becomes /32 or /128.
 * Host bits set (10.0.0.1/8) is an error: it usually means a typo in the mask.
 */
export function normalizeCidr(input: string): { cidr: string } | { error: string } {
  const slash = input.indexOf("/");
  const addrText = slash >= 0 ? input.slice(0, slash) : input;
  const addr = parseAddress(addrText);
  if (!addr || addrText.includes("%")) return { error: `'${input}' is not an IPv4/IPv6 address or CIDR` };
  const mapped = addr.kind() === "ipv4" && addrText.includes(":");
  const max = addr.kind() === "ipv4" && !mapped ? 32 : 128;
  let bits = mapped ? 32 : max;
  if (slash >= 0) {
    const text = input.slice(slash + 1);
    if (!/^\d{1,3}$/.test(text) || Number(text) > max) {
      return { error: `'${input}': prefix length must be a number from 0 to ${max}` };
    }
    bits = Number(text);
    // A mapped v6 address with a v6 prefix: translate the prefix onto the IPv4 part.
    if (mapped) {
      if (bits < 96) return { error: `'${input}': an IPv4-mapped prefix must be /96 or longer` };
      bits -= 96;
    }
  }
  const network = networkOf(addr, bits);
  if (network.toString() !== addr.toString()) {
    return { error: `'${input}' has host bits set; did you mean ${network.toString()}/${bits}?` };
  }
  return { cidr: `${network.toString()}/${bits}` };
}

function networkOf(addr: Addr, bits: number): Addr {
  const bytes = addr.toByteArray();
  for (let i = 0; i < bytes.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    bytes[i] &= keep === 0 ? 0 : (0xff << (8 - keep)) & 0xff;
  }
  return ipaddr.fromByteArray(bytes) as Addr;
}

const cidrCache = new Map<string, [Addr, number] | null>();

function parsedCidr(cidr: string): [Addr, number] | null {
  let hit = cidrCache.get(cidr);
  if (hit === undefined) {
    try {
      hit = ipaddr.parseCIDR(cidr) as [Addr, number];
    } catch {
      hit = null;
    }
    if (cidrCache.size > 10_000) cidrCache.clear();
    cidrCache.set(cidr, hit);
  }
  return hit;
}

/** True when `ip` (any textual form) lies in the normalized `cidr`. */
export function ipInCidr(ip: string, cidr: string): boolean {
  return addressInCidr(parseAddress(ip), cidr);
}

/** Same as ipInCidr for an already parsed address (evaluate parses each connection's once). */
export function addressInCidr(addr: Addr | null, cidr: string): boolean {
  const range = parsedCidr(cidr);
  if (!addr || !range || addr.kind() !== range[0].kind()) return false;
  return addr.match(range);
}

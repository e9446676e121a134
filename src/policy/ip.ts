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

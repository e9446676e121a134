// Text forms of raw addresses, matching inet_ntop (RFC 5952) so every probe names an
// address the same way. IPv4-mapped IPv6 (::ffff:a.b.c.d) is reported as plain IPv4.

export function formatIpv4(b: ArrayLike<number>, off = 0): string {
  return `${b[off]}.${b[off + 1]}.${b[off + 2]}.${b[off + 3]}`;
}

export function formatIpv6(b: ArrayLike<number>, off = 0): string {
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(((b[off + 2 * i]! << 8) | b[off + 2 * i + 1]!) >>> 0);
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    return formatIpv4(b, off + 12);
  }
  // Longest run of ≥2 zero words becomes "::" (first one on ties).
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestLen < 2) return hex.join(":");
  const head = hex.slice(0, bestStart).join(":");
  const tail = hex.slice(bestStart + bestLen).join(":");
  return `${head}::${tail}`;
}

/** Normalise an address string the same way (lower case, mapped v4 unwrapped). */
export function normalizeIp(ip: string): string {
  const lower = ip.toLowerCase();
  const m = /^::ffff:(\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3})$/.exec(lower);
  return m ? m[1]! : lower;
}

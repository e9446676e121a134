// Dotted quads that the line around them says are not addresses: OIDs (`ObjectIdentifier("2.5.29.14")`,
// `OID_X = "1.3.101.112"`) and version numbers (`Python 3.11.7.1`, `3.11.7.1+cu118`). Context
// only: the number alone says nothing (`host = "2.5.29.14"` is an address). The look is bounded
// (a window of the line around the match), never a search to the start or end of a long line.

/** Characters of the line looked at before and after the number. */
const before = 160;
const after = 80;

// `oid`/`OID` as a word (also in OID_RSA, x509_oid, .oid), X.509 and ASN.1 names, ObjectIdentifier(.
const oidContext = /ObjectIdentifier\s*\(|(?<![A-Za-z])oids?(?![A-Za-z])|\bx\.?509|\basn\.?1\b/i;
// The word just before the number names a version: `version: "3.11.7.1"`, `tested 3.11.7.1`,
// `Python 3.11.7.1`, `Node v18.19.1.0`. A product name counts only with a space between (not
// `node: 10.0.0.5`, a setting).
const versionWordBefore = /(?:^|[^A-Za-z])(?:version|ver|release|build|tested|revision|rev|firmware)[\s:=("'v]*$/i;
const productBefore =
  /(?:^|[^A-Za-z])(?:python|py|cpython|pypy|node|nodejs|node\.js|ruby|java|jdk|jre|golang|php|perl|rust|rustc|bun|deno|npm|pip|gcc|clang|cuda|cudnn|kernel|v)[ \t]+v?$/i;

/** Whether the IPv4-shaped `ip` at `offset` in `text` is an OID or a version, by its line. */
export function ipv4NotAddress(text: string, offset: number, ip: string): boolean {
  const from = Math.max(0, offset - before);
  const head = text.slice(from, offset);
  const lead = head.slice(head.lastIndexOf("\n") + 1);
  const end = offset + ip.length;
  const tail = text.slice(end, end + after);
  const nl = tail.indexOf("\n");
  const trail = nl === -1 ? tail : tail.slice(0, nl);
  // A build or pre-release tag: 3.11.7.1+cu118 (a "-tag" the address pattern already refuses).
  if (/^\+[0-9A-Za-z]/.test(trail)) return true;
  if (versionWordBefore.test(lead) || productBefore.test(lead)) return true;
  return oidContext.test(lead) || oidContext.test(trail);
}

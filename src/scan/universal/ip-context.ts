// Dotted quads that the line around them says are not addresses: OIDs (`ObjectIdentifier("2.5.29.14")`,
// `OID_X = "1.3.101.112"`), version numbers (`Python 3.11.7.1`, `3.11.7.1+cu118`), section numbers
// (`RFC 5280 4.2.1.10`, `sections "8.2.4.44 ...`) and networks (`"192.0.0.8/32"`). Context only: the
// number alone says nothing (`host = "2.5.29.14"` is an address). The look is bounded (a window of
// the line around the match, and of the line before for section numbers), never a search to the
// start or end of a long line. One question is about the whole file: whether it is full of OIDs
// (oidFile), asked only when an address could be one.

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
// A section of a document just before the number: `section 4.2.1.10`, `sections "8.2.4.44`,
// `RFC 5280 4.2.1.10`, `§ 3.1.2.10`, `clause 7.1.4.34`.
const sectionBefore = /(?:(?:^|[^A-Za-z])(?:sections?|sect|sec|clauses?|chapters?|paragraphs?)|\bRFC[ \t-]?\d{3,5}|§)[\s:,("']*$/i;
// "sections" or "§" further back (on the line or the one before it), for a list of sections:
// `sections "8.2.4.44 Bogus comment state" and "8.2.4.45 Markup declaration open state"`.
const sectionWords = /(?:^|[^A-Za-z])sections(?![A-Za-z])|§/i;
// After a section number in prose: a space and a word (its title), or the end of a sentence.
const proseAfter = /^(?:["')]?[ \t]+[A-Za-z]|["')]?[.,;:]?[ \t]*$)/;
// A prefix length after the number: a network, not an endpoint (`192.0.0.8/32`, `10.1.2.3/24`).
const cidrAfter = /^\/\d{1,2}(?!\d)/;
// Words that say the number is an address, which the weaker guesses (OID files, small versions) defer to.
const addressWord = /(?:^|[^A-Za-z])(?:host|hostname|ip|ipv4|addr|address|server|dns|nameserver|resolver|gateway|proxy|bind|listen|connect|endpoint|peer|remote|upstream)s?(?![a-z])/i;

/** Whether the IPv4-shaped `ip` at `offset` in `text` is an OID, a version, a section or a network, by its line. */
export function ipv4NotAddress(text: string, offset: number, ip: string, oidFile: () => boolean = () => false): boolean {
  const from = Math.max(0, offset - before);
  const head = text.slice(from, offset);
  const nl = head.lastIndexOf("\n");
  const lead = head.slice(nl + 1);
  const end = offset + ip.length;
  const tail = text.slice(end, end + after);
  const tnl = tail.indexOf("\n");
  const trail = tnl === -1 ? tail : tail.slice(0, tnl);
  // A build or pre-release tag: 3.11.7.1+cu118 (a "-tag" the address pattern already refuses).
  if (/^\+[0-9A-Za-z]/.test(trail)) return true;
  if (cidrAfter.test(trail)) return true;
  if (versionWordBefore.test(lead) || productBefore.test(lead)) return true;
  if (sectionBefore.test(lead)) return true;
  // The window back to the line before (within the same 160 characters) for a list of sections.
  if (proseAfter.test(trail) && (sectionWords.test(lead) || (nl !== -1 && sectionWords.test(head.slice(0, nl))))) return true;
  if (oidContext.test(lead) || oidContext.test(trail)) return true;
  const line = lead + trail;
  if (addressWord.test(line)) return false;
  const parts = ip.split(".").map(Number);
  // x.y.z.N with single digits before the last part (7.1.4.34, 2.0.0.12): a version or build
  // number, unless a well-known resolver (1.1.1.x, 8.8.8.x, 8.8.4.x, 9.9.9.x) or an address word
  // on the line says otherwise (smaller ones, 2.0.1.0, are never taken: urls.ts).
  if (parts[0] < 10 && parts[1] < 10 && parts[2] < 10 && !/^(?:1\.1\.1|8\.8\.[48]|9\.9\.9)\./.test(ip)) return true;
  // An OID root arc (0, 1, 2) in a file full of OIDs: node-forge's oids.js `_IN('2.5.4.10', ...)`,
  // `e.id === '2.5.29.30'` in an X.509 module, their minified copies.
  return parts[0] <= 2 && oidFile();
}

const oidWordRe = /(?<![A-Za-z])oids?(?![A-Za-z])/gi;
// Dotted numbers of five or more arcs under an OID root: 1.2.840.113549.1.1.1, 1.3.6.1.5.5.7.3.1.
const longOidRe = /(?<![\d.])[012]\.\d{1,5}(?:\.\d{1,9}){3,}(?![\d.]*\d)/g;

/**
 * Whether a file is about OIDs: named oids.* / *_oids.*, or with 10 or more `oid` words or 3 or
 * more long OIDs in its text. Counting stops at those numbers.
 */
export function oidFile(text: string, file = ""): boolean {
  if (/(?:^|[/_.-])oids?\.[a-z]+$/i.test(file)) return true;
  const count = (re: RegExp, enough: number) => {
    re.lastIndex = 0;
    let n = 0;
    while (n < enough && re.exec(text)) n++;
    return n >= enough;
  };
  return count(longOidRe, 3) || count(oidWordRe, 10);
}

// What counts as an endpoint host, and URLs that name documents rather than endpoints.
import ipaddr from "ipaddr.js";

// Common top-level domains. A dotted word ending in something else ("setup.py", "index.js",
// "os.path") is not taken for a bare hostname; full URLs accept any alphabetic TLD.
export const commonTlds: ReadonlySet<string> = new Set(
  ("com net org io ai dev app cloud co us uk de fr eu ca au jp cn in nl ch se no es it gov edu mil int info biz me tv " +
    "xyz health care site online tech services systems solutions services api azure aws google microsoft amazon " +
    "be at dk fi ie pl pt ru br mx kr sg hk tw nz za il ae tr cz gr hu ro sk ua ar cl pe ws cc ly gg so to fm " +
    "internal local localhost lan corp home arpa")
    .split(" "),
);

const hostRe = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$/;

export function normalizeHost(host: string): string {
  let h = host.toLowerCase();
  if (h.endsWith(".")) h = h.slice(0, -1);
  if (h.startsWith("[") && h.endsWith("]")) h = h.slice(1, -1);
  return h;
}

export function isIp(host: string): boolean {
  // The cheap shape test first: most hosts are names, and ipaddr.js tries several parsers.
  return (host.includes(":") || /^\d{1,3}(\.\d{1,3}){3}$/.test(host)) && ipaddr.isValid(host);
}

/** A syntactically valid host name for a URL: dotted name, localhost or an IP literal. */
export function isUrlHost(host: string): boolean {
  if (host === "localhost") return true;
  if (isIp(host)) return true;
  return hostRe.test(host) && !/\.\d+$/.test(host);
}

/** A bare dotted string that is very likely a hostname (known TLD, not a file name). */
export function isLikelyHostname(s: string): boolean {
  const h = s.toLowerCase();
  if (!hostRe.test(h)) return false;
  const tld = h.slice(h.lastIndexOf(".") + 1);
  if (!commonTlds.has(tld)) return false;
  const labels = h.split(".");
  // "com.example.app" style reversed package ids, "self.api" attribute chains.
  if (labels[0] === "com" || labels[0] === "org" || labels[0] === "net") return false;
  if (labels.length === 2 && ["self", "this", "app", "api", "os", "sys", "np", "pd", "req", "res", "ctx"].includes(labels[0])) return false;
  return true;
}

/** RFC 2606/6761 names used in examples and tests: never real endpoints. */
export function isReservedExample(host: string): boolean {
  return /(^|\.)(example\.(com|org|net)|example|test|invalid)$/.test(host);
}

// Documents, schemas and licences that appear in headers and namespaces, not endpoints.
const documentUrlRe = new RegExp(
  "^(?:www\\.)?(?:" +
    [
      "apache\\.org/licenses", "gnu\\.org/(?:licenses|copyleft)", "fsf\\.org", "opensource\\.org", "creativecommons\\.org",
      "mozilla\\.org/(?:MPL|en-US/MPL)", "spdx\\.org", "w3\\.org/", "json-schema\\.org/", "schemas\\.xmlsoap\\.org",
      "schemas\\.microsoft\\.com", "schemas\\.openxmlformats\\.org", "purl\\.org", "xmlns\\.com", "ns\\.adobe\\.com",
      "relaxng\\.org/ns", "docbook\\.org/ns", "xml\\.org/sax", "python\\.org/(?:psf|download|dev/peps|3/license)",
      "eclipse\\.org/legal", "unlicense\\.org", "wtfpl\\.net",
    ].join("|") +
    ")",
  "i",
);

/** hostAndPath is "host/path..." without the scheme. */
export function isDocumentUrl(hostAndPath: string): boolean {
  return documentUrlRe.test(hostAndPath);
}

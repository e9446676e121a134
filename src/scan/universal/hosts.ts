// What counts as an endpoint host, and URLs that name documents rather than endpoints.
import ipaddr from "ipaddr.js";

// Common top-level domains. A dotted word ending in something else ("setup.py", "index.js",
// "os.path") is not taken for a bare hostname; full URLs accept any alphabetic TLD.
export const commonTlds: ReadonlySet<string> = new Set(
  ("com net org io ai dev app cloud co us uk de fr eu ca au jp cn in nl ch se no es it gov edu mil int info biz me tv " +
    "xyz health care site online tech services systems solutions azure aws google microsoft amazon " +
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

// TLDs that in code are nearly always a real domain's: a module-like first label or capitals in the
// rest do not make such a name an identifier (logging.googleapis.com, MyAccount.blob.core.windows.net).
const domainTlds = new Set(["com", "net", "org", "io", "ai", "co", "edu", "gov", "mil"]);
// TLDs that are also file extensions: C and C++ sources, shared libraries, Perl, .in templates, macOS bundles.
const fileTlds = new Set(["in", "so", "cc", "pl", "app"]);
// A label before such an extension that makes the name a file: Makefile.pre.in, pyconfig.h.in, libfoo.3.so.
const fileLabelRe = /^(?:\d+|pre|h|c|cc|cpp|hpp|cfg|conf|config|txt|cmake|am|mk|py|sh|js|json|ya?ml|toml|ini|xml|html?|tmpl|template|spec|makefile|manifest|setup|configure|version)$/;
// On the line before a name: words that list files (gyp "sources", build "files", an extension list).
const fileWordBeforeRe = /(?:^|[^a-z])(?:sources?|srcs?|files?|filenames?|filepaths?|paths?|ext|extensions?|includes?|headers?|libs|libraries|scripts?|dlopen|loadlibrary|cdll)\b/i;
// First labels that are language modules, globals or common variables rather than hosts
// (builtins.int, flask.app, py.path.local, Array.prototype.at, options.ca), unless the TLD is a
// domainTld (json.org, logging.googleapis.com are hosts).
const moduleLabels = new Set(
  ("builtins logging os sys re io json math time datetime typing collections functools itertools asyncio subprocess socket " +
    "threading multiprocessing unittest pytest py flask django fastapi starlette numpy np pandas pd torch tf tensorflow jax " +
    "scipy sklearn setuptools distutils importlib pathlib shutil tempfile warnings inspect types enum abc dataclasses " +
    "contextlib string random struct ctypes email xml html urllib urllib3 requests aiohttp httpx boto3 botocore sqlalchemy " +
    "pydantic click yaml toml pickle copy hashlib uuid base64 zlib csv sqlite3 argparse traceback operator decimal " +
    "statistics array queue ssl tls glob locale codecs platform sysconfig self cls this super window document navigator " +
    "globalthis global process module exports require object number boolean symbol bigint promise reflect proxy intl " +
    "date regexp map set weakmap function buffer options opts config settings props params args kwargs env ctx req res " +
    "java javax android androidx kotlin")
    .split(" "),
);
// First labels that never start a host, whatever the TLD (java.io, android.net are packages).
const packageLabels = new Set(["java", "javax", "android", "androidx", "kotlin", "builtins", "self", "this", "cls"]);

/**
 * A quoted dotted name that isLikelyHostname accepts but that is code, not a host: a file name
 * (Makefile.pre.in, libpython3.11.so, MANIFEST.in, addon.cc in a sources list), a module path or
 * member access (builtins.int, flask.app, Array.prototype.at, logging.INFO, PortRange.To) or a
 * version (0.11.dev). `name` is as written (case kept); `lineBefore` is the text before it on its
 * line (bounded by the caller).
 */
export function looksLikeCodeName(name: string, lineBefore = ""): boolean {
  const labels = name.split(".");
  const last = labels[labels.length - 1];
  const tld = last.toLowerCase();
  const first = labels[0].toLowerCase();
  // Capitals in the TLD: an identifier or a product (logging.INFO, PortRange.To, ASP.NET).
  if (/[A-Z]/.test(last)) return true;
  if (packageLabels.has(first)) return true;
  // A version with a tag: 0.11.dev, 1.2.post.
  if (labels.length >= 3 && labels.slice(0, -1).every((l) => /^\d+$/.test(l))) return true;
  if (domainTlds.has(tld)) return false;
  // Capitals elsewhere with another TLD: a file or a class (MANIFEST.in, iTerm.app, AndroidDevice.info).
  if (/[A-Z]/.test(name)) return true;
  if (moduleLabels.has(first)) return true;
  if (!fileTlds.has(tld)) return false;
  if (tld === "so" && first.startsWith("lib")) return true;
  if (labels.length >= 3 && fileLabelRe.test(labels[labels.length - 2].toLowerCase())) return true;
  if (labels.length === 2 && fileLabelRe.test(first) && !/^\d+$/.test(first)) return true;
  if (name.includes("_")) return true;
  return fileWordBeforeRe.test(lineBefore);
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

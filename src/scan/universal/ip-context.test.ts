import { describe, expect, test } from "bun:test";
import { regexPass } from "../file-scan.ts";
import { ipv4NotAddress, oidFile } from "./ip-context.ts";

const ips = (text: string, language = "python", file = "") => regexPass(text, language, undefined, file).filter((f) => f.kind === "ip").map((f) => f.value);

describe("IPv4-shaped OIDs and versions, told by their line", () => {
  const notAddresses = [
    'ski = x509.ObjectIdentifier("2.5.29.14")',
    'ed25519 = ObjectIdentifier("1.3.101.112")',
    'OID_SUBJECT_KEY_ID = "2.5.29.14"',
    'ext = {"oid": "2.5.29.17", "critical": False}',
    "# Tested with Python 3.11.7.1 on CI",
    'print("Node v18.19.10.2")',
    'tag = "3.11.7.1+cu118"',
    'version: "10.20.30.40"',
    "tested: 12.4.1.3",
    "firmware 10.2.33.4",
  ];
  const addresses = [
    'host = "2.5.29.14"',
    'node = "10.0.0.5"',
    "node: 10.0.0.5",
    'servers = ["10.20.30.40", "10.20.30.41"]',
    "# tested against 10.20.30.40 in staging",
    'python_host = "172.16.4.20"',
  ];
  for (const line of notAddresses) test(`not an address: ${line}`, () => expect(ips(`${line}\n`)).toEqual([]));
  for (const line of addresses) test(`an address: ${line}`, () => expect(ips(`${line}\n`).length).toBeGreaterThan(0));

  test("a URL's address is still a URL finding", () => {
    const f = regexPass('url = "http://2.5.29.14/"\n', "python");
    expect(f.map((x) => `${x.kind} ${x.host}`)).toEqual(["url 2.5.29.14"]);
  });

  test("the context is the number's own line", () => {
    expect(ips('oid = "x"\nhost = "2.5.29.14"\n')).toEqual(["2.5.29.14"]);
    expect(ips('host = "2.5.29.14"\n# OID below\n')).toEqual(["2.5.29.14"]);
  });

  test("the look is bounded on a long line", () => {
    const text = `${"x".repeat(500)} ObjectIdentifier ${"y".repeat(500)} "2.5.29.14"`;
    expect(ipv4NotAddress(text, text.indexOf("2.5.29.14"), "2.5.29.14")).toBe(false);
  });
});

describe("OIDs known from the file, section numbers, small versions and networks", () => {
  // node-forge lib/oids.js: no "oid" on the line, but a file of OIDs.
  const forgeOids = [
    "var oids = module.exports = forge.pki.oids = forge.oids || {};",
    "function _IN(id, name) {\n  oids[id] = name;\n  oids[name] = id;\n}",
    "_IN('1.2.840.113549.1.1.1', 'rsaEncryption');",
    "_IN('1.2.840.113549.1.1.4', 'md5WithRSAEncryption');",
    "_IN('1.2.840.113549.1.1.5', 'sha1WithRSAEncryption');",
    "_IN('2.5.4.10', 'organizationName');",
    "_IN('2.5.29.14', 'subjectKeyIdentifier');",
    "_IN('1.3.101.112', 'EdDSA25519');",
  ].join("\n");

  test("a file of OIDs: its dotted quads under an OID root are not addresses", () => {
    expect(ips(`${forgeOids}\n`, "javascript")).toEqual([]);
    // Minified: one long line, no "oid" within reach of most numbers.
    const min = `${forgeOids.replace(/\n/g, ";")};${"x".repeat(400)};e.id==='2.5.29.30'&&f(${"y".repeat(400)})`;
    expect(ips(min, "javascript")).toEqual([]);
    // A file named for them.
    expect(ips("_IN('2.5.4.10', 'organizationName');\n", "javascript", "lib/oids.js")).toEqual([]);
    expect(oidFile("", "src/x509_oids.py")).toBe(true);
    expect(oidFile("", "src/void.js")).toBe(false);
  });

  test("an X.509 module that says oid often: e.id === '2.5.29.30'", () => {
    const text = `${"// uses forge.pki.oids\n".repeat(10)}if(e.name === 'nameConstraints' && e.id === '2.5.29.30') {\n`;
    expect(ips(text, "javascript")).toEqual([]);
  });

  test("an address in a file of OIDs is still one when the line says so, and any address outside the OID roots", () => {
    expect(ips(`${forgeOids}\nhost = "2.5.29.14"\nupstream = '10.20.30.40'\n`, "javascript")).toEqual(["2.5.29.14", "10.20.30.40"]);
    const f = regexPass(`${forgeOids}\nurl = "http://2.5.29.14/"\n`, "javascript");
    expect(f.filter((x) => x.kind === "url").map((x) => x.host)).toEqual(["2.5.29.14"]);
  });

  test("a few OIDs do not make a file of OIDs", () => {
    expect(oidFile("_IN('1.2.840.113549.1.1.1', 'rsaEncryption');\nhost = '2.5.29.14'\n")).toBe(false);
    expect(ips('a = "1.2.840.113549.1.1.1"\nb = "2.5.29.14"\n')).toEqual(["2.5.29.14"]);
  });

  const notAddresses = [
    " * Reads the value of a NameConstraints extension (RFC 5280 4.2.1.10).",
    "  // RFC 5280 4.2.1.10: rfc822Name constraints apply to emailAddress",
    "# see section 4.2.1.10 of the standard",
    "See § 10.2.3.14 for the rules.",
    '# According to the HTML5 specs sections "8.2.4.44 Bogus\n# comment state" and "8.2.4.45 Markup declaration open',
    "    Return a Tuple[str, int] e.g., ['7.1.4.34', 1806]",
    'IPv4Network("192.0.0.8/32"),',
    '"192.0.0.170/31",',
    "allow 10.20.30.40/24;",
  ];
  for (const line of notAddresses) test(`not an address: ${line}`, () => expect(ips(`${line}\n`)).toEqual([]));

  const addresses = [
    'dns = "8.8.4.40"',
    'nameserver = "7.1.4.34"',
    'resolver = "9.9.9.10"',
    "# RFC 1918 private range below\nhost = \"10.1.2.3\"",
    "# sections of the config\nservers = ['10.1.2.3']",
    "# per RFC 1918, use 10.1.2.3 for the test db",
    'url_path = "10.20.30.40/x"',
  ];
  for (const line of addresses) test(`an address: ${line}`, () => expect(ips(`${line}\n`).length).toBeGreaterThan(0));

  test("IPv6 networks are not endpoints", () => {
    expect(ips('IPv6Network("2001:2::/48")\nx = "fe80::1/64"\n')).toEqual([]);
    expect(ips('x = "fe80::1"\n')).toEqual(["fe80::1"]);
  });
});

import { describe, expect, test } from "bun:test";
import { regexPass } from "../file-scan.ts";
import { ipv4NotAddress } from "./ip-context.ts";

const ips = (text: string, language = "python") => regexPass(text, language).filter((f) => f.kind === "ip").map((f) => f.value);

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

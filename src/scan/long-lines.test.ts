// Minified files put megabytes on one line. Work done per keyword, address or candidate must not
// read that line back to its start each time: these inputs took 12 s to 2 minutes when it did,
// and take well under a second now. The timeout is the check.
import { expect, test } from "bun:test";
import { regexPass } from "./file-scan.ts";
import { maskSecrets } from "./secrets/detect.ts";

const timeout = 30_000;

test("thousands of secret keywords on one 4 MB line", () => {
  const text = "var a={key:1,token:2,auth:3,password:4};".repeat(100_000);
  expect(regexPass(text, "javascript")).toEqual([]);
}, timeout);

test("hundreds of thousands of IP addresses on one 7 MB line", () => {
  const text = "10.20.30.40,".repeat(600_000);
  expect(regexPass(text, "text").length).toBe(600_000);
}, timeout);

test("secret-looking value slots on one 8 MB line", () => {
  const text = Array.from({ length: 160_000 }, (_, i) => `{"name":"api_key","value":"Zq${i}Xk9Lm2Pw7Rt4Yb"},`).join("");
  // The generic rule stops at its bound of matches per file; the point is that it gets there.
  expect(regexPass(text, "json").length).toBeGreaterThan(1000);
}, timeout);

// A pattern that looks ahead for its second half (curl … -u, mysql … -p, BEGIN … END) reads at most
// a bounded span, or up to the next start, never the rest of the line from every start.
const oneLine = (fragment: string) => fragment.repeat(Math.ceil(1_500_000 / fragment.length));
test.each(["curl -u a:b ", "mysql ", "docker login ", "twine upload ", "sshpass ", "-----BEGIN RSA PRIVATE KEY-----", "?sv=2020-01-01&sig="])(
  "a 1.5 MB line of %p: the second half is never found",
  (fragment) => {
    expect(regexPass(oneLine(fragment), "shell").filter((f) => f.kind === "secret")).toEqual([]);
  },
  timeout,
);

test("a 1.5 MB line of URLs nested in one another: each reported, none read to the end of the line", () => {
  const fragment = "https://api.acme.io/c?next=";
  const text = oneLine(fragment);
  const urls = regexPass(text, "text").filter((f) => f.kind === "url");
  expect(urls.length).toBe(text.length / fragment.length);
  expect(urls.every((u) => u.host === "api.acme.io" && u.value.length <= 1024 + 1)).toBe(true);
  // Those starting more than 1,024 characters before the end of the line are cut, and say so.
  expect(urls.slice(0, -50).every((u) => u.value.endsWith("…"))).toBe(true);
  expect(urls.at(-1)?.value).toBe("https://api.acme.io/c?next=");
}, timeout);

test("a 1.5 MB line of database URLs with query passwords", () => {
  const findings = regexPass(oneLine("jdbc:mysql://db.acme.io/d?user=a&password="), "properties");
  expect(findings.filter((f) => f.kind === "url").length).toBeGreaterThan(30_000);
}, timeout);

// The text report masks a finding's whole line before cutting a window out of it.
test("masking a 3 MB line of URLs (no search from each URL to the end of the line)", () => {
  const text = "https://api.acme.io/c?next=".repeat(120_000);
  expect(maskSecrets(text)).toBe(text);
}, timeout);

test("masking a line of 5,000 secrets takes each out once", () => {
  const masked = maskSecrets('password = "Ulnwesz_!Hwn2" '.repeat(5000));
  expect(masked).not.toContain("Ulnwesz");
  expect(masked.split("…").length - 1).toBe(5000);
}, timeout);

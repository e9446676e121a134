// Minified files put megabytes on one line. Work done per keyword, address or candidate must not
// read that line back to its start each time: these inputs took 12 s to 2 minutes when it did,
// and take well under a second now. The timeout is the check.
import { expect, test } from "bun:test";
import { regexPass } from "./file-scan.ts";

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

import { describe, expect, test } from "bun:test";
import { hostMatches, normalizeHost, normalizeHostPattern } from "./hostname.ts";
import { prng } from "../core/prng.test-helper.ts";

const pat = (p: string) => {
  const r = normalizeHostPattern(p);
  if (!("pattern" in r)) throw new Error(r.error);
  return r.pattern;
};
const matches = (p: string, h: string) => {
  const host = normalizeHost(h);
  return host !== null && hostMatches(pat(p), host);
};

describe("normalizeHost", () => {
  test.each([
    ["API.OpenAI.com.", "api.openai.com"],
    ["api.openai.com", "api.openai.com"],
    ["bücher.de", "xn--bcher-kva.de"],
    ["BÜCHER.de.", "xn--bcher-kva.de"],
    ["api。openai。com", "api.openai.com"],
    ["_dmarc.example.com", "_dmarc.example.com"],
    ["localhost", "localhost"],
  ])("%p → %p", (input, out) => expect(normalizeHost(input)).toBe(out));

  test.each([
    [""], ["."], [".."], ["a..b"], ["evil.com/x"], ["evil.com?x"], ["a b.com"], ["a%00b.com"], ["user@evil.com"],
    ["evil.com:443"], ["-a.com"], ["a-.com"], ["a".repeat(64) + ".com"], [("a".repeat(60) + ".").repeat(5) + "com"],
    ["api.openai.com\u0000.evil.com"], ["api.openai.com\n"], ["[::1]"], ["a\\b.com"], ["*.openai.com"],
  ])("rejects %p", (input) => expect(normalizeHost(input)).toBeNull());

  test.each([[null], [undefined], [42], [{}], [["a.com"]]])("non-strings → null (%p)", (v) => expect(normalizeHost(v)).toBeNull());
});

describe("normalizeHostPattern", () => {
  test.each([
    ["*.OpenAI.Azure.com", "*.openai.azure.com"],
    ["bedrock-runtime.*.amazonaws.com", "bedrock-runtime.*.amazonaws.com"],
    ["*.bücher.de", "*.xn--bcher-kva.de"],
    ["api.openai.com.", "api.openai.com"],
  ])("%p → %p", (input, out) => expect(pat(input)).toBe(out));

  test.each([["*"], ["*.*"], ["api.*"], ["a*.example.com"], ["*foo.example.com"], ["exa mple.com"], ["evil.com/x"], [""], ["a..b"]])(
    "rejects %p",
    (input) => expect("error" in normalizeHostPattern(input)).toBe(true),
  );
});

describe("hostMatches: table", () => {
  test.each([
    // exact
    ["api.openai.com", "api.openai.com", true],
    ["api.openai.com", "API.OPENAI.COM.", true],
    ["api.openai.com", "api.openai.co", false],
    ["api.openai.co", "api.openai.com.", false],
    ["api.openai.com", "xapi.openai.com", false],
    ["api.openai.com", "api.openai.com.evil.com", false],
    ["api.openai.com", "openai.com", false],
    // leading wildcard: one or more labels, never the apex
    ["*.openai.azure.com", "contoso.openai.azure.com", true],
    ["*.openai.azure.com", "a.b.openai.azure.com", true],
    ["*.openai.azure.com", "openai.azure.com", false],
    ["*.openai.azure.com", "openai.azure.com.evil.com", false],
    ["*.openai.azure.com", "evilopenai.azure.com", false],
    ["*.openai.azure.com", "contoso.openai.azure.com.evil.com", false],
    ["*.openai.azure.com", "contoso.openai-azure.com", false],
    ["*.openai.azure.com", "contoso.openai.azure.co", false],
    // a '*' label in the middle: exactly one label
    ["bedrock-runtime.*.amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com", true],
    ["bedrock-runtime.*.amazonaws.com", "BEDROCK-RUNTIME.eu-west-3.amazonaws.com.", true],
    ["bedrock-runtime.*.amazonaws.com", "bedrock-runtime.amazonaws.com", false],
    ["bedrock-runtime.*.amazonaws.com", "bedrock-runtime.a.b.amazonaws.com", false],
    ["bedrock-runtime.*.amazonaws.com", "bedrock-runtime.us-east-1.amazonaws.com.evil.com", false],
    ["bedrock-runtime.*.amazonaws.com", "xbedrock-runtime.us-east-1.amazonaws.com", false],
    ["bedrock-runtime.*.amazonaws.com", "evil.bedrock-runtime.us-east-1.amazonaws.com", false],
    // IDN compared in ASCII form
    ["bücher.de", "xn--bcher-kva.de", true],
    ["xn--bcher-kva.de", "BÜCHER.de", true],
    ["bucher.de", "bücher.de", false],
    // Cyrillic 'а' look-alike of api.openai.com
    ["api.openai.com", "аpi.openai.com", false],
  ])("%p vs %p → %p", (p, h, want) => expect(matches(p, h)).toBe(want));
});

describe("hostMatches: properties (seeded)", () => {
  const r = prng(20260101);
  test("a random subdomain of an allowed wildcard matches", () => {
    for (let i = 0; i < 2000; i++) {
      const base = Array.from({ length: r.int(2, 4) }, () => r.label()).join(".");
      const sub = Array.from({ length: r.int(1, 4) }, () => r.label()).join(".");
      expect(matches(`*.${base}`, `${sub}.${base}`)).toBe(true);
      expect(matches(`*.${base}`, base)).toBe(false);
    }
  });
  test("a random suffix or prefix glued on never matches", () => {
    for (let i = 0; i < 2000; i++) {
      const base = Array.from({ length: r.int(2, 4) }, () => r.label()).join(".");
      const extra = r.label();
      const tail = Array.from({ length: r.int(1, 3) }, () => r.label()).join(".");
      for (const p of [base, `*.${base}`]) {
        expect(matches(p, `${base}.${tail}`)).toBe(false);
        expect(matches(p, `${extra}${base}`)).toBe(false);
        expect(matches(p, `${base}${extra}`)).toBe(false);
        expect(matches(p, `${base.slice(0, -1)}`)).toBe(false);
      }
    }
  });
  test("a middle '*' matches exactly one random label", () => {
    for (let i = 0; i < 2000; i++) {
      const head = r.label();
      const tail = `${r.label()}.${r.label(2, 3)}`;
      const p = `${head}.*.${tail}`;
      expect(matches(p, `${head}.${r.label()}.${tail}`)).toBe(true);
      expect(matches(p, `${head}.${r.label()}.${r.label()}.${tail}`)).toBe(false);
      expect(matches(p, `${head}.${tail}`)).toBe(false);
    }
  });
  test("random bytes never throw and never match a fixed pattern unless equal", () => {
    const p = pat("*.openai.azure.com");
    for (let i = 0; i < 3000; i++) {
      const len = r.int(0, 40);
      let s = "";
      for (let j = 0; j < len; j++) s += String.fromCharCode(r.int(0, 0x2fff));
      const h = normalizeHost(s);
      if (h !== null && hostMatches(p, h)) expect(h.endsWith(".openai.azure.com")).toBe(true);
    }
  });
});

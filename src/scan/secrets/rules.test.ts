import { describe, expect, test } from "bun:test";
import { detectSecrets, matchRule } from "./detect.ts";
import { secretRules } from "./rules/index.ts";

const at = () => ({ line: 1, column: 1 });

describe("secret rules: every sample", () => {
  for (const rule of secretRules) {
    test(`${rule.id} has samples and a global regex`, () => {
      expect(rule.truePositives.length).toBeGreaterThan(0);
      expect(rule.falsePositives.length).toBeGreaterThan(0);
      expect(rule.regex.global).toBe(true);
    });
    for (const [i, sample] of rule.truePositives.entries()) {
      test(`${rule.id} finds true positive #${i}`, () => {
        expect(matchRule(rule, sample).length).toBeGreaterThan(0);
        // and the full detector reports it under this rule (no earlier rule steals it)
        const found = detectSecrets(sample, at, "text").map((f) => f.rule);
        expect(found).toContain(`secret/${rule.id}`);
      });
    }
    for (const [i, sample] of rule.falsePositives.entries()) {
      test(`${rule.id} ignores false positive #${i}`, () => {
        expect(matchRule(rule, sample)).toEqual([]);
      });
    }
  }
});

describe("redaction", () => {
  test("no output contains any true-positive secret body", () => {
    for (const rule of secretRules) {
      for (const sample of rule.truePositives) {
        for (const f of detectSecrets(sample, at, "text")) {
          const secret = matchRule(rule, sample)[0]?.value ?? "";
          expect(f.value.includes(secret)).toBe(false);
          expect(f.value).toContain("redacted");
        }
      }
    }
  });
  test("unique rule ids", () => {
    const ids = secretRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("fuzz", () => {
  test("random and truncated inputs never throw", () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const corpus = secretRules.flatMap((r) => r.truePositives);
    for (let i = 0; i < 300; i++) {
      const s = corpus[rnd() % corpus.length];
      const cut = s.slice(0, rnd() % (s.length + 1)) + String.fromCharCode(rnd() % 0xffff).repeat(rnd() % 5);
      expect(() => detectSecrets(cut, at, "text")).not.toThrow();
    }
  });
});

describe("maskSecrets", () => {
  test("masks secrets, short URL passwords and ADO passwords; leaves plain text", async () => {
    const { maskSecrets } = await import("./detect.ts");
    expect(maskSecrets("db = 'postgres://app:Zr8k@db.acme.io/x'")).toBe("db = 'postgres://app:***@db.acme.io/x'");
    expect(maskSecrets("Server=s;Password=Kp9abcdef;")).not.toContain("Kp9abcdef");
    const aws = secretRules.find((r) => r.id === "aws-access-key-id")!.truePositives[0];
    expect(maskSecrets(aws)).toBe("aws_access_key_id = …");
    expect(maskSecrets("just some code(); x = 1")).toBe("just some code(); x = 1");
  });
});

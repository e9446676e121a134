import { describe, expect, test } from "bun:test";
import { createSpanSet, detectSecrets, keywordRegions, matchRule } from "./detect.ts";
import { secretRules } from "./rules/index.ts";
import type { SecretRule } from "./types.ts";

const text = "a\nkey here\nb\nc\nd\nkey again\ne\n";

test("regions run from a keyword's line to the end of the line N below, merged", () => {
  const first = text.indexOf("key here") + 2;
  const second = text.indexOf("key again") + 2;
  expect(keywordRegions(text, [first], 0)).toEqual([[2, 10]]);
  expect(keywordRegions(text, [first], 1)).toEqual([[2, 12]]);
  // Out of order hits; overlapping windows merge, adjacent ones stay apart.
  expect(keywordRegions(text, [second, first], 3)).toEqual([[2, 16], [17, 29]]);
  expect(keywordRegions(text, [second, first, first + 1], 4)).toEqual([[2, 29]]);
  expect(keywordRegions(text, [first, second], 0)).toEqual([[2, 10], [17, 26]]);
  // A window past the end stops at the end.
  expect(keywordRegions(text, [second], 9)).toEqual([[17, text.length]]);
});

test("matchRule with regions keeps only matches inside them", () => {
  const rule: SecretRule = { id: "t", description: "t", regex: /[a-e]\b/g, keywords: ["key"], truePositives: [], falsePositives: [] };
  const all = matchRule(rule, text).map((m) => m.value);
  expect(all).toEqual(["a", "e", "b", "c", "d", "e"]);
  const scoped = matchRule(rule, text, keywordRegions(text, [text.indexOf("key here") + 2], 1)).map((m) => m.value);
  expect(scoped).toEqual(["e", "b"]);
  expect(matchRule(rule, text, [])).toEqual([]);
  // The regex is left reusable.
  expect(rule.regex.lastIndex).toBe(0);
});

test("regions can start lines above a keyword's line", () => {
  const second = text.indexOf("key again") + 2;
  expect(keywordRegions(text, [second], 0, 1)).toEqual([[15, 26]]);
  expect(keywordRegions(text, [second], 0, 9)).toEqual([[0, 26]]);
});

test("a region is searched on its own, and validators still see the whole text", () => {
  const seen: Array<[number, string]> = [];
  const rule: SecretRule = {
    id: "t", description: "t", regex: /d\b/g, keywords: ["key"], truePositives: [], falsePositives: [],
    validate: (_s, m) => (seen.push([m.index ?? -1, (m.input ?? "").slice(0, 5)]), true),
  };
  const found = matchRule(rule, text, keywordRegions(text, [text.indexOf("key again") + 2], 0, 1));
  expect(found).toEqual([{ value: "d", offset: text.indexOf("d\n") }]);
  expect(seen).toEqual([[text.indexOf("d\n"), "a\nkey"]]);
});

describe("line-scoped rules find their samples inside large files", () => {
  // Filler around each sample, with both line endings: the lines a rule is scoped to must hold
  // the whole match wherever the sample sits.
  const filler = Array.from({ length: 40 }, (_, i) => `line ${i} of ordinary text = value_${i}`);
  for (const rule of secretRules) {
    for (const [i, sample] of rule.truePositives.entries()) {
      for (const eol of ["\n", "\r\n"]) {
        test(`${rule.id} #${i} (${eol === "\n" ? "LF" : "CRLF"})`, () => {
          const big = [...filler, sample.replace(/\n/g, eol), ...filler].join(eol);
          const found = detectSecrets(big, () => ({ line: 1, column: 1 }), "text").map((f) => f.rule);
          expect(found).toContain(`secret/${rule.id}`);
        });
      }
    }
  }
});

test("the span set keeps what a look at every span would keep", () => {
  let seed = 11;
  const rnd = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  for (let round = 0; round < 200; round++) {
    const set = createSpanSet();
    const naive: Array<[number, number]> = [];
    for (let k = 0; k < 60; k++) {
      const start = rnd(400);
      const end = start + 1 + rnd(30);
      const free = !naive.some(([a, b]) => start < b && end > a);
      if (free) naive.push([start, end]);
      expect(set.add(start, end)).toBe(free);
    }
  }
});

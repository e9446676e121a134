import { expect, test } from "bun:test";
import { keywordRegions, matchRule } from "./detect.ts";
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

test("matchRule with regions keeps only matches that start inside them", () => {
  const rule: SecretRule = { id: "t", description: "t", regex: /[a-e]\b/g, keywords: ["key"], truePositives: [], falsePositives: [] };
  const all = matchRule(rule, text).map((m) => m.value);
  expect(all).toEqual(["a", "e", "b", "c", "d", "e"]);
  const scoped = matchRule(rule, text, keywordRegions(text, [text.indexOf("key here") + 2], 1)).map((m) => m.value);
  expect(scoped).toEqual(["e", "b"]);
  expect(matchRule(rule, text, [])).toEqual([]);
  // The regex is left reusable.
  expect(rule.regex.lastIndex).toBe(0);
});

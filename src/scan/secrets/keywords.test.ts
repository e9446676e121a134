import { expect, test } from "bun:test";
import { createKeywordScanner } from "./keywords.ts";
import { secretRules } from "./rules/index.ts";

test("finds exactly the rules whose keywords occur (folded), overlapping ones included", () => {
  const s = createKeywordScanner([["he", "she"], ["his"], ["hers"], ["AKIA"], ["xyz"]]);
  expect([...s.scan("ushers")]).toEqual([1, 0, 1, 0, 0]);
  expect([...s.scan("this akia")]).toEqual([0, 1, 0, 1, 0]);
  expect([...s.scan("h\u00e9 x y z \u20acxyz")]).toEqual([0, 0, 0, 0, 1]);
  expect([...s.scan("")]).toEqual([0, 0, 0, 0, 0]);
});

test("agrees with includes() on random text for the real rule keywords", () => {
  const rules = secretRules.map((r) => r.keywords);
  const s = createKeywordScanner(rules);
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const pieces = [...new Set(rules.flat())];
  for (let i = 0; i < 300; i++) {
    let text = "";
    for (let j = 0; j < 20; j++) {
      text += rnd() % 4 === 0 ? pieces[rnd() % pieces.length].slice(0, 1 + (rnd() % 6)) : String.fromCharCode(32 + (rnd() % 95));
    }
    const flags = s.scan(text);
    // Folded: case, and every digit as "0".
    const norm = (s: string) => s.toLowerCase().replace(/[0-9]/g, "0");
    const lower = norm(text);
    rules.forEach((ks, r) => expect(flags[r]).toBe(ks.some((k) => lower.includes(norm(k))) ? 1 : 0));
  }
});

test("a keyword is found wherever it sits, across the middle where the two halves meet", () => {
  const s = createKeywordScanner([["github_pat_"], ["q~"]]);
  for (let len = 11; len < 60; len++) {
    for (let at = 0; at + 11 <= len; at++) {
      const text = "x".repeat(at) + "github_pat_" + "x".repeat(len - at - 11);
      expect([...s.scan(text)]).toEqual([1, 0]);
    }
  }
  for (let len = 2; len < 30; len++) for (let at = 0; at + 2 <= len; at++) expect([...s.scan("x".repeat(at) + "Q~" + "x".repeat(len - at - 2))]).toEqual([0, 1]);
});

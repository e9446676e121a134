import { expect, test } from "bun:test";
import { textFlags } from "./text-flags.ts";

test("the gates agree with direct searches on random text", () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const alphabet = "0123456789.:/ a";
  for (let i = 0; i < 5000; i++) {
    let text = "";
    for (let j = 0, n = rnd() % 30; j < n; j++) text += alphabet[rnd() % alphabet.length];
    const f = textFlags(text);
    expect([text, f.scheme, f.doubleColon, f.dottedQuad]).toEqual([text, text.includes("://"), text.includes("::"), /\d\.\d{1,3}\.\d{1,3}\.\d/.test(text)]);
  }
});

test("rule flags are those of the secret rules", () => {
  const f = textFlags("token = 'x' and AKIA");
  expect(f.keywords.present.length).toBeGreaterThan(40);
  expect([...f.keywords.present].some((x) => x === 1)).toBe(true);
  expect([...textFlags("nothing here").keywords.present].every((x) => x === 0)).toBe(true);
});

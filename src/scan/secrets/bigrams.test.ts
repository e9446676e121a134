import { expect, test } from "bun:test";
import { bigramsOf, mayContain } from "./bigrams.ts";

test("present keywords always pass, in any case; absent ones mostly fail", () => {
  const text = "const key = process.env.OPENAI_API_KEY; // ghp_ tokens\u00e9\u20ac";
  const bits = bigramsOf(text);
  for (const k of ["OPENAI", "openai", "ghp_", "key", "KEY", "env.", "\u20ac"]) expect(mayContain(bits, k)).toBe(true);
  for (const k of ["T3BlbkFJ", "AKIA", "sk-ant-", "xox", "-----BEGIN"]) expect(mayContain(bits, k)).toBe(false);
});

test("every substring of random text passes", () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  let text = "";
  for (let i = 0; i < 5000; i++) text += String.fromCharCode(32 + (rnd() % 400));
  const bits = bigramsOf(text);
  for (let i = 0; i < 500; i++) {
    const a = rnd() % (text.length - 10);
    expect(mayContain(bits, text.slice(a, a + 2 + (rnd() % 8)))).toBe(true);
  }
});

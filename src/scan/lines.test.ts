import { expect, test } from "bun:test";
import { lineIndex } from "./lines.ts";

// Reference: split the whole text up front.
function naive(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split("\n");
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

test("positions and line texts agree with a split of the whole text, asked in any order", () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = ["a", "b", "\n", "\r\n", "é", " ", "\n\n"];
  for (let round = 0; round < 200; round++) {
    let text = "";
    const len = rand(60);
    for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
    const idx = lineIndex(text);
    const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
    for (let k = 0; k < 10; k++) {
      const offset = rand(text.length + 1);
      expect(idx.position(offset)).toEqual(naive(text, offset));
      const line = rand(lines.length + 2);
      expect(idx.lineText(line)).toBe(line >= 1 && line <= lines.length ? lines[line - 1] : "");
    }
  }
});

test("an empty text is one empty line", () => {
  const idx = lineIndex("");
  expect(idx.position(0)).toEqual({ line: 1, column: 1 });
  expect(idx.lineText(1)).toBe("");
  expect(idx.lineText(2)).toBe("");
});

// The committed grammar wasm files must match SHA256SUMS (regenerate with scripts/fetch-grammars.sh).
import { expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { loadLanguage } from "./treesitter/loader.ts";

const dir = new URL("./grammars/", import.meta.url).pathname;

test("grammar checksums match SHA256SUMS", () => {
  const lines = readFileSync(`${dir}SHA256SUMS`, "utf8").trim().split("\n");
  expect(lines.length).toBe(5);
  for (const line of lines) {
    const [sum, name] = line.split(/\s+/);
    const actual = createHash("sha256").update(readFileSync(`${dir}${name}`)).digest("hex");
    expect(`${name} ${actual}`).toBe(`${name} ${sum}`);
  }
});

test("every grammar loads", async () => {
  for (const g of ["python", "javascript", "typescript", "tsx", "r"] as const) {
    const lang = await loadLanguage(g);
    expect(lang.nodeTypeCount).toBeGreaterThan(50);
  }
});

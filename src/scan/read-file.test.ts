import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createReusingReader } from "./read-file.ts";

const dir = mkdtempSync(join(tmpdir(), "trustrun-read-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, size: number): { path: string; bytes: Uint8Array } {
  const bytes = new Uint8Array(size).map((_, i) => (i * 31 + size) & 0xff);
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return { path, bytes };
}

test("returns each file's exact bytes: empty, smaller, exactly full and larger than the buffer", () => {
  const read = createReusingReader(1000);
  for (const size of [0, 1, 999, 1000, 1001, 70_000]) {
    const f = file(`f${size}`, size);
    expect(Buffer.from(read(f.path)).equals(Buffer.from(f.bytes))).toBe(true);
  }
});

test("a missing file throws an error with its code", () => {
  const read = createReusingReader(10);
  let code: string | undefined;
  try {
    read(join(dir, "missing"));
  } catch (err) {
    code = (err as NodeJS.ErrnoException).code;
  }
  expect(code).toBe("ENOENT");
});

test("with the listed size: the same bytes, also when the file changed size since", () => {
  const read = createReusingReader(100_000);
  for (const size of [0, 1, 999, 70_000]) {
    const f = file(`s${size}`, size);
    expect(Buffer.from(read(f.path, size)).equals(Buffer.from(f.bytes))).toBe(true);
    // Listed smaller or larger than it is now: the whole file all the same.
    expect(Buffer.from(read(f.path, Math.max(0, size - 1))).equals(Buffer.from(f.bytes))).toBe(true);
    expect(Buffer.from(read(f.path, size + 5)).equals(Buffer.from(f.bytes))).toBe(true);
  }
});

// Every valid/*.yaml loads; every invalid/*.yaml fails with an error at the position its
// first-line comment names ("# error-at: LINE:COLUMN", "LINE:" for any column, "any" for any line).
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadPolicy } from "../../src/policy/load.ts";

const here = import.meta.dir;
const list = (d: string) => readdirSync(join(here, d)).filter((f) => f.endsWith(".yaml")).sort();

describe("valid fixtures", () => {
  test.each(list("valid").map((f) => [f]))("%s loads", (file) => {
    const r = loadPolicy({ files: [join(here, "valid", file)], presets: [], cwd: here });
    if (!r.ok) throw new Error(r.errors.map((e) => `${e.file}:${e.line}:${e.column}: ${e.message}`).join("\n"));
    expect(r.policy.observeOnly).toBe(false);
  });
});

describe("invalid fixtures", () => {
  test.each(list("invalid").map((f) => [f]))("%s fails with a positioned error", (file) => {
    const path = join(here, "invalid", file);
    const expected = readFileSync(path, "utf8").match(/^# error-at: (\d+|any):?(\d*)/)?.slice(1) ?? [];
    expect(expected.length).toBe(2);
    const r = loadPolicy({ files: [path], presets: [], cwd: here });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const e = r.errors[0];
    expect(e.file).toContain(file);
    expect(e.line).toBeGreaterThanOrEqual(1);
    expect(e.column).toBeGreaterThanOrEqual(1);
    if (expected[0] !== "any") expect(e.line).toBe(Number(expected[0]));
    if (expected[1]) expect(e.column).toBe(Number(expected[1]));
  });
});

import { expect, test } from "bun:test";
import { renderJson } from "./json.ts";
import type { ScanResult } from "../types.ts";

const result: ScanResult = {
  version: 1,
  root: "/p",
  stats: { files: 2, bytes: 10, ms: 1, parsed: 0, workers: 0 },
  findings: [
    { kind: "url", value: "https://api.acme.io", host: "api.acme.io", file: "a.py", line: 1, column: 5, language: "python", analyzer: "regex", rule: "url/https", verdict: "unknown", fingerprint: "f1" },
    { kind: "host", value: "db.acme.io", host: "db.acme.io", file: "b.yaml", line: 2, column: 1, language: "yaml", analyzer: "regex", rule: "host/setting", verdict: "violation", fingerprint: "f2" },
  ],
  skipped: [],
};

test("the report parses back to the same result, one finding per line", () => {
  const text = renderJson(result);
  expect(JSON.parse(text)).toEqual(result);
  const lines = text.split("\n");
  expect(lines.filter((l) => l.trimStart().startsWith('{"kind"'))).toHaveLength(2);
  expect(text).toContain('  "skipped": []');
  expect(text).toContain('  "stats": {\n    "files": 2,');
  expect(text.endsWith("}\n")).toBe(true);
});

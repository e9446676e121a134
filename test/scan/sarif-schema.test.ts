// Our SARIF against the SARIF 2.1.0 JSON schema (the RTM.5 schema that Microsoft's
// @microsoft/jest-sarif ships; it is JSON Schema draft-04, hence ajv-draft-04).
import { describe, expect, test } from "bun:test";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { renderSarif } from "../../src/scan/report/sarif.ts";
import type { ScanResult } from "../../src/scan/types.ts";
import { goldenDir } from "./fixtures.ts";

const schemaPath = join(import.meta.dir, "../../node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
// strict off: the schema has defaults and keywords ajv's strict mode rejects. unicodeRegExp off:
// one of its patterns ("language") has a stray "]" that only non-unicode regexes accept.
const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
addFormats(ajv); // uri, uri-reference, date-time are checked, not ignored
const validate = ajv.compile(schema);

function errorsOf(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

describe("SARIF 2.1.0 schema", () => {
  const files = readdirSync(goldenDir).filter((f) => f.endsWith(".sarif"));

  test("there are golden SARIF files to check", () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  for (const file of files) {
    test(`${file} is valid`, () => {
      expect(errorsOf(JSON.parse(readFileSync(join(goldenDir, file), "utf8")))).toEqual([]);
    });
  }

  test("a report with every finding kind, a secret and odd characters is valid", () => {
    const base = { file: "a b/ü.py", line: 3, column: 7, language: "python", analyzer: "regex", host: null };
    const result: ScanResult = {
      version: 1,
      root: "/tmp/x",
      stats: { files: 1, bytes: 10, ms: 1, parsed: 0, workers: 0 },
      findings: [
        { ...base, kind: "url", value: "https://api.openai.com/v1?x=\"<>", host: "api.openai.com", rule: "url/https", verdict: "violation", fingerprint: "0123456789abcdef0123" },
        { ...base, kind: "ip", value: "::1", host: "::1", rule: "ip/v6", verdict: "allowed", fingerprint: "1123456789abcdef0123" },
        { ...base, kind: "secret", value: "sk-…", rule: "secret/openai-api-key", verdict: "unknown", fingerprint: "2123456789abcdef0123" },
      ],
      skipped: [{ file: "big.bin", reason: "binary" }],
    } as ScanResult;
    expect(errorsOf(JSON.parse(renderSarif(result, "1.2.3")))).toEqual([]);
  });

  test("the validator rejects what the schema forbids (the check can fail)", () => {
    const doc = JSON.parse(readFileSync(join(goldenDir, files[0]), "utf8"));
    expect(errorsOf({ ...doc, version: "2.0.0" })).not.toEqual([]);
    expect(errorsOf({ ...doc, runs: [{ results: [] }] })).not.toEqual([]); // a run needs its tool
    const badLevel = structuredClone(doc);
    badLevel.runs[0].results = [{ message: { text: "x" }, level: "fatal" }];
    expect(errorsOf(badLevel)).not.toEqual([]);
  });
});

// Structural checks of SARIF 2.1.0 as code-scanning UIs need it (required properties, enums,
// index consistency, relative URIs with a base id). Not a full JSON-Schema validation.
import { describe, expect, test } from "bun:test";
import type { ScanResult } from "../types.ts";
import { renderSarif } from "./sarif.ts";

const result: ScanResult = {
  version: 1,
  root: "/src/my app",
  stats: { files: 2, bytes: 10, ms: 1 },
  skipped: [],
  findings: [
    { kind: "sdk-client", value: "https://api.openai.com/v1", host: "api.openai.com", file: "a b/x.py", line: 3, column: 5, language: "python", analyzer: "tree-sitter", rule: "python/openai", verdict: "violation", fingerprint: "f1" },
    { kind: "secret", value: "sk-proj-…[redacted 90 chars]", host: null, file: "x.env", line: 1, column: 1, language: "dotenv", analyzer: "secrets", rule: "secret/openai-api-key", verdict: "unknown", fingerprint: "f2" },
    { kind: "url", value: "https://a.acme.io", host: "a.acme.io", file: "r.md", line: 9, column: 2, language: "markdown", analyzer: "regex", rule: "url/https", verdict: "allowed" },
  ],
};

describe("SARIF 2.1.0", () => {
  const s = JSON.parse(renderSarif(result, "1.2.3"));
  test("top level and tool", () => {
    expect(s.version).toBe("2.1.0");
    expect(s.$schema).toContain("sarif-2.1.0");
    expect(s.runs).toHaveLength(1);
    expect(s.runs[0].tool.driver.name).toBe("trustrun");
    expect(s.runs[0].tool.driver.semanticVersion).toBe("1.2.3");
  });
  test("rules are unique with descriptions; results point at them", () => {
    const run = s.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of run.tool.driver.rules) expect(r.shortDescription.text.length).toBeGreaterThan(0);
    for (const res of run.results) {
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(["none", "note", "warning", "error"]).toContain(res.level);
      expect(typeof res.message.text).toBe("string");
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uriBaseId).toBe("SRCROOT");
      expect(loc.artifactLocation.uri).not.toMatch(/^\/|^file:/);
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(loc.region.startColumn).toBeGreaterThanOrEqual(1);
    }
    expect(run.originalUriBaseIds.SRCROOT.uri).toBe("file:///src/my%20app/");
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("a%20b/x.py");
  });
  test("levels: violations and secrets are errors, the rest notes; fingerprints carried", () => {
    const levels = s.runs[0].results.map((r: { level: string }) => r.level);
    expect(levels).toEqual(["error", "error", "note"]);
    expect(s.runs[0].results[0].partialFingerprints).toEqual({ "trustrunFinding/v1": "f1" });
    expect(s.runs[0].results[2].partialFingerprints).toBeUndefined();
  });
  test("empty scan is valid", () => {
    const e = JSON.parse(renderSarif({ ...result, findings: [] }));
    expect(e.runs[0].results).toEqual([]);
    expect(e.runs[0].tool.driver.rules).toEqual([]);
  });
  test("a violation in a comment or docs is a note, a secret anywhere an error; each result says its context", () => {
    const at = (context: "code" | "comment" | "docs", kind: "url" | "secret" = "url") => ({
      kind, value: kind === "secret" ? "AKIA…[redacted 20 chars]" : "https://api.acme.io", host: kind === "secret" ? null : "api.acme.io",
      file: "a.py", line: 1, column: 1, language: "python", analyzer: "regex", rule: kind === "secret" ? "secret/aws-access-key-id" : "url/https",
      verdict: kind === "secret" ? ("unknown" as const) : ("violation" as const), context,
    });
    const out = JSON.parse(renderSarif({ ...result, findings: [at("code"), at("comment"), at("docs"), at("comment", "secret")] }));
    const results = out.runs[0].results;
    expect(results.map((r: { level: string }) => r.level)).toEqual(["error", "note", "note", "error"]);
    expect(results.map((r: { properties: { context: string } }) => r.properties.context)).toEqual(["code", "comment", "docs", "comment"]);
    expect(results[1].message.text).toBe("URL https://api.acme.io (host api.acme.io) in a comment violates the network policy.");
    // Findings from before the field: in code.
    expect(s.runs[0].results[0].properties.context).toBe("code");
  });
});

// Each fixture project's scan must match its golden JSON and SARIF (regenerate with
// `bun scripts/regen-scan-golden.ts` after an intended change, and review the diff).
import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { goldenDir, goldenFixtures } from "./fixtures.ts";
import { normalize, scanFixture } from "./golden.ts";

describe("golden scans", () => {
  for (const name of goldenFixtures) {
    test(name, async () => {
      const { json, sarif } = normalize(await scanFixture(name));
      expect(json).toBe(readFileSync(join(goldenDir, `${name}.json`), "utf8"));
      expect(sarif).toBe(readFileSync(join(goldenDir, `${name}.sarif`), "utf8"));
    });
  }

  test("parser workers give the same findings as the main thread", async () => {
    const inline = normalize(await scanFixture("python-app", 0)).json;
    const workers = normalize(await scanFixture("python-app", 2)).json;
    expect(workers).toBe(inline);
  });
});

describe("negatives", () => {
  test("no finding from licence headers, version strings, OIDs, placeholders or file names", async () => {
    const r = await scanFixture("negatives");
    expect(r.stats.files).toBe(3);
    expect(r.findings).toEqual([]);
  });
});

describe("expected findings (independent of the golden files)", () => {
  test("python-app: SDK defaults, AWS hosts and propagated URLs", async () => {
    const r = await scanFixture("python-app");
    const has = (rule: string, value: string, verdict?: string) =>
      expect(r.findings.some((f) => f.rule === rule && f.value === value && (!verdict || f.verdict === verdict))).toBe(true);
    has("python/openai", "https://api.openai.com/v1", "violation");
    has("python/boto3", "https://bedrock-runtime.us-east-1.amazonaws.com", "violation");
    has("python/requests", "https://api.acme-health.com/v2/patients", "allowed");
    has("python/httpx", "https://fhir.acme-health.com/R4/Patient", "allowed");
    has("python/azure", "https://acmephi.blob.core.windows.net", "allowed");
    // The openai module's own client (1.x and 0.x), Azure through 0.x module settings, China regions.
    expect(r.findings.filter((f) => f.file === "src/llm.py" && f.rule === "python/openai" && f.value === "https://api.openai.com/v1")).toHaveLength(2);
    has("python/openai", "https://acme-phi-eastus.openai.azure.com/", "allowed");
    has("python/boto3", "https://s3.cn-north-1.amazonaws.com.cn");
    expect(r.findings.some((f) => f.value.includes("apache.org"))).toBe(false);
    expect(r.findings.some((f) => f.value.includes("2.10.3.1"))).toBe(false);
    // self.base_url is the Vendor's own, never the Internal class's (which the policy allows).
    const vendor = r.findings.filter((f) => f.file === "src/vendor.py" && f.analyzer === "tree-sitter").map((f) => `${f.line} ${f.rule} ${f.value} ${f.verdict}`);
    expect(vendor).toEqual([
      "24 python/requests https://api.vendor-ai.com/notes unknown",
      "30 python/langchain https://llm.internal.acme-health.com/v1 allowed",
      "31 python/langchain https://api.openai.com/v1 violation",
      "32 python/langchain https://acme-phi-westus.openai.azure.com allowed",
      "33 python/langchain https://api.anthropic.com violation",
    ]);
  });

  test("ts-app: this.baseUrl is the class's own; LangChain.js clients", async () => {
    const r = await scanFixture("ts-app");
    const vendor = r.findings.filter((f) => f.file === "src/vendor.ts" && f.analyzer === "tree-sitter").map((f) => `${f.line} ${f.rule} ${f.value} ${f.verdict}`);
    expect(vendor).toEqual([
      "15 js/fetch https://api.vendor-ai.com/notes unknown",
      "23 js/langchain https://llm-gw.acme-health.com/v1 allowed",
      "27 js/langchain https://api.openai.com/v1 violation",
    ]);
  });

  test("notebooks: code cells and R Markdown chunks are analyzed at their file positions", async () => {
    const r = await scanFixture("notebooks");
    const got = r.findings.filter((f) => f.analyzer === "tree-sitter").map((f) => `${f.file}:${f.line}:${f.column} ${f.value} ${f.verdict}`);
    expect(got).toEqual([
      "analysis.ipynb:20:15 https://api.openai.com/v1 violation",
      "analysis.ipynb:22:10 https://fhir.acme-health.com/R4/Patient allowed",
      "report.Rmd:10:9 https://redcap.acme-health.com/api/ allowed",
      "report.Rmd:15:5 https://api.anthropic.com violation",
    ]);
  });

  test("secrets-app: every rule fires and nothing leaks", async () => {
    const r = await scanFixture("secrets-app");
    const { secretRules } = await import("../../src/scan/secrets/rules/index.ts");
    const rules = new Set(r.findings.filter((f) => f.kind === "secret").map((f) => f.rule));
    for (const rule of secretRules) expect(rules.has(`secret/${rule.id}`)).toBe(true);
    const { matchRule } = await import("../../src/scan/secrets/detect.ts");
    const json = JSON.stringify(r);
    for (const rule of secretRules) {
      for (const sample of rule.truePositives) {
        for (const m of matchRule(rule, sample)) expect(json.includes(m.value)).toBe(false);
      }
    }
  });

  test("walker: ignores, symlinks, binaries, encodings, deep and huge trees", async () => {
    const r = await scanFixture("walker");
    const files = new Set(r.findings.map((f) => f.file));
    expect(files.has("main.py")).toBe(true);
    expect(files.has("keep.log")).toBe(true);
    expect(files.has("utf16.txt")).toBe(true);
    expect(files.has("latin1.txt")).toBe(true);
    expect(files.has("bundle.min.js")).toBe(true);
    expect([...files].some((f) => f.endsWith("d59/leaf.py"))).toBe(true);
    for (const f of files) expect(f).not.toMatch(/^(build\/|debug\.log|vendor-notes|sub\/generated|etc-link|sub\/loop)/);
    const skipped = Object.fromEntries(r.skipped.map((s) => [s.file, s.reason]));
    expect(skipped["etc-link"]).toBe("symlink outside the root");
    expect(skipped["outside-file-link"]).toBe("symlink outside the root");
    expect(skipped["blob.dat"]).toBe("binary");
    expect(skipped["huge.txt"]).toMatch(/^too large/);
    // the minified bundle got the regex pass only
    expect(r.findings.filter((f) => f.file === "bundle.min.js").every((f) => f.analyzer === "regex")).toBe(true);
  });
});

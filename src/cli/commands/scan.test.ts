import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, materialize, policyFile } from "../../../test/scan/fixtures.ts";
import { fake } from "../../scan/secrets/fake.ts";
import { main } from "../main.ts";
import { openStore } from "../../store/index.ts";

async function cli(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(["scan", ...argv], { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const py = materialize("python-app");
const secrets = materialize("secrets-app");
const neg = materialize("negatives");
const tmp = mkdtempSync(join(tmpdir(), "trustrun-scan-cli-"));
afterAll(() => {
  for (const d of [py, secrets, neg]) cleanup(d);
  rmSync(tmp, { recursive: true, force: true });
});

describe("trustrun scan", () => {
  test("text report groups by host, exit 0 under the observe-only policy", async () => {
    const r = await cli(py, "--workers", "0");
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Scanned 5 files/);
    expect(r.out).toContain("api.openai.com  unknown");
    expect(r.out).toContain("   34 | client = OpenAI()");
    expect(r.err).toContain("observe-only");
  });

  test("a deny preset makes the OpenAI default client a violation: exit 1", async () => {
    const r = await cli(py, "--preset", "public-ai-apis", "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(["version", "root", "stats", "findings", "skipped"]);
    const f = j.findings.find((x: { rule: string }) => x.rule === "python/openai");
    expect(Object.keys(f)).toEqual(["kind", "value", "host", "file", "line", "column", "language", "analyzer", "rule", "verdict", "context", "fingerprint"]);
    expect(f).toMatchObject({ kind: "sdk-client", host: "api.openai.com", verdict: "violation", context: "code", file: "src/client.py", line: 34 });
  });

  test("--fail-on: secret, any, none", async () => {
    expect((await cli(secrets, "--fail-on", "secret", "--regex-only")).code).toBe(1);
    expect((await cli(secrets, "--fail-on", "any", "--regex-only")).code).toBe(1);
    expect((await cli(secrets, "--fail-on", "none", "--regex-only")).code).toBe(0);
    expect((await cli(secrets, "--fail-on", "violation", "--regex-only")).code).toBe(0);
    expect((await cli(neg, "--fail-on", "any")).code).toBe(0);
  });

  test("--fail-on violation counts violations in code; --fail-on-context all counts comments and docs too; secrets count anywhere", async () => {
    const dir = join(tmp, "contexts");
    mkdirSync(dir);
    writeFileSync(join(dir, "app.py"), "# Uses https://api.openai.com/v1 through the gateway\nimport os\n");
    writeFileSync(join(dir, "README.md"), "Calls `https://api.anthropic.com` in production.\n");
    const base = [dir, "--preset", "public-ai-apis", "--regex-only", "--no-store"];
    const json = await cli(...base, "--json");
    expect(json.code).toBe(0);
    const found = JSON.parse(json.out).findings.map((f: { value: string; verdict: string; context: string }) => `${f.value} ${f.verdict} ${f.context}`);
    expect(found).toEqual(["https://api.anthropic.com violation docs", "https://api.openai.com/v1 violation comment"]);
    expect((await cli(...base, "--fail-on-context", "code")).code).toBe(0);
    expect((await cli(...base, "--fail-on-context", "all")).code).toBe(1);
    expect((await cli(...base, "--fail-on", "any")).code).toBe(0);
    expect((await cli(...base, "--fail-on", "any", "--fail-on-context", "all")).code).toBe(1);
    const text = await cli(...base, "--format", "text");
    expect(text.out).toContain("(2 violations, all in comments or docs)");
    expect(text.out).toContain("api.openai.com  VIOLATION  (1)  only in comments or docs");
    expect(text.out).toContain("app.py:1:8  url url/https  https://api.openai.com/v1  (comment)");
    // A secret in a comment still fails --fail-on secret.
    writeFileSync(join(dir, "notes.py"), `# old key: ${fake("sk-proj-", "Q7xJ2mZp9LkR4tVw8NbYc3HdF6sG1aEu0oIiWqXzTrUyPlMnBvT3BlbkFJ", "")}\n`);
    expect((await cli(...base, "--fail-on", "secret")).code).toBe(1);
    // Code makes --fail-on violation fail by default.
    writeFileSync(join(dir, "client.py"), 'BASE = "https://api.openai.com/v1"\n');
    expect((await cli(...base)).code).toBe(1);
    expect((await cli(...base, "--fail-on-context", "nowhere")).code).toBe(2);
  });

  test("secrets never appear in any format or in the source context", async () => {
    for (const fmt of ["text", "json", "sarif"]) {
      const r = await cli(secrets, "--format", fmt);
      expect(r.out).not.toMatch(/T3BlbkFJ|api03-[A-Za-z0-9_-]{20}|Hq7[A-Za-z0-9]{5}/);
    }
  });

  test("SARIF to a file, with the policy file", async () => {
    const out = join(tmp, "r.sarif");
    const r = await cli(py, "--policy", policyFile, "--format", "sarif", "--output", out);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    const s = JSON.parse(readFileSync(out, "utf8"));
    expect(s.version).toBe("2.1.0");
    expect(s.runs[0].results.some((x: { level: string; ruleId: string }) => x.level === "error" && x.ruleId === "python/boto3")).toBe(true);
  });

  test("baseline: accepted findings no longer fail; new ones do", async () => {
    const base = join(tmp, "baseline.json");
    const w = await cli(py, "--preset", "public-ai-apis", "--write-baseline", base, "--json");
    expect(w.code).toBe(1);
    const again = await cli(py, "--preset", "public-ai-apis", "--baseline", base, "--json");
    expect(again.code).toBe(0);
    expect(JSON.parse(again.out).findings).toEqual([]);
    writeFileSync(join(py, "new.py"), "import anthropic\nc = anthropic.Anthropic()\n");
    const added = await cli(py, "--preset", "public-ai-apis", "--baseline", base, "--json");
    expect(added.code).toBe(1);
    expect(JSON.parse(added.out).findings.map((f: { file: string }) => f.file)).toEqual(["new.py"]);
  });

  test("baseline: a different secret of the same length in place of an accepted one is new", async () => {
    const dir = join(tmp, "rotated");
    mkdirSync(dir, { recursive: true });
    // Two AWS key IDs of the same length: their redacted values are the same.
    const key = (body: string) => fake("AKIA", body);
    writeFileSync(join(dir, "settings.py"), `AWS_ACCESS_KEY_ID = "${key("Z7QK3LMNP4RSTUVW")}"\n`);
    const base = join(tmp, "rotated-baseline.json");
    expect((await cli(dir, "--no-store", "--json", "--write-baseline", base)).code).toBe(0);
    const written = JSON.parse(readFileSync(base, "utf8"));
    expect(written.version).toBe(2);
    expect(readFileSync(base, "utf8")).not.toContain("Z7QK3LMNP4RSTUVW");
    expect((await cli(dir, "--no-store", "--json", "--baseline", base, "--fail-on", "secret")).code).toBe(0);
    writeFileSync(join(dir, "settings.py"), `AWS_ACCESS_KEY_ID = "${key("Q2WXPLMZ3KD7HRTB")}"\n`);
    const rotated = await cli(dir, "--no-store", "--json", "--baseline", base, "--fail-on", "secret");
    expect(rotated.code).toBe(1);
    const findings = JSON.parse(rotated.out).findings;
    expect(findings.map((f: { rule: string }) => f.rule)).toEqual(["secret/aws-access-key-id"]);
    // The digest mixed into the fingerprint is never reported.
    expect(Object.keys(findings[0])).not.toContain("valueDigest");
  });

  test("baseline version 1: endpoints still match, secrets show as new, with a note", async () => {
    const dir = join(tmp, "v1");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "a.py"), `URL = "https://v1.acme-health.com/x"\nKEY = "${fake("AKIA", "Z7QK3LMNP4RSTUVW")}"\n`);
    const base = join(tmp, "v1-baseline.json");
    await cli(dir, "--no-store", "--json", "--write-baseline", base);
    const v2 = JSON.parse(readFileSync(base, "utf8"));
    // What a version 1 file holds: the endpoint's fingerprint (unchanged) and an old secret one.
    const first = await cli(dir, "--no-store", "--json");
    const url = JSON.parse(first.out).findings.find((f: { kind: string }) => f.kind === "url").fingerprint;
    expect(v2.fingerprints).toContain(url);
    writeFileSync(base, JSON.stringify({ version: 1, fingerprints: [url, "0123456789abcdef0123"] }));
    const r = await cli(dir, "--no-store", "--json", "--baseline", base, "--fail-on", "any");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).findings.map((f: { kind: string }) => f.kind)).toEqual(["secret"]);
    expect(r.err).toContain("version 1 baseline");
    writeFileSync(base, JSON.stringify({ version: 7, fingerprints: [] }));
    expect((await cli(dir, "--no-store", "--baseline", base)).code).toBe(2);
  });

  test("--write-baseline and --output to a path that cannot be written: exit 2 before scanning", async () => {
    for (const bad of [join(tmp, "no-such-dir", "b.json"), tmp]) {
      for (const opt of ["--write-baseline", "--output"]) {
        const r = await cli(neg, "--no-store", "--json", opt, bad);
        expect(r.code).toBe(2);
        expect(r.err).toContain(`cannot write`);
        expect(r.err).toContain(bad);
        expect(r.err).not.toContain("internal error");
      }
    }
  });

  test("--include/--exclude: a bad pattern is an error; brace lists expand; a pattern matching nothing is told", async () => {
    const dir = join(tmp, "globs");
    mkdirSync(join(dir, "src"), { recursive: true });
    writeFileSync(join(dir, "src", "a.py"), 'URL = "https://py.acme-health.com/"\n');
    writeFileSync(join(dir, "src", "b.js"), 'const u = "https://js.acme-health.com/";\n');
    writeFileSync(join(dir, "c.R"), 'u <- "https://r.acme-health.com/"\n');
    for (const [opt, pattern] of [["--include", "["], ["--exclude", "src/[a-"], ["--include", "*.[z-a]"]]) {
      const r = await cli(dir, "--no-store", "--json", opt, pattern);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${opt} '${pattern}'`);
      expect(r.out).toBe("");
    }
    const braces = await cli(dir, "--no-store", "--json", "--include", "**/*.{py,js}");
    expect(braces.code).toBe(0);
    expect(JSON.parse(braces.out).findings.map((f: { host: string }) => f.host).sort()).toEqual(["js.acme-health.com", "py.acme-health.com"]);
    expect(braces.err).not.toContain("warning");
    const none = await cli(dir, "--no-store", "--json", "--include", "*.rs", "--include", "*.R");
    expect(none.code).toBe(0);
    expect(none.err).toContain("--include '*.rs' matches no file");
    expect(none.err).not.toContain("'*.R'");
    const empty = join(tmp, "empty");
    mkdirSync(empty, { recursive: true });
    const e = await cli(empty, "--no-store", "--json");
    expect(e.code).toBe(0);
    expect(e.err).not.toContain("warning");
  });

  test("--max-file-size takes a unit: files over it are skipped with the reason", async () => {
    const dir = join(tmp, "sizes");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "small.txt"), "https://small.acme.io/\n");
    writeFileSync(join(dir, "big.txt"), `https://big.acme.io/\n${"x".repeat(2000)}\n`);
    for (const size of ["1k", "1KB", "1000", "0.001M"]) {
      const r = await cli(dir, "--max-file-size", size, "--format", "json", "--no-store", "--workers", "0");
      expect(r.code).toBe(0);
      const report = JSON.parse(r.out);
      expect(report.findings.map((f: { host: string }) => f.host)).toEqual(["small.acme.io"]);
      expect(report.skipped.map((s: { file: string }) => s.file)).toEqual(["big.txt"]);
    }
  });

  test("usage errors exit 2", async () => {
    expect((await cli()).code).toBe(2);
    expect((await cli(join(tmp, "missing"))).code).toBe(2);
    expect((await cli(py, "--format", "xml")).code).toBe(2);
    expect((await cli(py, "--fail-on", "sometimes")).code).toBe(2);
    expect((await cli(py, "--max-file-size", "-3")).code).toBe(2);
    const size = await cli(py, "--max-file-size", "5 parsecs");
    expect(size.code).toBe(2);
    expect(size.err).toContain("such as 5000000, 500k, 5M or 2MiB");
    const bad = join(tmp, "bad-baseline.json");
    writeFileSync(bad, "{nope");
    const r = await cli(py, "--baseline", bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain("baseline");
  });

  test("each scan is kept in the SQLite store for the web view; --no-store skips it", async () => {
    const db = join(mkdtempSync(join(tmpdir(), "trustrun-scan-db-")), "t.db");
    await cli(neg, "--json", "--db", db);
    await cli(neg, "--json", "--db", db, "--no-store");
    const store = openStore(db);
    try {
      const scans = store.listScans();
      expect(scans).toHaveLength(1);
      expect(scans[0]).toMatchObject({ files: 3, findings: 0 });
      expect(store.getScan(scans[0].id)!.report.root).toBeTruthy();
    } finally {
      store.close();
    }
  });
});

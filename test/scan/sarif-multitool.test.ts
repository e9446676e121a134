// Our SARIF through Microsoft's SARIF SDK validator (Sarif.Multitool, from the npm registry's
// @microsoft/sarif-multitool-linux): the final OASIS 2.1.0 schema it ships, plus its GitHub
// code-scanning ingestion rules (--rule-kind Gh). .ci/run installs it; elsewhere set
// TRUSTRUN_SARIF_MULTITOOL to its directory, or the test is skipped and says so.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goldenDir } from "./fixtures.ts";

const toolDir = process.env.TRUSTRUN_SARIF_MULTITOOL ?? "/tmp/sarif-multitool/node_modules/@microsoft/sarif-multitool-linux";
const tool = join(toolDir, "Sarif.Multitool");
const schema = join(toolDir, "sarif-2.1.0.json");
const have = existsSync(tool) && existsSync(schema);
if (!have) console.warn(`skipping the SARIF SDK validation: ${tool} not installed (.ci/run installs it)`);

const work = mkdtempSync(join(tmpdir(), "trustrun-sarif-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Issue {
  level: string;
  ruleId: string;
  message: { id?: string; arguments?: string[] };
}

/** Validates one file; returns the validator's results (errors and warnings). */
async function validate(file: string): Promise<Issue[]> {
  const out = join(work, "out.sarif");
  const proc = Bun.spawn([tool, "validate", file, "--json-schema", schema, "--rule-kind", "Gh;Sarif", "--output", out, "--log", "ForceOverwrite"], {
    // Its .NET runtime needs no ICU in invariant mode (the machine may not have libicu).
    env: { ...process.env, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT: "1", DOTNET_CLI_TELEMETRY_OPTOUT: "1" },
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill(), 60_000);
  const [stdout, , code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  expect(stdout).toContain("Analysis completed successfully");
  expect(code).toBe(0);
  const log = JSON.parse(readFileSync(out, "utf8"));
  return (log.runs[0].results as Issue[]).filter((r) => r.level === "error" || r.level === "warning");
}

const show = (issues: Issue[]) => issues.map((i) => `${i.level} ${i.ruleId} ${i.message.id} ${(i.message.arguments ?? []).join(" ")}`);

describe.skipIf(!have)("SARIF SDK validator (OASIS 2.1.0 schema + GitHub ingestion rules)", () => {
  const files = readdirSync(goldenDir).filter((f) => f.endsWith(".sarif"));

  test("every golden SARIF report has no error or warning", async () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect({ file: f, issues: show(await validate(join(goldenDir, f))) }).toEqual({ file: f, issues: [] });
  }, 120_000);

  test("the validator reports what the schema forbids (the check can fail)", async () => {
    const doc = JSON.parse(readFileSync(join(goldenDir, files[0]), "utf8"));
    doc.unknownTopLevel = 1;
    delete doc.runs[0].tool.driver.name;
    const bad = join(work, "bad.sarif");
    writeFileSync(bad, JSON.stringify(doc));
    const ids = (await validate(bad)).map((i) => i.ruleId);
    expect(ids).toContain("JSON1005"); // additional property
    expect(ids).toContain("JSON1002"); // missing required property
  }, 60_000);
});

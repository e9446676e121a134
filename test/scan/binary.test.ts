// The compiled binary scans with embedded grammars and parser workers, run from an empty
// directory with node_modules out of reach.
import { afterAll, describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary, trustrun } from "../binary/helpers.ts";
import { cleanup, materialize } from "./fixtures.ts";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) cleanup(d);
});

describe.skipIf(!haveBinary)("compiled binary: scan", () => {
  test("with parser workers the binary finds the SDK default and the AWS host", async () => {
    // A copy outside the repository: nothing next to it can supply node_modules.
    const binDir = mkdtempSync(join(tmpdir(), "trustrun-binonly-"));
    const bin = join(binDir, "trustrun");
    copyFileSync(BIN, bin);
    const { chmodSync } = await import("node:fs");
    chmodSync(bin, 0o755);
    const py = materialize("python-app");
    dirs.push(py, binDir);
    const proc = Bun.spawn([bin, "scan", py, "--json", "--preset", "public-ai-apis", "--workers", "2"], {
      cwd: binDir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: binDir, TRUSTRUN_HOME: binDir, TRUSTRUN_DEBUG: "1", TRUSTRUN_SCAN_MAIN: "0" },
      stdout: "pipe",
      stderr: "pipe",
    });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(err).not.toContain("worker unavailable");
    expect(err).not.toContain("worker failed");
    // Every file went to the workers: what they found is what the checks below see.
    expect(err).toContain("scan: 0 of ");
    expect(code).toBe(1);
    const j = JSON.parse(out);
    expect(j.stats.workers).toBe(2);
    expect(j.stats.parsed).toBe(4);
    const values = j.findings.map((f: { rule: string; value: string; verdict: string }) => `${f.rule} ${f.value} ${f.verdict}`);
    expect(values).toContain("python/openai https://api.openai.com/v1 violation");
    expect(values).toContain("python/boto3 https://bedrock-runtime.us-east-1.amazonaws.com unknown");
  });

  test("usage error exits 2; help lists the options", async () => {
    expect((await trustrun(["scan"])).code).toBe(2);
    const help = await trustrun(["scan", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--fail-on");
    expect(help.stdout).toContain("--regex-only");
  });
});

if (!haveBinary) console.log(`scan binary tests skipped: no binary at ${BIN} (run npm run build)`);

// Golden files: the scan JSON and SARIF of each fixture, with the temp root and timings normalised.
import { loadPolicy } from "../../src/policy/load.ts";
import { evaluate } from "../../src/policy/evaluate.ts";
import { renderJson } from "../../src/scan/report/json.ts";
import { renderSarif } from "../../src/scan/report/sarif.ts";
import { scanDirectory } from "../../src/scan/scan-directory.ts";
import type { ScanResult } from "../../src/scan/types.ts";
import { policyVerdict } from "../../src/scan/verdict.ts";
import { cleanup, fixtureOptions, materialize, policyFile } from "./fixtures.ts";

export function fixturePolicy() {
  const r = loadPolicy({ files: [policyFile], presets: [], cwd: process.cwd() });
  if (!r.ok) throw new Error(`fixture policy invalid: ${JSON.stringify(r.errors)}`);
  return r.policy;
}

export async function scanFixture(name: string, workers = 0): Promise<ScanResult> {
  const dir = materialize(name);
  try {
    return await scanDirectory(dir, { verdict: policyVerdict(evaluate, fixturePolicy()), workers, workersOnly: workers > 0, ...fixtureOptions(name) });
  } finally {
    cleanup(dir);
  }
}

export function normalize(result: ScanResult): { json: string; sarif: string } {
  const fixed: ScanResult = { ...result, root: "/FIXTURE", stats: { ...result.stats, ms: 0, workers: 0 } };
  return {
    json: renderJson(fixed),
    sarif: renderSarif(fixed, "0.0.0-test"),
  };
}

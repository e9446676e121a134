import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scanFiles, type PoolFile } from "./pool.ts";

const dir = mkdtempSync(join(tmpdir(), "trustrun-pool-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const files: PoolFile[] = [];
for (let i = 0; i < 300; i++) {
  const rel = `f${i}.txt`;
  const text = `endpoint = "https://svc${i}.acme.io/v1"\n`.repeat(1 + (i % 7));
  writeFileSync(join(dir, rel), text);
  files.push({ abs: join(dir, rel), rel, size: text.length });
}
files.push({ abs: join(dir, "gone.txt"), rel: "gone.txt", size: 10 });

const summary = (results: Awaited<ReturnType<typeof scanFiles>>["results"]) =>
  results.map((r) => `${r?.index} ${r?.size} ${r?.answer.skipped ?? ""} ${r?.answer.findings.map((f) => `${f.value}@${f.line}`).join(",")}`);

test("every file gets exactly its own result, on this thread, on workers alone, or on both", async () => {
  const inline = await scanFiles(files, { regexOnly: true, workers: 0 });
  expect(inline.workers).toBe(0);
  expect(inline.results.every((r, i) => r?.index === i)).toBe(true);
  expect(inline.results[0]!.answer.findings[0].value).toBe("https://svc0.acme.io/v1");
  expect(inline.results[300]!.answer.skipped).toBe("unreadable: ENOENT");
  const workersOnly = await scanFiles(files, { regexOnly: true, workers: 2, workersOnly: true });
  expect(workersOnly.workers).toBe(2);
  expect(summary(workersOnly.results)).toEqual(summary(inline.results));
  const both = await scanFiles(files, { regexOnly: true, workers: 1 });
  expect(summary(both.results)).toEqual(summary(inline.results));
});

test("progress counts files and bytes as they are done", async () => {
  const seen: Array<[number, number]> = [];
  let clock = 0;
  const realNow = performance.now.bind(performance);
  // Every call looks 200 ms later, so each file reports.
  performance.now = () => (clock += 200);
  try {
    await scanFiles(files.slice(0, 20), { regexOnly: true, workers: 0, onProgress: (f, b) => seen.push([f, b]) });
  } finally {
    performance.now = realNow;
  }
  expect(seen.length).toBe(20);
  expect(seen.map(([f]) => f)).toEqual([...Array(20).keys()].map((i) => i + 1));
});

// scanDirectory: walk → read → regex pass → (tree-sitter on network-looking source) → verdicts.
import { resolve } from "node:path";
import type { ConnectionFacts } from "../policy/types.ts";
import { dedupe } from "./file-scan.ts";
import { addFingerprints } from "./fingerprint.ts";
import { createReusingReader } from "./read-file.ts";
import { createScanPool } from "./treesitter/pool.ts";
import type { Finding, FindingVerdict, ProgressFn, RawFinding, ScanOptions, ScanResult, SkippedFile } from "./types.ts";
import { factsOf } from "./verdict.ts";
import { walk } from "./walker.ts";

export const defaultMaxFileSize = 5_000_000;

/**
 * Small trees scan inline: a worker's start (wasm, grammars, JIT warm-up) costs more than it saves.
 * Otherwise one worker per CPU but one, which keeps reading and collecting on the main thread.
 * The regex pass alone always runs inline: measured on 33 MB, a worker (or one sharing the files
 * with this thread) was no faster, as reading, transfer and its own JIT warm-up eat the gain.
 */
function defaultWorkers(totalBytes: number, regexOnly: boolean): number {
  if (regexOnly || totalBytes < 4_000_000) return 0;
  const n = typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 2;
  return Math.max(1, Math.min(4, (n || 2) - 1));
}

export async function scanDirectory(root: string, opts: ScanOptions = {}, onProgress?: ProgressFn): Promise<ScanResult> {
  const started = performance.now();
  const absRoot = resolve(root);
  const maxFileSize = opts.maxFileSize ?? defaultMaxFileSize;
  const walked = await walk(absRoot, { include: opts.include, exclude: opts.exclude, maxFileSize, gitignore: opts.gitignore });
  const skipped: SkippedFile[] = [...walked.skipped];
  const total = walked.files.length;
  onProgress?.({ phase: "walk", files: 0, total, bytes: 0 });

  const regexOnly = opts.regexOnly === true;
  const workerCount = opts.workers ?? defaultWorkers(walked.files.reduce((a, f) => a + f.size, 0), regexOnly);
  const pool = createScanPool(workerCount);
  // Inline, each file is decoded before the next is read (scanFile reads its bytes before its
  // first await): one reused buffer and synchronous reads, much faster than Bun.file().bytes().
  // Files sent to a worker get their own buffer (it is transferred).
  const read = workerCount <= 0 ? createReusingReader(walked.files.reduce((a, f) => Math.max(a, f.size), 0)) : null;
  const perFile: Array<{ rel: string; findings: RawFinding[] }> = [];
  let files = 0;
  let bytes = 0;
  let parsed = 0;
  let done = 0;
  let lastProgress = 0;
  let workersUsed = 0;
  // Bounded read-ahead: at most this many bytes read and not yet scanned.
  const maxInFlight = 64_000_000;
  let inFlight = 0;
  const inFlightJobs = new Set<Promise<void>>();
  try {
    for (const file of walked.files) {
      let data: Uint8Array;
      try {
        data = read ? read(file.abs) : await Bun.file(file.abs).bytes();
      } catch (err) {
        skipped.push({ file: file.rel, reason: `unreadable: ${(err as NodeJS.ErrnoException).code ?? "error"}` });
        continue;
      }
      const size = data.length;
      inFlight += size;
      const job = pool
        .scan(file.rel, data, regexOnly, () => Bun.file(file.abs).bytes())
        .then((answer) => {
          done++;
          if (answer.skipped === "binary") skipped.push({ file: file.rel, reason: "binary" });
          else {
            files++;
            bytes += size;
            if (answer.skipped) skipped.push({ file: file.rel, reason: answer.skipped });
            if (answer.parsed) parsed++;
            perFile.push({ rel: file.rel, findings: answer.findings });
          }
          const now = performance.now();
          if (onProgress && now - lastProgress > 100) {
            lastProgress = now;
            onProgress({ phase: "scan", files: done, total, bytes });
          }
        })
        .finally(() => {
          inFlight -= size;
          inFlightJobs.delete(job);
        });
      inFlightJobs.add(job);
      while (inFlight > maxInFlight || inFlightJobs.size >= 256) await Promise.race(inFlightJobs);
    }
    await Promise.all(inFlightJobs);
  } finally {
    workersUsed = pool.size;
    pool.close();
  }

  const findings: Finding[] = [];
  const decide = opts.verdict;
  const cache = new Map<string, FindingVerdict>();
  const verdictOf = (f: RawFinding): FindingVerdict => {
    const facts: ConnectionFacts | null = decide ? factsOf(f) : null;
    if (!decide || !facts) return "unknown";
    const key = `${facts.host}|${facts.ip}|${facts.port}`;
    let v = cache.get(key);
    if (!v) {
      v = decide(facts);
      cache.set(key, v);
    }
    return v;
  };
  perFile.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  for (const { rel, findings: raw } of perFile) {
    const sorted = dedupe(raw).sort((a, b) => a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind) || a.rule.localeCompare(b.rule) || a.value.localeCompare(b.value));
    for (const f of sorted) {
      // Field order as in the scan JSON contract.
      findings.push({
        kind: f.kind, value: f.value, host: f.host, file: rel, line: f.line, column: f.column,
        language: f.language, analyzer: f.analyzer, rule: f.rule, verdict: verdictOf(f),
      });
    }
  }
  addFingerprints(findings);
  onProgress?.({ phase: "scan", files: done, total, bytes });
  return {
    version: 1,
    root: absRoot,
    stats: { files, bytes, ms: Math.round(performance.now() - started), parsed, workers: workersUsed },
    findings,
    skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : 1)),
  };
}

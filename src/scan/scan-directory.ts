// scanDirectory: walk → read → regex pass → (tree-sitter on network-looking source) → verdicts.
import { resolve } from "node:path";
import type { ConnectionFacts } from "../policy/types.ts";
import { decodeText, looksBinary } from "./decode.ts";
import { dedupe, regexPass } from "./file-scan.ts";
import { addFingerprints } from "./fingerprint.ts";
import { languageOf } from "./languages.ts";
import { looksMinified, mightCallNetwork } from "./prefilter.ts";
import { createAnalyzerPool, type AnalyzerPool } from "./treesitter/pool.ts";
import type { Finding, FindingVerdict, ProgressFn, RawFinding, ScanOptions, ScanResult, SkippedFile } from "./types.ts";
import { factsOf } from "./verdict.ts";
import { walk } from "./walker.ts";

export const defaultMaxFileSize = 5_000_000;
/** Bigger files get the regex pass only: parsing them is slow and rarely adds anything. */
export const maxParseSize = 1_000_000;

function defaultWorkers(): number {
  const n = typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 2;
  return Math.max(1, Math.min(4, n || 2));
}

export async function scanDirectory(root: string, opts: ScanOptions = {}, onProgress?: ProgressFn): Promise<ScanResult> {
  const started = performance.now();
  const absRoot = resolve(root);
  const maxFileSize = opts.maxFileSize ?? defaultMaxFileSize;
  const walked = await walk(absRoot, { include: opts.include, exclude: opts.exclude, maxFileSize, gitignore: opts.gitignore });
  const skipped: SkippedFile[] = [...walked.skipped];
  const total = walked.files.length;
  onProgress?.({ phase: "walk", files: 0, total, bytes: 0 });

  const pool: AnalyzerPool | null = opts.regexOnly ? null : createAnalyzerPool(opts.workers ?? defaultWorkers());
  const perFile: Array<{ rel: string; findings: RawFinding[] }> = [];
  const pending: Array<Promise<void>> = [];
  let files = 0;
  let bytes = 0;
  let parsed = 0;
  let lastProgress = 0;
  let workersUsed = 0;
  try {
    for (const file of walked.files) {
      let data: Uint8Array;
      try {
        data = await Bun.file(file.abs).bytes();
      } catch (err) {
        skipped.push({ file: file.rel, reason: `unreadable: ${(err as NodeJS.ErrnoException).code ?? "error"}` });
        continue;
      }
      if (looksBinary(data)) {
        skipped.push({ file: file.rel, reason: "binary" });
        continue;
      }
      files++;
      bytes += data.length;
      const text = decodeText(data);
      const { language, grammar } = languageOf(file.rel);
      const entry = { rel: file.rel, findings: regexPass(text, language) };
      perFile.push(entry);
      if (pool && grammar && text.length <= maxParseSize && mightCallNetwork(text) && !looksMinified(text)) {
        parsed++;
        pending.push(
          pool.analyze(text, grammar, language).then(
            (found) => void entry.findings.push(...found),
            (err: Error) => void skipped.push({ file: file.rel, reason: `parse failed: ${err.message}` }),
          ),
        );
        // Keep memory bounded: do not queue the whole tree's text.
        if (pending.length >= 64) await Promise.all(pending.splice(0, pending.length));
      }
      const now = performance.now();
      if (onProgress && now - lastProgress > 100) {
        lastProgress = now;
        onProgress({ phase: "scan", files, total, bytes });
      }
    }
    await Promise.all(pending);
  } finally {
    workersUsed = pool?.size ?? 0;
    pool?.close();
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
    const sorted = dedupe(raw).sort((a, b) => a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind));
    for (const f of sorted) {
      // Field order as in the scan JSON contract.
      findings.push({
        kind: f.kind, value: f.value, host: f.host, file: rel, line: f.line, column: f.column,
        language: f.language, analyzer: f.analyzer, rule: f.rule, verdict: verdictOf(f),
      });
    }
  }
  addFingerprints(findings);
  onProgress?.({ phase: "scan", files, total, bytes });
  return {
    version: 1,
    root: absRoot,
    stats: { files, bytes, ms: Math.round(performance.now() - started), parsed, workers: workersUsed },
    findings,
    skipped: skipped.sort((a, b) => (a.file < b.file ? -1 : 1)),
  };
}

// Runs the per-file work over a list of files on this thread and on Workers at once. Every thread
// takes the next file from a shared counter and reads it itself: no bytes cross threads, and a
// thread that finishes early simply takes more. Workers that fail to start or die leave their
// files to this thread. Parsing stays on this thread: each thread that parses compiles the
// tree-sitter wasm and grammars itself, which cost more CPU than parallel parsing saved (measured
// on 2 cores: 0.7 CPU-seconds more and a slower scan), so workers hand those files back.
import { scanFile, type FileAnswer } from "./file-scan.ts";
import { createReusingReader } from "./read-file.ts";

export interface PoolFile {
  abs: string;
  rel: string;
  size: number;
}

export interface FileResult {
  /** Index of the file in the list. */
  index: number;
  answer: FileAnswer;
  /** Bytes read (0 when unreadable). */
  size: number;
}

/** Shared counters: next file to take, files done, kilobytes done (for progress). */
const NEXT = 0;
const DONE = 1;
const DONE_KB = 2;

export interface WorkerStart {
  files: PoolFile[];
  regexOnly: boolean;
  counters: SharedArrayBuffer;
}

export type WorkerMessage = { type: "results"; results: FileResult[] } | { type: "finished" };

/**
 * Takes files from the shared counter until none is left, scanning each; `emit` receives every
 * result. Used by this thread and by the workers alike.
 */
export async function drain(
  files: PoolFile[],
  regexOnly: boolean,
  counters: Int32Array,
  emit: (r: FileResult) => void,
  opts: { tick?: () => void; deferParse?: boolean } = {},
): Promise<void> {
  const read = createReusingReader(files.reduce((a, f) => Math.max(a, f.size), 0));
  for (let i = Atomics.add(counters, NEXT, 1); i < files.length; i = Atomics.add(counters, NEXT, 1)) {
    const file = files[i];
    let bytes: Uint8Array;
    try {
      bytes = read(file.abs, file.size);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException)?.code ?? "error";
      emit({ index: i, size: 0, answer: { id: i, findings: [], parsed: false, skipped: `unreadable: ${code}` } });
      Atomics.add(counters, DONE, 1);
      continue;
    }
    // scanFile decodes the bytes before its first await, so the reused buffer is free again here.
    const size = bytes.length;
    let answer: FileAnswer;
    try {
      answer = await scanFile({ id: i, rel: file.rel, bytes, regexOnly, deferParse: opts.deferParse });
    } catch (err) {
      answer = { id: i, findings: [], parsed: false, skipped: `scan failed: ${(err as Error)?.message ?? err}` };
    }
    emit({ index: i, size, answer });
    if (answer.parseLater) continue; // counted when it is parsed
    Atomics.add(counters, DONE, 1);
    Atomics.add(counters, DONE_KB, size >> 10);
    opts.tick?.();
  }
}

/** The worker entry; it must also be an entry point of the compiled build (scripts/build.ts). */
function startWorker(): Worker {
  // In the compiled binary the entry sits in the embedded file system under its path below src/.
  if (import.meta.url.includes("$bunfs")) return new Worker("/$bunfs/root/scan/worker.js");
  return new Worker(new URL("./worker.ts", import.meta.url).href);
}

export interface ScanFilesOptions {
  regexOnly: boolean;
  /** Worker threads besides this one. */
  workers: number;
  /** Leave every file to the workers (when any started): shows what they alone find. */
  workersOnly?: boolean;
  /** Called at most every 100 ms with files and bytes done so far. */
  onProgress?: (files: number, bytes: number) => void;
}

/** Scans every file; resolves with one result per file (by index) and the number of workers used. */
export async function scanFiles(files: PoolFile[], opts: ScanFilesOptions): Promise<{ results: Array<FileResult | undefined>; workers: number }> {
  const results: Array<FileResult | undefined> = new Array(files.length);
  const counters = new Int32Array(new SharedArrayBuffer(12));
  // A file handed back for parsing stays without a result: it is scanned below, with the missing.
  const keep = (r: FileResult) => {
    if (!r.answer.parseLater) results[r.index] = r;
  };
  let lastProgress = 0;
  const tick = opts.onProgress
    ? () => {
        const now = performance.now();
        if (now - lastProgress < 100) return;
        lastProgress = now;
        opts.onProgress!(Atomics.load(counters, DONE), Atomics.load(counters, DONE_KB) * 1024);
      }
    : undefined;

  const finished: Array<Promise<void>> = [];
  const threads: Worker[] = [];
  if (opts.workers > 0 && files.length > 0 && typeof Worker !== "undefined") {
    for (let n = 0; n < opts.workers; n++) {
      let w: Worker;
      try {
        w = startWorker();
      } catch (err) {
        if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`scan: worker unavailable (${(err as Error)?.message}); scanning here\n`);
        break;
      }
      threads.push(w);
      finished.push(
        new Promise<void>((resolve) => {
          w.onmessage = (ev: MessageEvent<WorkerMessage>) => {
            if (ev.data.type === "results") for (const r of ev.data.results) keep(r);
            else resolve();
            tick?.();
          };
          // A dead worker's unreported files are picked up below.
          w.onerror = (ev) => {
            if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`scan: worker failed (${ev.message}); its files are scanned here\n`);
            resolve();
          };
          w.addEventListener("close", () => resolve());
        }),
      );
      w.postMessage({ files, regexOnly: opts.regexOnly, counters: counters.buffer } satisfies WorkerStart);
    }
  }
  let here = 0;
  const mainScans = !(threads.length > 0 && opts.workersOnly);
  try {
    if (mainScans) {
      await drain(files, opts.regexOnly, counters, (r) => {
        here++;
        keep(r);
      }, { tick });
    }
    await Promise.all(finished);
  } finally {
    for (const w of threads) w.terminate();
  }
  if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`scan: ${here} of ${files.length} files on the main thread, ${threads.length} workers\n`);
  // Files handed back for parsing, and any a dead worker had taken and not reported.
  const missing = files.map((_, i) => i).filter((i) => results[i] === undefined);
  if (missing.length) {
    // The workers are gone: the counter of files taken can start over on the subset.
    Atomics.store(counters, NEXT, 0);
    const subset = missing.map((i) => files[i]);
    await drain(subset, opts.regexOnly, counters, (r) => keep({ ...r, index: missing[r.index], answer: { ...r.answer, id: missing[r.index] } }), { tick });
  }
  return { results, workers: threads.length };
}

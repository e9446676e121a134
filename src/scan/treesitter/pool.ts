// Spreads tree-sitter work over Workers (each with its own wasm instance); 0 workers, or a
// Worker that fails to start, falls back to parsing on this thread.
import type { Grammar } from "../languages.ts";
import type { RawFinding } from "../types.ts";
import { analyzeSource } from "./analyze.ts";
import type { ParseAnswer, ParseJob } from "./job.ts";

export interface AnalyzerPool {
  analyze(text: string, grammar: Grammar, language: string): Promise<RawFinding[]>;
  close(): void;
  /** How many workers are running (0 = inline). */
  readonly size: number;
}

export function createInlinePool(): AnalyzerPool {
  return {
    size: 0,
    analyze: (text, grammar, language) => analyzeSource(text, grammar, language),
    close() {},
  };
}

/** The worker entry; it must also be an entry point of the compiled build (scripts/build.ts). */
function startWorker(): Worker {
  // In the compiled binary the entry sits in the embedded file system under its path below src/.
  if (import.meta.url.includes("$bunfs")) return new Worker("/$bunfs/root/scan/treesitter/worker.js");
  return new Worker(new URL("./worker.ts", import.meta.url).href);
}

export function createAnalyzerPool(workers: number): AnalyzerPool {
  if (workers <= 0 || typeof Worker === "undefined") return createInlinePool();
  const inline = createInlinePool();
  const threads: Array<{ w: Worker; busy: number }> = [];
  const waiting = new Map<number, { resolve: (f: RawFinding[]) => void; reject: (e: Error) => void; job: ParseJob; t: (typeof threads)[number] }>();
  let nextId = 1;
  let broken = false;
  const failAll = (why: string) => {
    broken = true;
    // Re-run whatever was in flight on this thread rather than losing it.
    for (const [id, p] of waiting) {
      waiting.delete(id);
      inline.analyze(p.job.text, p.job.grammar, p.job.language).then(p.resolve, p.reject);
    }
    for (const t of threads) t.w.terminate();
    threads.length = 0;
    if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`scan: parser workers unavailable (${why}); parsing inline\n`);
  };
  // Started on the first parse job: a tree with nothing to parse costs no thread.
  let started = false;
  const start = () => {
    started = true;
    try {
      for (let i = 0; i < workers; i++) {
        const w = startWorker();
        const t = { w, busy: 0 };
        w.onmessage = (ev: MessageEvent<ParseAnswer>) => {
          const p = waiting.get(ev.data.id);
          if (!p) return;
          waiting.delete(ev.data.id);
          p.t.busy--;
          if (ev.data.error) p.reject(new Error(ev.data.error));
          else p.resolve(ev.data.findings);
        };
        w.onerror = (ev) => failAll(ev.message);
        threads.push(t);
      }
    } catch {
      failAll("worker failed to start");
    }
  };
  return {
    get size() {
      return threads.length;
    },
    analyze(text, grammar, language) {
      if (!started) start();
      if (broken || threads.length === 0) return inline.analyze(text, grammar, language);
      const t = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
      const job: ParseJob = { id: nextId++, text, grammar, language };
      return new Promise((resolve, reject) => {
        waiting.set(job.id, { resolve, reject, job, t });
        t.busy++;
        t.w.postMessage(job);
      });
    },
    close() {
      for (const t of threads) t.w.terminate();
      threads.length = 0;
    },
  };
}

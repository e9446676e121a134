// Spreads the per-file work (regex pass and tree-sitter) over Workers; 0 workers, or Workers
// that fail to start, run it on this thread instead.
import { scanFile, type FileAnswer, type FileJob } from "../file-scan.ts";

export interface ScanPool {
  /** `reload` re-reads the file if a worker dies with it (its bytes were transferred away). */
  scan(rel: string, bytes: Uint8Array, regexOnly: boolean, reload: () => Promise<Uint8Array>): Promise<FileAnswer>;
  close(): void;
  /** Worker threads running (0 = inline). */
  readonly size: number;
}

/** The worker entry; it must also be an entry point of the compiled build (scripts/build.ts). */
function startWorker(): Worker {
  // In the compiled binary the entry sits in the embedded file system under its path below src/.
  if (import.meta.url.includes("$bunfs")) return new Worker("/$bunfs/root/scan/treesitter/worker.js");
  return new Worker(new URL("./worker.ts", import.meta.url).href);
}

export function createScanPool(workers: number): ScanPool {
  let nextId = 1;
  const inline = (rel: string, bytes: Uint8Array, regexOnly: boolean) => scanFile({ id: nextId++, rel, bytes, regexOnly });
  if (workers <= 0 || typeof Worker === "undefined") return { size: 0, scan: inline, close() {} };

  const threads: Array<{ w: Worker; busy: number }> = [];
  const waiting = new Map<number, { resolve: (a: FileAnswer) => void; job: Omit<FileJob, "bytes">; reload: () => Promise<Uint8Array>; t: (typeof threads)[number] }>();
  let broken = false;
  let started = false;
  const failAll = (why: string) => {
    broken = true;
    for (const t of threads) t.w.terminate();
    threads.length = 0;
    // Jobs in flight were transferred away; re-read and run them here.
    for (const [id, p] of waiting) {
      waiting.delete(id);
      p.reload()
        .then((bytes) => scanFile({ ...p.job, bytes }))
        .then(p.resolve, (err: Error) => p.resolve({ id, findings: [], parsed: false, skipped: `unreadable: ${err.message}` }));
    }
    if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`scan: workers unavailable (${why}); scanning inline\n`);
  };
  // Started on the first job: an empty tree costs no thread.
  const start = () => {
    started = true;
    try {
      for (let i = 0; i < workers; i++) {
        const w = startWorker();
        const t = { w, busy: 0 };
        w.onmessage = (ev: MessageEvent<FileAnswer>) => {
          const p = waiting.get(ev.data.id);
          if (!p) return;
          waiting.delete(ev.data.id);
          p.t.busy--;
          p.resolve(ev.data);
        };
        w.onerror = (ev) => failAll(ev.message);
        threads.push(t);
      }
    } catch (err) {
      failAll((err as Error)?.message ?? "worker failed to start");
    }
  };
  return {
    get size() {
      return threads.length;
    },
    scan(rel, bytes, regexOnly, reload) {
      if (!started) start();
      if (broken || threads.length === 0) return inline(rel, bytes, regexOnly);
      const t = threads.reduce((a, b) => (b.busy < a.busy ? b : a));
      const job: FileJob = { id: nextId++, rel, bytes, regexOnly };
      return new Promise((resolve) => {
        waiting.set(job.id, { resolve, job: { id: job.id, rel, regexOnly }, reload, t });
        t.busy++;
        t.w.postMessage(job, [bytes.buffer as ArrayBuffer]);
      });
    },
    close() {
      for (const t of threads) t.w.terminate();
      threads.length = 0;
    },
  };
}

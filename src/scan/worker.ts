// Worker entry of the scan pool: takes files from the shared counter until none is left and
// reports results in batches (one message per file would cost more than a small file's scan).
import { drain, type FileResult, type WorkerMessage, type WorkerStart } from "./pool.ts";

declare const self: Worker;

const batchSize = 128;

self.onmessage = async (ev: MessageEvent<WorkerStart>) => {
  const { files, regexOnly, counters } = ev.data;
  let batch: FileResult[] = [];
  const flush = () => {
    if (!batch.length) return;
    self.postMessage({ type: "results", results: batch } satisfies WorkerMessage);
    batch = [];
  };
  try {
    await drain(
      files,
      regexOnly,
      new Int32Array(counters),
      (r) => {
        batch.push(r);
        if (batch.length >= batchSize) flush();
      },
      { deferParse: true },
    );
  } finally {
    flush();
    self.postMessage({ type: "finished" } satisfies WorkerMessage);
  }
};

import type { AlertEvent, TrustRunEvent } from "../core/types.ts";
import type { Store } from "./index.ts";

export interface EventWriterOptions {
  /** How long an event may wait before it is written; bounds what a SIGKILL can lose. */
  flushMs?: number;
  maxBatch?: number;
  /** Called with each batch after it is committed: events are stored before anything shows them. */
  onWritten?: (events: TrustRunEvent[]) => void;
  onError?: (err: Error) => void;
}

/** Batches events into one transaction per flush. */
export function createEventWriter(store: Store, opts: EventWriterOptions = {}) {
  const flushMs = opts.flushMs ?? 50;
  const maxBatch = opts.maxBatch ?? 1000;
  let queue: TrustRunEvent[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  let written = 0;

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (!queue.length) return;
    const batch = queue;
    queue = [];
    try {
      store.appendEvents(batch);
      const alerts = batch.filter((e): e is AlertEvent => e.type === "alert");
      store.appendAlerts(alerts);
      written += batch.length;
    } catch (err) {
      opts.onError?.(err as Error);
    }
    // Shown even if the write failed: losing the display as well would hide the problem.
    opts.onWritten?.(batch);
  }

  return {
    write(event: TrustRunEvent): void {
      queue.push(event);
      if (queue.length >= maxBatch) flush();
      else if (!timer) timer = setTimeout(flush, flushMs);
    },
    flush,
    get written() {
      return written;
    },
    get pending() {
      return queue.length;
    },
  };
}

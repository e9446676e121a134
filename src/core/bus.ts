import type { TrustRunEvent } from "./types.ts";

type Listener<T> = (event: T) => void;

/** A typed synchronous event bus. A throwing listener never stops delivery to the others. */
export function createBus<T = TrustRunEvent>() {
  const listeners = new Set<Listener<T>>();
  return {
    subscribe(listener: Listener<T>): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    publish(event: T): void {
      for (const listener of listeners) {
        try {
          listener(event);
        } catch (err) {
          process.stderr.write(`trustrun: event listener failed: ${(err as Error).message}\n`);
        }
      }
    },
    get size() {
      return listeners.size;
    },
  };
}

export type Bus<T = TrustRunEvent> = ReturnType<typeof createBus<T>>;

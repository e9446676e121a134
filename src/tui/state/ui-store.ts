// State that changes outside React (open questions, whether the target still runs), with a
// subscribe/getSnapshot pair for useSyncExternalStore.
import type { PromptRequest } from "../../core/types.ts";

export interface ControlState {
  prompts: PromptRequest[];
  /** undefined while the target runs; its exit code (or null) once it has exited. */
  targetExit: number | null | undefined;
  /** A line shown under the header until replaced (e.g. the last answer). */
  status: string | null;
}

export function createControlStore(initial: ControlState = { prompts: [], targetExit: undefined, status: null }) {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: (): ControlState => state,
    set(update: (s: ControlState) => ControlState): void {
      const next = update(state);
      if (next === state) return;
      state = next;
      for (const l of listeners) l();
    },
    subscribe(listener: () => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

export type ControlStore = ReturnType<typeof createControlStore>;

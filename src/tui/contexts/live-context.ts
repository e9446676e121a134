// Read-only state for the components: the flushed snapshot and the control state.
import { createContext, useContext } from "react";
import type { LiveCounts, LiveSnapshot } from "../state/live-model.ts";
import type { ControlState } from "../state/ui-store.ts";
import type { ProcessLookup } from "../state/detail.ts";

export interface LiveContextValue {
  /** What the lists show (held while paused). */
  snap: LiveSnapshot;
  /** What the header counts: always current, paused or not. */
  counts: LiveCounts;
  control: ControlState;
  now: number;
  mode: "run" | "watch";
  learn: boolean;
  /** Connections that arrived while paused (not in the lists yet). */
  behind: number;
  lookup?: ProcessLookup;
  timeoutAction: string;
}

export const LiveContext = createContext<LiveContextValue | null>(null);

export function useLive(): LiveContextValue {
  const v = useContext(LiveContext);
  if (!v) throw new Error("useLive outside LiveContext");
  return v;
}

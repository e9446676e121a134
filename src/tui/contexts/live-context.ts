// Read-only state for the components: the flushed snapshot and the control state.
import { createContext, useContext } from "react";
import type { LiveSnapshot } from "../state/live-model.ts";
import type { ControlState } from "../state/ui-store.ts";
import type { ProcessLookup } from "../state/detail.ts";

export interface LiveContextValue {
  snap: LiveSnapshot;
  control: ControlState;
  now: number;
  mode: "run" | "watch";
  learn: boolean;
  /** Events that arrived while paused (not on screen yet). */
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

// Wires the live model and the control store into the contexts the screen reads.
import { useMemo, useReducer } from "react";
import { ActionsContext, type TuiActions } from "../contexts/actions-context.ts";
import { LiveContext, type LiveContextValue } from "../contexts/live-context.ts";
import { useControl } from "../hooks/use-control.ts";
import { useFlushedSnapshot } from "../hooks/use-flushed-snapshot.ts";
import { useNow } from "../hooks/use-now.ts";
import type { LiveModel } from "../state/live-model.ts";
import type { ControlStore } from "../state/ui-store.ts";
import type { ProcessLookup } from "../state/detail.ts";
import { initialUi, uiReducer, type UiState } from "../state/ui.ts";
import { Screen } from "./Screen.tsx";

export interface TuiRootProps {
  model: LiveModel;
  control: ControlStore;
  actions: TuiActions;
  mode: "run" | "watch";
  learn: boolean;
  flushHz?: number;
  lookup?: ProcessLookup;
  timeoutAction?: string;
  clock?: () => number;
  initialUi?: UiState;
}

export function TuiRoot(p: TuiRootProps) {
  const [ui, dispatch] = useReducer(uiReducer, p.initialUi ?? initialUi);
  const { snap, counts, behind } = useFlushedSnapshot(p.model, p.flushHz ?? 8, ui.paused);
  const control = useControl(p.control);
  const now = useNow(500, p.clock);
  const live: LiveContextValue = useMemo(
    () => ({ snap, counts, control, now, mode: p.mode, learn: p.learn, behind, lookup: p.lookup, timeoutAction: p.timeoutAction ?? "the policy default" }),
    [snap, counts, control, now, p.mode, p.learn, behind, p.lookup, p.timeoutAction],
  );
  return (
    <ActionsContext.Provider value={p.actions}>
      <LiveContext.Provider value={live}>
        <Screen ui={ui} dispatch={dispatch} />
      </LiveContext.Provider>
    </ActionsContext.Provider>
  );
}

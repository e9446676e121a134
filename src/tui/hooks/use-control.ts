import { useSyncExternalStore } from "react";
import type { ControlState, ControlStore } from "../state/ui-store.ts";

export function useControl(store: ControlStore): ControlState {
  return useSyncExternalStore(store.subscribe, store.get, store.get);
}

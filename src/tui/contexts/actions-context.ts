// What the UI can do to the world: answer the open question, leave, stop the target.
import { createContext, useContext } from "react";
import type { PromptAnswer } from "../../core/types.ts";

export type TuiExitReason = "quit" | "stop-target" | "detach" | "signal";

export interface TuiActions {
  answer(answer: PromptAnswer): void;
  exit(reason: TuiExitReason): void;
}

export const ActionsContext = createContext<TuiActions | null>(null);

export function useActions(): TuiActions {
  const v = useContext(ActionsContext);
  if (!v) throw new Error("useActions outside ActionsContext");
  return v;
}

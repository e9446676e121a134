// What the user is looking at (view, filter, selection, open panels): a plain reducer.
import { nextVerdictFilter, noFilter, type RowFilter } from "./filter.ts";

export type View = "connections" | "destinations" | "alerts" | "output";
export const views: View[] = ["connections", "destinations", "alerts", "output"];

export interface UiState {
  view: View;
  paused: boolean;
  filter: RowFilter;
  editingFilter: boolean;
  draft: string;
  selected: string | null; // key of the selected row in the current view; null follows the tail
  detail: boolean;
  confirmQuit: boolean;
  help: boolean;
}

export const initialUi: UiState = {
  view: "connections", paused: false, filter: noFilter, editingFilter: false, draft: "",
  selected: null, detail: false, confirmQuit: false, help: false,
};

export type UiAction =
  | { type: "view"; view: View }
  | { type: "nextView" }
  | { type: "toggleGroup" }
  | { type: "togglePause" }
  | { type: "startFilter" }
  | { type: "draft"; text: string }
  | { type: "commitFilter" }
  | { type: "cancelFilter" }
  | { type: "cycleVerdict" }
  | { type: "clearFilter" }
  | { type: "select"; key: string | null }
  | { type: "openDetail" }
  | { type: "closeDetail" }
  | { type: "askQuit" }
  | { type: "cancelQuit" }
  | { type: "toggleHelp" };

export function uiReducer(s: UiState, a: UiAction): UiState {
  switch (a.type) {
    case "view":
      return a.view === s.view ? s : { ...s, view: a.view, selected: null, detail: false };
    case "nextView":
      return { ...s, view: views[(views.indexOf(s.view) + 1) % views.length], selected: null, detail: false };
    case "toggleGroup":
      return { ...s, view: s.view === "destinations" ? "connections" : "destinations", selected: null, detail: false };
    case "togglePause":
      return { ...s, paused: !s.paused };
    case "startFilter":
      return { ...s, editingFilter: true, draft: s.filter.text };
    case "draft":
      return { ...s, draft: a.text.slice(0, 200) };
    case "commitFilter":
      return { ...s, editingFilter: false, filter: { ...s.filter, text: s.draft }, selected: null };
    case "cancelFilter":
      return { ...s, editingFilter: false, draft: "" };
    case "cycleVerdict":
      return { ...s, filter: { ...s.filter, verdict: nextVerdictFilter(s.filter.verdict) }, selected: null };
    case "clearFilter":
      return { ...s, filter: noFilter, selected: null };
    case "select":
      return { ...s, selected: a.key, detail: a.key === null ? false : s.detail };
    case "openDetail":
      return s.selected === null || s.view === "output" ? s : { ...s, detail: true };
    case "closeDetail":
      return { ...s, detail: false };
    case "askQuit":
      return { ...s, confirmQuit: true };
    case "cancelQuit":
      return { ...s, confirmQuit: false };
    case "toggleHelp":
      return { ...s, help: !s.help };
  }
}

// Key presses to commands, decided in one pure function so every binding is testable.
import type { PromptAnswer } from "../../core/types.ts";
import type { UiAction, UiState } from "./ui.ts";

export interface KeyInfo {
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  home?: boolean;
  end?: boolean;
  return?: boolean;
  escape?: boolean;
  ctrl?: boolean;
  tab?: boolean;
  backspace?: boolean;
  delete?: boolean;
}

export type KeyCommand =
  | { kind: "ui"; action: UiAction }
  | { kind: "move"; delta: number | "home" | "end" | "pageUp" | "pageDown" }
  | { kind: "answer"; answer: PromptAnswer }
  | { kind: "quit" }
  | { kind: "confirmQuit"; stopTarget: boolean }
  | null;

const answerKeys: Record<string, PromptAnswer> = { a: "allow-once", A: "allow-always", d: "deny-once", D: "deny-always", k: "kill" };

export function keyToCommand(input: string, key: KeyInfo, ui: UiState, ctx: { promptOpen: boolean; mode: "run" | "watch"; targetAlive: boolean }): KeyCommand {
  if (key.ctrl && input === "c") return { kind: "quit" };
  if (ui.confirmQuit) {
    if (input === "y" || input === "Y") return { kind: "confirmQuit", stopTarget: true };
    if (input === "n" || input === "N") return { kind: "confirmQuit", stopTarget: false };
    if (key.escape || input === "c") return { kind: "ui", action: { type: "cancelQuit" } };
    return null;
  }
  if (ui.editingFilter) {
    if (key.return) return { kind: "ui", action: { type: "commitFilter" } };
    if (key.escape) return { kind: "ui", action: { type: "cancelFilter" } };
    if (key.backspace || key.delete) return { kind: "ui", action: { type: "draft", text: ui.draft.slice(0, -1) } };
    if (input && !key.ctrl && !key.tab && !/[\x00-\x1f\x7f]/.test(input)) return { kind: "ui", action: { type: "draft", text: ui.draft + input } };
    return null;
  }
  // An open question takes its letters first: a/A/d/D/k never mean anything else then.
  if (ctx.promptOpen && answerKeys[input]) return { kind: "answer", answer: answerKeys[input] };
  if (input === "q") return ctx.mode === "run" && ctx.targetAlive ? { kind: "ui", action: { type: "askQuit" } } : { kind: "quit" };
  if (key.escape) return ui.detail ? { kind: "ui", action: { type: "closeDetail" } } : ui.help ? { kind: "ui", action: { type: "toggleHelp" } } : { kind: "ui", action: { type: "select", key: null } };
  if (key.return) return { kind: "ui", action: ui.detail ? { type: "closeDetail" } : { type: "openDetail" } };
  if (key.upArrow) return { kind: "move", delta: -1 };
  if (key.downArrow) return { kind: "move", delta: 1 };
  if (key.pageUp) return { kind: "move", delta: "pageUp" };
  if (key.pageDown) return { kind: "move", delta: "pageDown" };
  if (key.home) return { kind: "move", delta: "home" };
  if (key.end) return { kind: "move", delta: "end" };
  if (key.tab) return { kind: "ui", action: { type: "nextView" } };
  switch (input) {
    case "1": return { kind: "ui", action: { type: "view", view: "connections" } };
    case "2": return { kind: "ui", action: { type: "view", view: "destinations" } };
    case "3": return { kind: "ui", action: { type: "view", view: "alerts" } };
    case "4":
    case "o": return { kind: "ui", action: { type: "view", view: "output" } };
    case "g": return { kind: "ui", action: { type: "toggleGroup" } };
    case "p":
    case " ": return { kind: "ui", action: { type: "togglePause" } };
    case "/": return { kind: "ui", action: { type: "startFilter" } };
    case "v": return { kind: "ui", action: { type: "cycleVerdict" } };
    case "c": return { kind: "ui", action: { type: "clearFilter" } };
    case "?":
    case "h": return { kind: "ui", action: { type: "toggleHelp" } };
  }
  return null;
}

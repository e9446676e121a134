import { Text } from "ink";
import type { UiState } from "../state/ui.ts";

export interface StatusBarProps {
  ui: UiState;
  status: string | null;
  interactive: boolean;
  mode: "run" | "watch";
  targetAlive: boolean;
  width: number;
}

/** The key legend, shortened to fit `room` columns: help and quit are always in it. */
export function keyLegend(ui: UiState, quit: string, shortQuit: string, room: number): string {
  const v = `v verdict:${ui.filter.verdict}`;
  const tiers = [
    `1 conns 2 dests 3 alerts 4 output  g group  p pause  / filter  ${v}  c clear  ↑↓ select  Enter detail  ? help  ${quit}`,
    `1-4 views  g group  p pause  / filter  ${v}  c clear  Enter detail  ? help  ${quit}`,
    `1-4 views  g group  p pause  / filter  ${v}  ? help  ${shortQuit}`,
    `1-4 views  p pause  / filter  ? help  ${shortQuit}`,
    `? help  ${shortQuit}`,
  ];
  return tiers.find((t) => t.length <= room) ?? tiers.at(-1)!;
}

export function StatusBar({ ui, status, interactive, mode, targetAlive, width }: StatusBarProps) {
  if (ui.confirmQuit) {
    const long = "Stop the command too? y: stop it (SIGTERM) and quit  n: leave it running, switch to plain text  Esc: stay";
    return (
      <Text wrap="truncate-end" color="yellow" bold>
        {long.length <= width ? long : "Stop the command too? y stop it  n keep it running  Esc stay"}
      </Text>
    );
  }
  if (ui.editingFilter) {
    return <Text wrap="truncate-end"><Text color="cyan">filter: </Text>{ui.draft}<Text inverse> </Text><Text dimColor>  Enter apply  Esc cancel</Text></Text>;
  }
  if (!interactive) return <Text dimColor wrap="truncate-end">keys unavailable: no terminal input</Text>;
  const shortQuit = mode === "run" && targetAlive ? "q quit…" : "q quit";
  const quit = mode === "watch" ? "q quit (the process keeps running)" : shortQuit;
  // The status (the last answer) takes up to half the line; the keys what is left.
  const keys = keyLegend(ui, quit, shortQuit, status ? width - Math.min(status.length + 2, Math.floor(width / 2)) : width);
  const room = Math.max(0, width - keys.length - 2);
  const shown = status && status.length > room ? `${status.slice(0, Math.max(0, room - 1))}…` : status;
  return (
    <Text wrap="truncate-end">
      {shown ? <Text color="cyan">{shown}  </Text> : null}
      <Text dimColor>{keys}</Text>
    </Text>
  );
}

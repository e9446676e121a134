import { Text } from "ink";
import type { UiState } from "../state/ui.ts";

export interface StatusBarProps {
  ui: UiState;
  status: string | null;
  interactive: boolean;
  mode: "run" | "watch";
  targetAlive: boolean;
}

export function StatusBar({ ui, status, interactive, mode, targetAlive }: StatusBarProps) {
  if (ui.confirmQuit) {
    return (
      <Text wrap="truncate-end" color="yellow" bold>
        Stop the command too? y: stop it (SIGTERM) and quit  n: leave it running, switch to plain text  Esc: stay
      </Text>
    );
  }
  if (ui.editingFilter) {
    return <Text wrap="truncate-end"><Text color="cyan">filter: </Text>{ui.draft}<Text inverse> </Text><Text dimColor>  Enter apply  Esc cancel</Text></Text>;
  }
  if (!interactive) return <Text dimColor>keys unavailable: no terminal input</Text>;
  const quit = mode === "watch" ? "q quit (the process keeps running)" : targetAlive ? "q quit…" : "q quit";
  return (
    <Text wrap="truncate-end">
      {status ? <Text color="cyan">{status}  </Text> : null}
      <Text dimColor>
        1 conns 2 dests 3 alerts 4 output  g group  p pause  / filter  v verdict:{ui.filter.verdict}  c clear  ↑↓ select  Enter detail  ? help  {quit}
      </Text>
    </Text>
  );
}

import { Box, Text } from "ink";
import type { OutputLine } from "../state/live-model.ts";

/** The command's own output (run under the screen): the newest lines, or the window moved to. */
export function OutputView({ lines, selectedSeq, width, height, total, note }: {
  lines: OutputLine[];
  selectedSeq: number | null;
  width: number;
  height: number;
  total: number;
  note: string;
}) {
  return (
    <Box flexDirection="column" height={height + 1}>
      <Text bold wrap="truncate-end">OUTPUT <Text dimColor>{note}</Text></Text>
      {lines.length === 0 ? <Text dimColor>{total === 0 ? "nothing written yet" : ""}</Text> : null}
      {lines.map((l) => (
        <Text key={l.seq} inverse={l.seq === selectedSeq} wrap="truncate-end">
          {l.text.slice(0, Math.max(1, width))}
        </Text>
      ))}
    </Box>
  );
}

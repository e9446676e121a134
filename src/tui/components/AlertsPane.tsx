import { Box, Text } from "ink";
import type { AlertRow } from "../state/live-model.ts";
import { cell, clock, severityColor } from "../state/format.ts";

export interface AlertsPaneProps {
  alerts: AlertRow[]; // only the visible ones, oldest first
  selectedSeq: number | null;
  width: number;
  total: number;
  title?: boolean;
}

export function AlertsPane({ alerts, selectedSeq, width, total, title = true }: AlertsPaneProps) {
  const msg = Math.max(20, Math.floor((width - 20) * 0.55));
  return (
    <Box flexDirection="column" width={width}>
      {title ? <Text bold wrap="truncate-end">ALERTS ({total})</Text> : null}
      {alerts.length === 0 ? <Text dimColor>no policy violations</Text> : null}
      {alerts.map((a) => (
        <Text key={a.seq} wrap="truncate-end" inverse={a.seq === selectedSeq}>
          {cell(clock(a.ev.ts), 8)} <Text color={severityColor[a.ev.severity]} bold>{cell(a.ev.severity, 8)}</Text> {cell(a.ev.message, msg)} <Text dimColor>→ {a.ev.suggestion}</Text>
        </Text>
      ))}
    </Box>
  );
}

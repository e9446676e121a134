import { Box, Text } from "ink";
import type { ConnectionRow } from "../state/live-model.ts";
import { processName } from "../state/destinations.ts";
import { cell, clock, destinationText, verdictColor } from "../state/format.ts";

export interface ConnectionsTableProps {
  rows: ConnectionRow[]; // only the visible ones
  selectedSeq: number | null;
  width: number;
  height: number;
  total: number;
  filterLabel: string | null;
}

export function connectionColumns(width: number) {
  const fixed = 8 + 1 + 7 + 1 + 14 + 1 + 5 + 1 + 7 + 1;
  const rest = Math.max(20, width - fixed);
  const dest = Math.max(16, Math.floor(rest * 0.6));
  return { dest, rule: Math.max(4, rest - dest - 1) };
}

export function ConnectionsTable({ rows, selectedSeq, width, height, total, filterLabel }: ConnectionsTableProps) {
  const c = connectionColumns(width);
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text bold wrap="truncate-end">
        {cell("TIME", 8)} {cell("PID", 7, "right")} {cell("PROCESS", 14)} {cell("DESTINATION", c.dest)} {cell("FROM", 5)} {cell("VERDICT", 7)} {cell(`RULE${filterLabel ? `  [${filterLabel}: ${total}]` : ""}`, c.rule)}
      </Text>
      {rows.length === 0 ? <Text dimColor>{filterLabel ? "no connection matches the filter" : "no connections yet"}</Text> : null}
      {rows.map((r) => {
        const ev = r.ev;
        const dest = destinationText(ev);
        const selected = r.seq === selectedSeq;
        return (
          <Text key={r.seq} wrap="truncate-end" inverse={selected}>
            {cell(clock(ev.ts), 8)} {cell(String(ev.pid), 7, "right")} {cell(processName(ev.exe, ev.argv), 14)} {cell(dest, c.dest)} {cell(ev.hostSource ?? "ip", 5)}{" "}
            <Text color={verdictColor[ev.verdict]} bold={ev.verdict !== "allow"}>{cell(ev.verdict, 7)}</Text> {cell(ev.rule ?? "default", c.rule)}
          </Text>
        );
      })}
    </Box>
  );
}

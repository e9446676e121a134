import { Box, Text } from "ink";
import type { DestinationStat } from "../state/destinations.ts";
import { cell, clock, verdictColor } from "../state/format.ts";

export interface DestinationsViewProps {
  rows: DestinationStat[]; // only the visible ones
  selectedKey: string | null;
  width: number;
  height: number;
  total: number;
}

export function DestinationsView({ rows, selectedKey, width, height, total }: DestinationsViewProps) {
  const fixed = 7 + 1 + 8 + 1 + 8 + 1 + 7 + 1;
  const rest = Math.max(20, width - fixed);
  const dest = Math.max(16, Math.floor(rest * 0.55));
  const procs = Math.max(4, rest - dest - 1);
  return (
    <Box flexDirection="column" width={width} height={height + 1}>
      <Text bold wrap="truncate-end">
        {cell(`DESTINATION (${total})`, dest)} {cell("COUNT", 7, "right")} {cell("FIRST", 8)} {cell("LAST", 8)} {cell("VERDICT", 7)} {cell("PROCESSES", procs)}
      </Text>
      {rows.length === 0 ? <Text dimColor>no destinations yet</Text> : null}
      {rows.map((d) => (
        <Text key={d.key} wrap="truncate-end" inverse={d.key === selectedKey}>
          {cell(`${d.host ?? d.ip}:${d.port}/${d.proto}`, dest)} {cell(String(d.count), 7, "right")} {cell(clock(d.firstSeen), 8)} {cell(clock(d.lastSeen), 8)}{" "}
          <Text color={verdictColor[d.verdict]} bold={d.verdict !== "allow"}>{cell(d.verdict, 7)}</Text> {cell(d.processes.join(","), procs)}
        </Text>
      ))}
    </Box>
  );
}

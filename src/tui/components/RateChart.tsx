import { Box, Text } from "ink";
import type { RateSeries } from "../state/rate.ts";
import { sparkline } from "../state/sparkline.ts";

export function RateChart({ rate, width }: { rate: RateSeries; width: number }) {
  const w = Math.max(10, Math.min(rate.connections.length, width - 24));
  const max = Math.max(0, ...rate.connections.slice(-w));
  const now = rate.connections.at(-1) ?? 0;
  const vNow = rate.violations.at(-1) ?? 0;
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text dimColor>{"conn/s".padEnd(11)}</Text><Text color="cyan">{sparkline(rate.connections, w, max)}</Text>
        <Text> {now} (max {max})</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>{"violations".padEnd(11)}</Text><Text color="red">{sparkline(rate.violations, w, max)}</Text>
        <Text> {vNow}</Text>
      </Text>
    </Box>
  );
}

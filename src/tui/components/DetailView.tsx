import { Box, Text } from "ink";

export function DetailView({ title, lines, width }: { title: string; lines: Array<[string, string]>; width: number }) {
  const label = Math.min(16, Math.max(...lines.map(([k]) => k.length)) + 1);
  return (
    <Box flexDirection="column" borderStyle="single" width={width} paddingX={1} flexShrink={0}>
      <Box flexShrink={0}><Text bold>{title}  <Text dimColor>(Enter/Esc closes)</Text></Text></Box>
      {lines.map(([k, v]) => (
        <Box key={k} flexShrink={0}>
          <Text wrap="wrap">
            <Text dimColor>{k.padEnd(label)}</Text>{v}
          </Text>
        </Box>
      ))}
    </Box>
  );
}

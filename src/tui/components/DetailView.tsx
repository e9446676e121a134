import { Box, Text } from "ink";

export function DetailView({ title, lines, width }: { title: string; lines: Array<[string, string]>; width: number }) {
  const label = Math.min(16, Math.max(...lines.map(([k]) => k.length)) + 1);
  return (
    <Box flexDirection="column" borderStyle="single" width={width} paddingX={1}>
      <Text bold>{title}  <Text dimColor>(Enter/Esc closes)</Text></Text>
      {lines.map(([k, v]) => (
        <Text key={k} wrap="wrap">
          <Text dimColor>{k.padEnd(label)}</Text>{v}
        </Text>
      ))}
    </Box>
  );
}

import { Box, Text } from "ink";

// Short enough for an 80-column terminal with a question open (one line each, 14 lines in all).
const lines: Array<[string, string]> = [
  ["1 2 3 4, Tab", "connections, destinations, alerts, the command's output (o)"],
  ["g", "group by destination (toggles connections / destinations)"],
  ["p, Space", "pause / resume the lists (the header's counts keep running)"],
  ["/", "filter by text: host, IP:port, process, pid, rule"],
  ["v", "verdict filter: all, violations, allow, alert, block, kill"],
  ["c", "clear filters"],
  ["↑↓ PgUp PgDn", "select a row; Home the first, End follows the newest again"],
  ["Enter", "details of the row: argv, parent chain, rule and reason"],
  ["a A d D k", "answer: allow once, always, deny once, always, kill the tree"],
  ["q", "quit (under run, while the command runs: asks to stop it)"],
  ["Ctrl-C", "quit at once (under run: interrupts the command, SIGINT)"],
];

export function HelpView({ width }: { width: number }) {
  const keyWidth = Math.min(14, Math.max(8, Math.floor((width - 4) / 3)));
  return (
    <Box flexDirection="column" borderStyle="single" width={width} paddingX={1} flexShrink={0}>
      <Box flexShrink={0}><Text bold wrap="truncate-end">Keys  <Text dimColor>(? or Esc closes)</Text></Text></Box>
      {lines.map(([k, v]) => (
        <Box key={k} flexShrink={0}>
          <Box width={keyWidth} flexShrink={0}><Text color="cyan" wrap="truncate-end">{k}</Text></Box>
          <Text wrap="wrap">{v}</Text>
        </Box>
      ))}
    </Box>
  );
}

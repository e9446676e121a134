import { Box, Text } from "ink";

const lines: Array<[string, string]> = [
  ["1 2 3 4, Tab", "connections, destinations, alerts, the command's output (also o)"],
  ["g", "group by destination (toggle connections / destinations)"],
  ["p, Space", "pause / resume the lists (the header's counts keep running)"],
  ["/", "filter by text (host, IP:port, process, pid, rule)"],
  ["v", "cycle the verdict filter: all, violations, allow, alert, block, kill"],
  ["c", "clear filters"],
  ["↑ ↓ PgUp PgDn Home End", "select a row (End follows the newest again)"],
  ["Enter", "details of the selected row: argv, parent chain, rule and reason"],
  ["a A d D k", "answer the open question: allow once, always, deny once, always, kill the tree"],
  ["q", "quit (under run, while the command runs: asks whether to stop it)"],
  ["Ctrl-C", "quit at once (under run: interrupts the command with SIGINT)"],
];

export function HelpView({ width }: { width: number }) {
  return (
    <Box flexDirection="column" borderStyle="single" width={width} paddingX={1}>
      <Text bold>Keys  <Text dimColor>(? or Esc closes)</Text></Text>
      {lines.map(([k, v]) => (
        <Text key={k}>
          <Text color="cyan">{k.padEnd(24)}</Text>{v}
        </Text>
      ))}
    </Box>
  );
}

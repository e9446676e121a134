import { Box, Text } from "ink";
import type { SessionEvent } from "../../core/types.ts";
import { elapsed } from "../state/format.ts";

export interface HeaderProps {
  session: SessionEvent | null;
  ended: SessionEvent | null;
  connections: number;
  destinations: number;
  violations: number;
  now: number;
  mode: "run" | "watch";
  learn: boolean;
  paused: boolean;
  behind: number;
  targetExit: number | null | undefined;
  width: number;
}

export function Header(p: HeaderProps) {
  const s = p.session;
  const target = s?.target.argv?.join(" ") ?? (s?.target.pid ? `pid ${s.target.pid}` : "starting…");
  const probes = s?.probes.map((x) => (x.note ? `${x.name}✗` : x.name)).join(",") ?? "-";
  const since = s ? elapsed((p.ended?.ts ?? p.now) - s.ts) : "0:00";
  const state = p.targetExit !== undefined ? `exited ${p.targetExit ?? "?"}` : p.mode === "watch" ? "watching" : "running";
  return (
    <Box flexDirection="column" width={p.width}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">trustrun {p.mode}</Text>
        <Text color={p.targetExit !== undefined ? "yellow" : undefined} dimColor={p.targetExit === undefined}> [{state}]</Text>
        {s?.target.pid ? <Text dimColor> pid {s.target.pid}</Text> : null}
        <Text> {target}</Text>
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>session </Text><Text>{s?.session ?? "-"}</Text>
        <Text dimColor>  policy </Text><Text>{s?.policy ?? "-"}</Text>
        {p.learn ? <Text color="yellow"> (learning)</Text> : null}
        <Text dimColor>  probes </Text><Text>{probes}</Text>
        {s ? (s.complete ? <Text color="green"> complete</Text> : <Text color="yellow"> polling: may miss short connections</Text>) : null}
      </Text>
      <Text wrap="truncate-end">
        <Text dimColor>connections </Text><Text bold>{p.connections}</Text>
        <Text dimColor>  destinations </Text><Text bold>{p.destinations}</Text>
        <Text dimColor>  violations </Text><Text bold color={p.violations ? "red" : "green"}>{p.violations}</Text>
        <Text dimColor>  elapsed </Text><Text>{since}</Text>
        {p.paused ? <Text color="yellow" bold>  PAUSED{p.behind ? ` (${p.behind} new)` : ""}</Text> : null}
      </Text>
    </Box>
  );
}

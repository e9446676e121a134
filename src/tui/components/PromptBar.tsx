import { Box, Text } from "ink";
import type { PromptRequest } from "../../core/types.ts";
import { describeProcess, destinationLabel } from "../state/learned.ts";
import { secondsLeft } from "../state/prompts.ts";

export interface PromptBarProps {
  req: PromptRequest;
  queued: number;
  now: number;
  width: number;
  timeoutAction: string;
}

// The keys, in three lengths: as much as the box has room for.
const LEGEND_LONG = "a allow once  A always  d deny once  D always deny  k kill tree";
const LEGEND_SHORT = "a allow A always d deny D always deny k kill";

/**
 * The question's text, and whether it fits one line with its countdown. When it does not, the
 * countdown gets a line of its own: cutting the question (the process first) never hides what
 * happens at the deadline.
 */
export function promptLayout({ req, queued, now, width, timeoutAction }: PromptBarProps) {
  const inner = Math.max(1, width - 4); // round border and one column of padding on each side
  const left = secondsLeft(req, now);
  const dest = `Allow ${destinationLabel(req)}`;
  const who = `${req.proto === "udp" ? "/udp" : ""} for ${describeProcess(req)}?`;
  const question = dest + who;
  const waiting = queued > 0 ? `(+${queued} waiting)` : "";
  // Measured as if two digits were left, so the box does not change height as the seconds tick down.
  const countdownWidth = `${Math.max(left, 10)}s, then ${timeoutAction}`.length + (waiting ? 2 + waiting.length : 0);
  const oneLine = question.length + 2 + countdownWidth <= inner;
  return { left, dest, who, waiting, oneLine, longLegend: LEGEND_LONG.length <= inner, shortLegend: LEGEND_SHORT.length <= inner, height: 2 + (oneLine ? 1 : 2) + 1 };
}

export function PromptBar(p: PromptBarProps) {
  const { req, timeoutAction } = p;
  const l = promptLayout(p);
  const countdown = (
    <>
      <Text dimColor>{l.oneLine ? "  " : ""}{l.left}s, then {timeoutAction}</Text>
      {l.waiting ? <Text color="yellow">  {l.waiting}</Text> : null}
    </>
  );
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" width={p.width} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold color="yellow">{l.dest}</Text>
        <Text bold>{l.who}</Text>
        {l.oneLine ? countdown : null}
      </Text>
      {l.oneLine ? null : <Text wrap="truncate-end">{countdown}</Text>}
      {l.longLegend ? (
        <Text wrap="truncate-end">
          <Text color="green" bold>a</Text> allow once  <Text color="green" bold>A</Text> always  <Text color="red" bold>d</Text> deny once  <Text color="red" bold>D</Text> always deny  <Text color="magenta" bold>k</Text> kill tree
          {req.argv?.length ? <Text dimColor>   {req.argv.join(" ")}</Text> : null}
        </Text>
      ) : l.shortLegend ? (
        <Text wrap="truncate-end">
          <Text color="green" bold>a</Text> allow <Text color="green" bold>A</Text> always <Text color="red" bold>d</Text> deny <Text color="red" bold>D</Text> always deny <Text color="magenta" bold>k</Text> kill
        </Text>
      ) : (
        <Text wrap="truncate-end">
          <Text color="green" bold>a</Text>/<Text color="green" bold>A</Text> allow  <Text color="red" bold>d</Text>/<Text color="red" bold>D</Text> deny  <Text color="magenta" bold>k</Text> kill
        </Text>
      )}
    </Box>
  );
}

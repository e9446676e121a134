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

export function PromptBar({ req, queued, now, width, timeoutAction }: PromptBarProps) {
  const left = secondsLeft(req, now);
  return (
    <Box flexDirection="column" borderStyle="round" borderColor="yellow" width={width} paddingX={1}>
      <Text wrap="truncate-end">
        <Text bold color="yellow">Allow {destinationLabel(req)}</Text>
        <Text bold>{req.proto === "udp" ? "/udp" : ""} for {describeProcess(req)}?</Text>
        <Text dimColor>  {left}s, then {timeoutAction}</Text>
        {queued > 0 ? <Text color="yellow">  (+{queued} waiting)</Text> : null}
      </Text>
      <Text wrap="truncate-end">
        <Text color="green" bold>a</Text> allow once  <Text color="green" bold>A</Text> always  <Text color="red" bold>d</Text> deny once  <Text color="red" bold>D</Text> always deny  <Text color="magenta" bold>k</Text> kill the process tree
        {req.argv?.length ? <Text dimColor>   {req.argv.join(" ")}</Text> : null}
      </Text>
    </Box>
  );
}

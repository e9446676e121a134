import type { OptionSpec, ParsedArgs } from "../command.ts";
import { flag, list, oneOf, str, UsageError } from "../command.ts";
import { policyOptionSpecs } from "./policy.ts";
import { probeNames } from "../../capture/probe-names.ts";
import type { OutputMode } from "../output/sink.ts";

/** Options `run` and `watch` share, declared once so both explain them the same way. */
export const monitorOptionSpecs: Record<string, OptionSpec> = {
  ...policyOptionSpecs,
  probe: { type: "string", multiple: true, arg: "NAME", description: `Capture probe: ${probeNames.join(", ")} (default auto: the best set for your privileges)` },
  output: { type: "string", short: "o", arg: "MODE", description: "tui, text or ndjson (default: tui on a terminal, text otherwise)" },
  log: { type: "string", arg: "FILE", description: "Append every event as NDJSON to FILE" },
  db: { type: "string", arg: "PATH", description: "SQLite database (default $TRUSTRUN_HOME/trustrun.db, ~/.trustrun)" },
  "fail-on-violation": { type: "boolean", description: "Exit 3 when any connection was not allowed (for CI)" },
  learn: {
    type: "boolean",
    description: "Learning mode: on a terminal, ask allow/deny for each destination no rule covers; otherwise record every destination and write a proposed policy",
  },
  "learn-output": {
    type: "string",
    arg: "FILE",
    description: "Where learning writes: 'always' answers (default: the first --policy file, else ./trustrun.yaml); without a terminal, the proposed policy (default ./trustrun-proposed-SESSION.yaml)",
  },
  "prompt-timeout": { type: "string", arg: "SECONDS", description: "How long a learning question waits before the policy default applies (default 30)" },
};

export interface MonitorArgs {
  probes: string[];
  output: OutputMode;
  logFile?: string;
  dbPath?: string;
  failOnViolation: boolean;
  learn: boolean;
  learnOutput?: string;
  promptTimeoutMs: number;
}

export function monitorArgs(values: ParsedArgs["values"], stream: NodeJS.WriteStream): MonitorArgs {
  const probes = list(values, "probe");
  for (const p of probes) {
    if (!probeNames.includes(p)) throw new UsageError(`--probe must be one of ${probeNames.join(", ")}; got '${p}'`);
  }
  const output = oneOf(values, "output", ["tui", "text", "ndjson"] as const) ?? (stream.isTTY && process.env.TERM !== "dumb" ? "tui" : "text");
  if (output === "tui" && !stream.isTTY) throw new UsageError("--output tui needs a terminal; use text or ndjson");
  const timeoutText = str(values, "prompt-timeout");
  const seconds = timeoutText === undefined ? 30 : Number(timeoutText);
  if (!Number.isFinite(seconds) || seconds < 1 || seconds > 3600) throw new UsageError(`--prompt-timeout must be 1 to 3600 seconds; got '${timeoutText}'`);
  const learnOutput = str(values, "learn-output");
  if (learnOutput !== undefined && !flag(values, "learn")) throw new UsageError("--learn-output needs --learn");
  return {
    probes, output, logFile: str(values, "log"), dbPath: str(values, "db"), failOnViolation: flag(values, "fail-on-violation"),
    learn: flag(values, "learn"), learnOutput, promptTimeoutMs: Math.round(seconds * 1000),
  };
}

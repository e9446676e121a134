import type { OptionSpec, ParsedArgs } from "../command.ts";
import { flag, list, oneOf, str, UsageError } from "../command.ts";
import { policyOptionSpecs } from "./policy.ts";
import { probeNames } from "../../capture/probes.ts";
import type { OutputMode } from "../output/sink.ts";

/** Options `run` and `watch` share, declared once so both explain them the same way. */
export const monitorOptionSpecs: Record<string, OptionSpec> = {
  ...policyOptionSpecs,
  probe: { type: "string", multiple: true, arg: "NAME", description: `Capture probe: ${probeNames.join(", ")} (default auto: the best set for your privileges)` },
  output: { type: "string", short: "o", arg: "MODE", description: "tui, text or ndjson (default: tui on a terminal, text otherwise)" },
  log: { type: "string", arg: "FILE", description: "Append every event as NDJSON to FILE" },
  db: { type: "string", arg: "PATH", description: "SQLite database (default $TRUSTRUN_HOME/trustrun.db, ~/.trustrun)" },
  "fail-on-violation": { type: "boolean", description: "Exit 3 when any connection was not allowed (for CI)" },
};

export interface MonitorArgs {
  probes: string[];
  output: OutputMode;
  logFile?: string;
  dbPath?: string;
  failOnViolation: boolean;
}

export function monitorArgs(values: ParsedArgs["values"], stream: NodeJS.WriteStream): MonitorArgs {
  const probes = list(values, "probe");
  for (const p of probes) {
    if (!probeNames.includes(p)) throw new UsageError(`--probe must be one of ${probeNames.join(", ")}; got '${p}'`);
  }
  let output = oneOf(values, "output", ["tui", "text", "ndjson"] as const) ?? (stream.isTTY ? "tui" : "text");
  // The live TUI is not part of this build yet: a terminal gets the text view.
  if (output === "tui") output = "text";
  return { probes, output, logFile: str(values, "log"), dbPath: str(values, "db"), failOnViolation: flag(values, "fail-on-violation") };
}

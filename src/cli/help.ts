import type { Command, OptionSpec } from "./command.ts";
import { globalOptions } from "./command.ts";

export function formatOptions(options: Record<string, OptionSpec>): string {
  const rows = Object.entries(options).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const arg = spec.type === "string" ? ` ${spec.arg ?? "VALUE"}` : "";
    const repeat = spec.multiple ? " (repeatable)" : "";
    return [`  ${short}--${name}${arg}`, `${spec.description}${repeat}`] as const;
  });
  const width = Math.min(34, Math.max(...rows.map(([left]) => left.length)) + 2);
  return rows
    .map(([left, right]) => (left.length + 1 >= width ? `${left}\n${" ".repeat(width)}${right}` : left.padEnd(width) + right))
    .join("\n");
}

export function commandHelp(command: Command): string {
  const parts = [`Usage: ${command.usage}`, "", command.summary];
  if (command.description) parts.push("", command.description.trim());
  const options = { ...command.options, ...globalOptions };
  parts.push("", "Options:", formatOptions(options));
  if (command.examples.length) parts.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return parts.join("\n") + "\n";
}

export function mainHelp(commands: Command[], version: string): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 4;
  return `TrustRun ${version} — proof of where a program's network traffic goes.

Usage: trustrun <command> [options]

Commands:
${commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`).join("\n")}

Global options:
  -h, --help       Show help (also: trustrun <command> --help)
  -V, --version    Print the version

Examples:
  trustrun run --preset azure-openai -- python3 app.py
  trustrun watch 4242 --output ndjson --log session.ndjson
  trustrun scan ./src --preset public-ai-apis --format sarif -o findings.sarif
  trustrun policy check api.openai.com --preset public-ai-apis
  trustrun server

Policy: with no --policy or --preset, ./trustrun.yaml is used if present, otherwise an
observe-only default that records everything and alerts on nothing.
Data: sessions, events and scans are stored in $TRUSTRUN_HOME/trustrun.db (default ~/.trustrun).
`;
}

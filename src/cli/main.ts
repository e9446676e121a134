import { CliError, UsageError, parseCommandArgs, type Command, type CommandIO } from "./command.ts";
import { commandHelp, mainHelp } from "./help.ts";
import { commands } from "./commands/index.ts";
import { version, buildInfo } from "./version.ts";

const defaultIO: CommandIO = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

function groupHelp(word: string, group: Command[]): string {
  return `Usage: trustrun ${word} <subcommand>\n\n${group.map((c) => `  ${c.name.padEnd(22)}${c.summary}`).join("\n")}\n`;
}

/** Finds the longest command name that prefixes argv ("policy check" before "policy"). */
export function findCommand(argv: string[]): { command: Command; rest: string[] } | null {
  let best: { command: Command; rest: string[] } | null = null;
  for (const command of commands) {
    const words = command.name.split(" ");
    if (words.every((w, i) => argv[i] === w) && (!best || words.length > best.command.name.split(" ").length)) {
      best = { command, rest: argv.slice(words.length) };
    }
  }
  return best;
}

export async function main(argv: string[], io: CommandIO = defaultIO): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h" || argv[0] === "help") {
    const words = argv[0] === "help" ? argv.slice(1) : [];
    if (!words.length) {
      io.stdout(mainHelp(commands, version));
      return 0;
    }
    const topic = findCommand(words);
    if (topic && topic.rest.length === 0) {
      io.stdout(commandHelp(topic.command));
      return 0;
    }
    const group = commands.filter((c) => c.name.startsWith(words[0] + " "));
    if (!topic && words.length === 1 && group.length) {
      io.stdout(groupHelp(words[0], group));
      return 0;
    }
    io.stderr(`trustrun: unknown command '${words.join(" ")}'\nRun 'trustrun --help' for the commands.\n`);
    return 2;
  }
  if (argv[0] === "--version" || argv[0] === "-V") {
    io.stdout(`trustrun ${version} (${buildInfo})\n`);
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const group = commands.filter((c) => c.name.startsWith(argv[0] + " "));
    if (group.length && !argv[0].startsWith("-")) {
      const sub = argv[1];
      if (sub === undefined || sub === "--help" || sub === "-h") {
        io.stdout(groupHelp(argv[0], group));
        return sub === undefined ? 2 : 0;
      }
      io.stderr(`trustrun: unknown subcommand '${argv[0]} ${sub}'\nRun 'trustrun ${argv[0]} --help' for its subcommands.\n`);
      return 2;
    }
    const what = argv[0].startsWith("-") ? `unknown option '${argv[0]}'` : `unknown command '${argv[0]}'`;
    io.stderr(`trustrun: ${what}\nUsage: trustrun <command> [options]. Run 'trustrun --help' for the commands.\n`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const args = parseCommandArgs(command, rest);
    if (args.values.help) {
      io.stdout(commandHelp(command));
      return 0;
    }
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`trustrun ${command.name}: ${err.message}\nUsage: ${(err.command ?? command).usage}\nRun 'trustrun ${command.name} --help' for details.\n`);
      return 2;
    }
    if (err instanceof CliError) {
      io.stderr(`trustrun ${command.name}: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    io.stderr(`trustrun ${command.name}: internal error: ${e?.message ?? String(err)}\n`);
    if (process.env.TRUSTRUN_DEBUG) io.stderr(`${e?.stack ?? ""}\n`);
    return 70;
  }
}

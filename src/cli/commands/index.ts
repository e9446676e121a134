import type { Command } from "../command.ts";
import { runCommand } from "./run.ts";
import { watchCommand } from "./watch.ts";
import { sessionsCommand, showCommand } from "./sessions.ts";
import { policyCommands } from "./policy.ts";
import { scanCommand } from "./scan.ts";

/** Every command of the CLI, in the order `trustrun --help` lists them. */
export const commands: Command[] = [runCommand, watchCommand, sessionsCommand, showCommand, ...policyCommands, scanCommand];

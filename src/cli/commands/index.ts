import type { Command } from "../command.ts";

/** Every command of the CLI, in the order `trustrun --help` lists them. */
export const commands: Command[] = [];

import type { Command } from "../command.ts";
import { runCommand } from "./run.ts";
import { watchCommand } from "./watch.ts";
import { sessionsCommand, showCommand } from "./sessions.ts";
import { sessionsDeleteCommand } from "./sessions-delete.ts";
import { policyCommands } from "./policy.ts";
import { policyLearnCommand } from "./policy-learn.ts";
import { scanCommand } from "./scan.ts";
import { serverCommand } from "./server.ts";
import { caCommands } from "./ca.ts";
import { releaseGuardCliCommand } from "./release-guard.ts";

/** Every command of the CLI, in the order `trustrun --help` lists them. */
export const commands: Command[] = [runCommand, watchCommand, sessionsCommand, sessionsDeleteCommand, showCommand, ...policyCommands, policyLearnCommand, scanCommand, serverCommand, ...caCommands, releaseGuardCliCommand];

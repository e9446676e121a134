#!/usr/bin/env bun
// Entry point of the single binary.
import { main } from "./cli/main.ts";

process.on("uncaughtException", (err) => {
  process.stderr.write(`trustrun: internal error: ${err?.message ?? err}\n`);
  if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`${err?.stack}\n`);
  process.exit(70);
});

const code = await main(process.argv.slice(2));
process.exitCode = code;

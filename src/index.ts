#!/usr/bin/env bun
// Entry point of the single binary.
import { main } from "./cli/main.ts";

process.on("uncaughtException", (err) => {
  process.stderr.write(`trustrun: internal error: ${err?.message ?? err}\n`);
  if (process.env.TRUSTRUN_DEBUG) process.stderr.write(`${err?.stack}\n`);
  process.exit(70);
});

// A reader that goes away early (`trustrun scan . --json | head`) ends the output quietly, as
// with any Unix filter, instead of an error dump.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (err: NodeJS.ErrnoException) => {
    if (err?.code === "EPIPE") process.exit(process.exitCode ?? 0);
    throw err;
  });
}

const code = await main(process.argv.slice(2));
process.exitCode = code;

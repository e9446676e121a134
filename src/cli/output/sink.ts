import { appendFileSync, openSync, closeSync } from "node:fs";
import type { TrustRunEvent } from "../../core/types.ts";
import { ioError } from "../command.ts";
import { ansiStyle, formatEvent, plainStyle, toNdjson } from "./format.ts";

export type OutputMode = "tui" | "text" | "ndjson";

export interface OutputOptions {
  mode: OutputMode;
  /** Where live lines go: stderr for `run` (the target owns stdout), stdout for `watch`. */
  stream: NodeJS.WriteStream;
  logFile?: string;
  color?: boolean;
  /** The --db the session is stored in, for the "trustrun show ID" hint; unset for the default. */
  dbPath?: string;
}

/** Renders stored events to the terminal and the NDJSON log. */
export function createOutput(opts: OutputOptions) {
  const color = opts.color ?? (opts.stream.isTTY === true && !process.env.NO_COLOR);
  const style = color ? ansiStyle : plainStyle;
  if (opts.logFile) {
    try {
      closeSync(openSync(opts.logFile, "a", 0o600));
    } catch (err) {
      throw ioError(`cannot write the log file ${opts.logFile}`, err);
    }
  }
  let logFailed = false;
  return {
    write(events: TrustRunEvent[]): void {
      if (opts.logFile && !logFailed) {
        try {
          appendFileSync(opts.logFile, events.map((e) => toNdjson(e) + "\n").join(""));
        } catch (err) {
          logFailed = true;
          process.stderr.write(`trustrun: writing ${opts.logFile} failed: ${(err as Error).message}; events are still stored\n`);
        }
      }
      let out = "";
      for (const ev of events) {
        if (opts.mode === "ndjson") out += toNdjson(ev) + "\n";
        else {
          const line = formatEvent(ev, style, { dbPath: opts.dbPath });
          if (line) out += line + "\n";
        }
      }
      if (out) opts.stream.write(out);
    },
    note(message: string): void {
      // Notes never go into the NDJSON stream.
      const err = process.stderr;
      const c = err.isTTY === true && !process.env.NO_COLOR;
      err.write(`${c ? "\x1b[33m" : ""}trustrun: ${message}${c ? "\x1b[0m" : ""}\n`);
    },
  };
}

export type Output = ReturnType<typeof createOutput>;

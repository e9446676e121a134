import { expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../command.ts";
import { formatSessionEnd, plainStyle } from "./format.ts";
import { createOutput } from "./sink.ts";

test("a --log that cannot be written is a CliError with one plain line", () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-sink-"));
  for (const [logFile, reason] of [[dir, "it is a directory"], [join(dir, "missing", "x.ndjson"), "no such file or directory"]]) {
    let caught: unknown;
    try {
      createOutput({ mode: "text", stream: process.stderr, logFile });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as Error).message).toBe(`cannot write the log file ${logFile}: ${reason}`);
  }
});

test("the end line names --db when the session is not in the default database", () => {
  const end = { type: "session", phase: "end", session: "abc123", ts: 1, target: { mode: "run" }, policy: "p", probes: [], complete: true, counts: { connections: 0, violations: 0, destinations: 0 } } as never;
  expect(formatSessionEnd(end, plainStyle)).toContain("'trustrun show abc123' for details");
  expect(formatSessionEnd(end, plainStyle, { dbPath: "/tmp/x.db" })).toContain("'trustrun show abc123 --db /tmp/x.db' for details");
  expect(formatSessionEnd(end, plainStyle, { dbPath: "/tmp/my db.db" })).toContain(`'trustrun show abc123 --db "/tmp/my db.db"' for details`);
});

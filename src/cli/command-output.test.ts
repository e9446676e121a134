import { expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openCommandOutputLog } from "./command-output.ts";

test("the log is private, keeps everything, and tails the last lines; an unused one is removed", () => {
  const home = mkdtempSync(join(tmpdir(), "trustrun-cmdout-"));
  try {
    const log = openCommandOutputLog(home, "sess1");
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "output")).mode & 0o777).toBe(0o700);
    expect(log.tail()).toBe("");
    for (let i = 1; i <= 5000; i++) writeSync(log.fd, `line ${i} ${"x".repeat(40)}\n`);
    log.closeOurs();
    log.closeOurs(); // twice is fine
    expect(log.tail(3)).toBe([4998, 4999, 5000].map((i) => `line ${i} ${"x".repeat(40)}`).join("\n"));
    expect(statSync(log.path).size).toBe(5000 * 47 + [...Array(5000).keys()].reduce((a, i) => a + String(i + 1).length, 0));
    log.discardIfEmpty();
    expect(existsSync(log.path)).toBe(true); // not empty: kept

    const unused = openCommandOutputLog(home, "sess2");
    unused.closeOurs();
    unused.discardIfEmpty();
    expect(existsSync(unused.path)).toBe(false);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

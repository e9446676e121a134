import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchTarget, LaunchError } from "./launch.ts";

test("the command waits at the gate until released, keeps its pid, and the gate leaves no file once it is open", async () => {
  const saved = process.env.TMPDIR;
  const temp = mkdtempSync(join(tmpdir(), "trustrun-launch-test-"));
  process.env.TMPDIR = temp;
  try {
    const out = join(temp, "out.txt");
    const t = launchTarget({ argv: ["/bin/sh", "-c", `echo $$ > ${out}; sleep 1`], env: { PATH: process.env.PATH } });
    const gone = setTimeout(() => t.signal("SIGKILL"), 10000); // never left waiting at the gate
    expect(readdirSync(temp).filter((n) => n.startsWith("trustrun-gate-"))).toHaveLength(1);
    await Bun.sleep(200);
    expect(readdirSync(temp)).not.toContain("out.txt"); // held at the gate
    await t.release();
    // Removed at release, while the command still runs: a monitor killed now leaves nothing behind.
    expect(readdirSync(temp).filter((n) => n.startsWith("trustrun-gate-"))).toEqual([]);
    expect(await t.exited).toBe(0);
    expect(Number(readFileSync(out, "utf8").trim())).toBe(t.pid); // exec kept the pid
    t.cleanup();
    clearTimeout(gone);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
    rmSync(temp, { recursive: true, force: true });
  }
});

test("a missing or non-executable command is a LaunchError with the shell's exit status", () => {
  const errorOf = (f: () => unknown): LaunchError => {
    try {
      f();
    } catch (err) {
      return err as LaunchError;
    }
    throw new Error("no error thrown");
  };
  const missing = errorOf(() => launchTarget({ argv: ["/nonexistent/cmd"] }));
  expect(missing).toBeInstanceOf(LaunchError);
  expect(missing.exitCode).toBe(127);
  const notFound = errorOf(() => launchTarget({ argv: ["no-such-command-trustrun"], env: { PATH: "/nonexistent" } }));
  expect(notFound.message).toContain("command not found");
  expect(notFound.exitCode).toBe(127);
  const dir = mkdtempSync(join(tmpdir(), "trustrun-launch-test-"));
  try {
    writeFileSync(join(dir, "data.txt"), "not a program\n", { mode: 0o644 });
    expect(errorOf(() => launchTarget({ argv: [join(dir, "data.txt")] })).exitCode).toBe(126);
    expect(errorOf(() => launchTarget({ argv: [dir] })).message).toContain("is a directory");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// Unreadable files and directories are reported as skipped, not fatal. Root reads everything, so
// this runs the compiled binary as `nobody` (via runuser).
import { expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";

const runuser = Bun.which("runuser");
const why = !haveBinary ? `no binary at ${BIN}` : process.getuid?.() !== 0 ? "not root (cannot switch to nobody)" : !runuser ? "runuser not installed" : null;
if (why) console.log(`unreadable-file scan test skipped: ${why}`);

test.skipIf(why !== null)("unreadable file and directory are skipped with the reason", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-unreadable-"));
  try {
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, "ok.txt"), "https://ok.acme-health.com\n");
    writeFileSync(join(dir, "locked.txt"), "https://locked.acme-health.com\n");
    chmodSync(join(dir, "locked.txt"), 0o000);
    mkdirSync(join(dir, "closed"));
    writeFileSync(join(dir, "closed", "x.txt"), "https://closed.acme-health.com\n");
    chmodSync(join(dir, "closed"), 0o000);
    const proc = Bun.spawn([runuser!, "-u", "nobody", "--", BIN, "scan", dir, "--json"], { cwd: "/tmp", stdout: "pipe", stderr: "pipe" });
    const [out, , code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(0);
    const j = JSON.parse(out);
    expect(j.findings.map((f: { host: string }) => f.host)).toEqual(["ok.acme-health.com"]);
    expect(j.skipped).toEqual([
      { file: "closed", reason: "unreadable directory: EACCES" },
      { file: "locked.txt", reason: "unreadable: EACCES" },
    ]);
  } finally {
    chmodSync(join(dir, "closed"), 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

test.skipIf(why !== null)("an unreadable root is an error (exit 2), not a clean scan of nothing", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-unreadable-root-"));
  try {
    writeFileSync(join(dir, "a.txt"), "https://a.acme-health.com\n");
    chmodSync(dir, 0o000);
    const proc = Bun.spawn([runuser!, "-u", "nobody", "--", BIN, "scan", dir, "--json", "--no-store"], { cwd: "/tmp", stdout: "pipe", stderr: "pipe" });
    const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(2);
    expect(err).toContain(`cannot read the directory ${dir}: EACCES`);
    expect(out).toBe("");
  } finally {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
});

import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary, trustrun } from "./helpers.ts";

if (!haveBinary) console.warn(`skipping binary smoke tests: ${BIN} not built (run 'npm run build')`);

describe.skipIf(!haveBinary)("compiled binary: CLI contract", () => {
  test("--version prints the version", async () => {
    const r = await trustrun(["--version"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^trustrun \d+\.\d+\.\d+ \(/);
  });

  test("a reader that closes the pipe early ends the output quietly", async () => {
    // Far more output than a pipe holds (~1 MB of JSON) into a reader that stops after one line.
    const dir = mkdtempSync(join(tmpdir(), "trustrun-epipe-"));
    writeFileSync(join(dir, "urls.txt"), Array.from({ length: 3000 }, (_, i) => `https://h${i}.acme.io/x\n`).join(""));
    const proc = Bun.spawn(["sh", "-c", `'${BIN}' scan '${dir}' --json --no-store --fail-on none | head -n 1`], { stdout: "pipe", stderr: "pipe" });
    const [out, err] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(out).toBe("{\n");
    expect(err).not.toContain("EPIPE");
    expect(err).not.toContain("Bun v");
  });

  test("--help lists every command with examples", async () => {
    const r = await trustrun(["--help"]);
    expect(r.code).toBe(0);
    for (const cmd of ["run", "watch", "scan", "server", "policy validate", "policy check", "sessions", "show"]) {
      expect(r.stdout).toContain(`  ${cmd} `);
    }
    expect(r.stdout).toContain("Examples:");
  });

  test("every command has --help with usage and examples", async () => {
    for (const cmd of [["run"], ["watch"], ["sessions"], ["show"], ["policy", "check"], ["policy", "validate"]]) {
      const r = await trustrun([...cmd, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: trustrun ${cmd.join(" ")}`);
      expect(r.stdout).toContain("Examples:");
    }
  });

  test("unknown commands and bad flags: one clear line, usage, exit 2, no stack trace", async () => {
    for (const args of [["frobnicate"], ["run", "--no-such-flag", "--", "true"], ["--bogus"], ["watch"], ["watch", "abc"], ["policy", "nope"]]) {
      const r = await trustrun(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split("\n")[0]).toMatch(/^trustrun/);
      expect(r.stderr).not.toMatch(/\bat .+:\d+:\d+/); // no stack frames
    }
  });

  test("run: a missing command exits 127, a non-executable file 126", async () => {
    const missing = await trustrun(["run", "--", "definitely-not-a-command-xyz"]);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain("command not found");
    const file = join(mkdtempSync(join(tmpdir(), "trustrun-noexec-")), "data.txt");
    writeFileSync(file, "not a program\n", { mode: 0o644 });
    const notExec = await trustrun(["run", "--", file]);
    expect(notExec.code).toBe(126);
  });

  test("watch: a PID that does not exist is a clear error", async () => {
    const r = await trustrun(["watch", "999999999"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no process with PID 999999999");
  });

  test("run: --probe pcap alone is a usage error that says what to add", async () => {
    const r = await trustrun(["run", "--probe", "pcap", "--", "true"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--probe pcap alone cannot run");
    expect(r.stderr).toContain("--probe ebpf,pcap");
  });

  test("run passes the exit code through and records the session", async () => {
    const r = await trustrun(["run", "--", "sh", "-c", "exit 7"]);
    expect(r.code).toBe(7);
    expect(r.stderr).toMatch(/session [0-9a-f]{12} ended/);
  });

  test("sessions on a fresh home says there is no database yet", async () => {
    const r = await trustrun(["sessions"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("no database");
  });
});

import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../command.ts";
import { serverSettings } from "./server.ts";

describe("server settings", () => {
  test("defaults: loopback, port 7777, a fresh random token", () => {
    const a = serverSettings({}, {});
    const b = serverSettings({}, {});
    expect(a.host).toBe("127.0.0.1");
    expect(a.port).toBe(7777);
    expect(a.tokenPinned).toBe(false);
    expect(a.token).not.toBe(b.token);
    expect(a.token.length).toBeGreaterThanOrEqual(32);
  });

  test("a non-loopback host needs --allow-remote and then warns", () => {
    expect(() => serverSettings({ host: "0.0.0.0" }, {})).toThrow(UsageError);
    const s = serverSettings({ host: "0.0.0.0", "allow-remote": true }, {});
    expect(s.warnings.join()).toContain("0.0.0.0");
    expect(serverSettings({ host: "localhost" }, {}).warnings).toEqual([]);
  });

  test("a pinned token from --token or TRUSTRUN_TOKEN, validated", () => {
    expect(serverSettings({}, { TRUSTRUN_TOKEN: "env-token-0123456789" }).token).toBe("env-token-0123456789");
    expect(serverSettings({ token: "flag-token-0123456789" }, { TRUSTRUN_TOKEN: "env-token-0123456789" }).token).toBe("flag-token-0123456789");
    expect(() => serverSettings({ token: "short" }, {})).toThrow(UsageError);
    expect(() => serverSettings({ port: "70000" }, {})).toThrow(UsageError);
  });

  test("--port takes decimal 0-65535 only", () => {
    expect(serverSettings({ port: "8080" }, {}).port).toBe(8080);
    expect(serverSettings({ port: "80" }, {}).port).toBe(80);
    expect(serverSettings({ port: "0" }, {}).port).toBe(0);
    expect(serverSettings({ port: "65535" }, {}).port).toBe(65535);
    for (const bad of ["", " ", "0x6d00", "0o17", "0b11", "1e3", "80.0", "+80", "-1", " 80", "80 ", "65536", "123456", "８０", "Infinity", "NaN"]) {
      expect(() => serverSettings({ port: bad }, {})).toThrow(/--port takes a port number/);
    }
  });
});

test("trustrun server --port 0x6d00 / --port '' exit 2 with a message", async () => {
  for (const port of ["0x6d00", ""]) {
    const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../index.ts"), "server", "--port", port, "--db", ":memory:"], { stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill("SIGTERM"), 4_000);
    const code = await proc.exited;
    clearTimeout(timer);
    expect(code).toBe(2);
    expect(await new Response(proc.stderr).text()).toContain(`--port takes a port number from 1 to 65535 (or 0 for any free port), not '${port}'`);
  }
});

test("trustrun server prints its URL, answers with the token only, and stops on SIGTERM", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trw-srv-"));
  const proc = Bun.spawn([process.execPath, join(import.meta.dir, "../../index.ts"), "server", "--port", "0", "--db", join(dir, "t.db")], {
    stdout: "pipe", stderr: "pipe", env: { ...process.env, TRUSTRUN_TOKEN: "pinned-token-0123456789" },
  });
  try {
    const reader = proc.stdout.getReader();
    let out = "";
    const deadline = Date.now() + 10_000;
    while (!/open: (\S+)/.test(out) && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
    const link = out.match(/open: (\S+)/)![1];
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=pinned-token-0123456789$/);
    const base = link.replace(/\?token=.*/, "");
    expect((await fetch(base)).status).toBe(401);
    const first = await fetch(link, { redirect: "manual" });
    expect(first.status).toBe(303);
    const ok = await fetch(`${base}api/sessions`, { headers: { authorization: "Bearer pinned-token-0123456789" } });
    expect(await ok.json()).toEqual({ rows: [], total: 0 });
    reader.releaseLock();
  } finally {
    proc.kill("SIGTERM");
  }
  expect(await proc.exited).toBe(0);
});

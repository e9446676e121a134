// Learning without a terminal: every destination is recorded and a proposed policy is written;
// `policy learn SESSION` writes the same proposal from the stored session.
import { expect, test } from "bun:test";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary, trustrun } from "../binary/helpers.ts";

const why = !haveBinary ? `no binary at ${BIN} (npm run build)` : !Bun.which("python3") ? "python3 (the test client) is not installed" : null;
if (why) console.warn(`skipping the learning proposal tests: ${why}`);

test.skipIf(why !== null)("--learn without a terminal writes a proposal that validates; policy learn reproduces it", async () => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end("hi\n"), data() {} } });
  try {
    const cwd = mkdtempSync(join(tmpdir(), "trustrun-learn-"));
    const home = mkdtempSync(join(tmpdir(), "trustrun-home-"));
    const db = join(home, "t.db");
    const client = `import socket\nfor i in range(2):\n    socket.create_connection(("127.0.0.1", ${server.port}), timeout=5).close()\n`;
    const r = await trustrun(["run", "--learn", "--db", db, "--output", "ndjson", "--", "python3", "-c", client], { cwd, env: { TRUSTRUN_HOME: home } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/wrote a proposed policy with 1 destination to .*trustrun-proposed-[0-9a-f]+\.yaml/);
    // run keeps stdout for the command: its NDJSON goes to stderr, between trustrun's notes.
    const events = r.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const session = events.find((e) => e.type === "session").session as string;
    const conns = events.filter((e) => e.type === "connection" && e.dst.port === server.port);
    expect(conns.length).toBeGreaterThanOrEqual(1);
    // No one to ask: the observe-only default gives alerts, recorded for review, never silently allowed.
    for (const c of conns) expect(c).toMatchObject({ verdict: "alert", reason: expect.stringContaining("no terminal to ask on") });
    const file = readdirSync(cwd).find((f) => f.startsWith("trustrun-proposed-"))!;
    expect(file).toBe(`trustrun-proposed-${session}.yaml`);
    const proposal = readFileSync(join(cwd, file), "utf8");
    expect(proposal).toContain(`- ip: "127.0.0.1"`);
    expect(proposal).toContain(`ports: [${server.port}]`);
    expect((await trustrun(["policy", "validate", join(cwd, file)])).code).toBe(0);

    const out = join(cwd, "again.yaml");
    const learn = await trustrun(["policy", "learn", session.slice(0, 6), "-o", out, "--db", db], { cwd, env: { TRUSTRUN_HOME: home } });
    expect(learn.stderr).toContain(`from session ${session}`);
    expect(learn.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(proposal);
    const missing = await trustrun(["policy", "learn", "ffffffffffff", "--db", db], { cwd, env: { TRUSTRUN_HOME: home } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("no session 'ffffffffffff'");
  } finally {
    server.stop(true);
  }
}, 60000);

test.skipIf(why !== null)("learning options are checked", async () => {
  const r = await trustrun(["run", "--prompt-timeout", "0", "--", "true"]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain("--prompt-timeout must be 1 to 3600 seconds");
  const o = await trustrun(["run", "--learn-output", "x.yaml", "--", "true"]);
  expect(o.code).toBe(2);
  expect(o.stderr).toContain("--learn-output needs --learn");
  const t = await trustrun(["run", "--output", "tui", "--", "true"]);
  expect(t.code).toBe(2);
  expect(t.stderr).toContain("--output tui needs a terminal");
});

test.skipIf(why !== null)("--learn without a terminal never weakens the policy: a default block still blocks", async () => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end("hi\n"), data() {} } });
  try {
    const cwd = mkdtempSync(join(tmpdir(), "trustrun-learn-"));
    const home = mkdtempSync(join(tmpdir(), "trustrun-home-"));
    const policy = join(cwd, "strict.yaml");
    await Bun.write(policy, "name: strict\ndefault: block\n");
    const r = await trustrun(["run", "--learn", "--policy", policy, "--output", "ndjson", "--", "python3", "-c",
      `import socket\nsocket.create_connection(("127.0.0.1", ${server.port}), timeout=5).close()`], { cwd, env: { TRUSTRUN_HOME: home } });
    const events = r.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l));
    const conns = events.filter((e) => e.type === "connection" && e.dst.port === server.port);
    expect(conns.length).toBeGreaterThanOrEqual(1);
    for (const c of conns) expect(c).toMatchObject({ verdict: "block", reason: expect.stringContaining("the policy default (block) applies") });
  } finally {
    server.stop(true);
  }
});

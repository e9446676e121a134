// Verdicts in action against the compiled binary: kill ends the tree; without root, block is
// said once at start and recorded honestly as not enforced; sessions and show read the store.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary, trustrun } from "../binary/helpers.ts";
import { connections, countingServer, readNdjson } from "./ndjson.ts";

const server = countingServer();
afterAll(() => server.stop());

function policyFile(dir: string, action: string): string {
  const p = join(dir, "p.yaml");
  writeFileSync(p, `name: ${action}-local\ndefault: alert\ndeny:\n  - cidr: 127.0.0.1/32\n    ports: [${server.port}]\n    action: ${action}\n    description: the test server\n`);
  return p;
}

const canDropRoot = process.getuid?.() === 0 && Bun.which("setpriv") !== null && Bun.which("strace") !== null;
if (!canDropRoot) console.warn("skipping the unprivileged block test: needs root (to drop it), setpriv and strace");

describe.skipIf(!haveBinary)("verdicts in action", () => {
  test("kill: the whole launched tree is killed and the reason recorded", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-kill-"));
    const log = join(dir, "log.ndjson");
    const r = await trustrun(["run", "--policy", policyFile(dir, "kill"), "--log", log, "--", "sh", "-c",
      `sleep 30 & curl -s -o /dev/null http://127.0.0.1:${server.port}/; sleep 5; echo survived`], { timeoutMs: 30000 });
    expect(r.stdout).not.toContain("survived");
    expect(r.code).toBe(137); // 128 + SIGKILL
    const [conn] = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
    expect(conn).toMatchObject({ verdict: "kill", rule: "deny[0]" });
    expect(conn.enforced).toMatch(/killed/);
    const alerts = readNdjson(log).filter((e) => e.type === "alert");
    expect(alerts.some((a) => (a as { severity: string }).severity === "critical")).toBe(true);
  });

  test.skipIf(!canDropRoot)("without root, block says once that it degrades to alert and never claims a block", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-noroot-"));
    chmodSync(dir, 0o777);
    const log = join(dir, "log.ndjson");
    const policy = policyFile(dir, "block");
    chmodSync(policy, 0o644);
    const before = server.count;
    const r = await trustrun(["run", "--policy", policy, "--log", log, "--", "sh", "-c",
      `curl -s -o /dev/null http://127.0.0.1:${server.port}/; curl -s -o /dev/null http://127.0.0.1:${server.port}/`],
      { env: { TRUSTRUN_HOME: dir, HOME: dir }, wrap: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all", "--"], cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr.match(/block: needs root/g)?.length).toBe(1);
    const conns = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
    expect(conns).toHaveLength(2);
    for (const c of conns) {
      expect(c.verdict).toBe("block");
      expect(c.probe as string).toBe("ptrace");
      expect(c.enforced).toContain("not enforced");
    }
    expect(server.count - before).toBe(2); // it really was not blocked, and says so
  });

  test("sessions and show read what run stored", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-show-"));
    const env = { TRUSTRUN_HOME: dir };
    await trustrun(["run", "--", "curl", "-s", "-o", "/dev/null", `http://127.0.0.1:${server.port}/`], { env });
    const list = await trustrun(["sessions", "--json"], { env });
    expect(list.code).toBe(0);
    const [session] = JSON.parse(list.stdout);
    expect(session).toMatchObject({ mode: "run", connections: 1, complete: true });
    const shown = await trustrun(["show", session.id.slice(0, 6), "--json"], { env });
    expect(shown.code).toBe(0);
    const body = JSON.parse(shown.stdout);
    expect(body.destinations[0]).toMatchObject({ ip: "127.0.0.1", port: server.port, count: 1 });
    expect(body.events[0].dst.port).toBe(server.port);
    const text = await trustrun(["show", session.id], { env });
    expect(text.stdout).toContain("Destinations:");
    expect((await trustrun(["show", "nope"], { env })).code).toBe(1);
  });
});

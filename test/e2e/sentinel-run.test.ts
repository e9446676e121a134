// `trustrun run -- node app` with the sentinel injected: each connection carries the npm package
// that made it, and a denied destination is refused inside the program before any packet.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { connections, countingServer, readNdjson } from "./ndjson.ts";

const app = join(import.meta.dir, "../sentinel/app/main.js");
const haveNode = Bun.which("node") !== null;
const why = !haveBinary ? `${BIN} not built` : !haveNode ? "node is not installed" : null;
if (why) console.warn(`skipping sentinel end-to-end test: ${why}`);

const target = countingServer();
const telemetry = countingServer();
const blocked = countingServer();
afterAll(() => {
  target.stop();
  telemetry.stop();
  blocked.stop();
});

describe.skipIf(why !== null)("trustrun run with the sentinel (node)", () => {
  test("connections are attributed to app, fake-axios and telemetry-lib; a denied call is refused in-process", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-sentinel-e2e-"));
    const log = join(dir, "log.ndjson");
    const policy = join(dir, "p.yaml");
    writeFileSync(policy, `name: sentinel-e2e\ndefault: alert\nallow:\n  - cidr: 127.0.0.1/32\ndeny:\n  - host: localhost\n    ports: [${blocked.port}]\n    action: block\n    description: not this one\n`);
    const proc = Bun.spawn([BIN, "run", "--policy", policy, "--log", log, "--", "node", app], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir, TARGET_PORT: String(target.port), TELEMETRY_PORT: String(telemetry.port), BLOCKED_PORT: String(blocked.port) },
      stdout: "pipe", stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60000);
    const [stdout, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited]);
    clearTimeout(timer);
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(String(result.errors["blocked-fetch"] ?? "")).toContain("blocked by TrustRun policy");
    expect(blocked.count).toBe(0);
    const conns = connections(readNdjson(log));
    const pkgOf = (port: number) => new Set(conns.filter((c) => c.dst.port === port && c.probe !== "sentinel").map((c) => c.package));
    expect(pkgOf(telemetry.port)).toEqual(new Set(["telemetry-lib"]));
    expect(pkgOf(target.port)).toEqual(new Set(["app", "fake-axios"]));
    const refused = conns.filter((c) => c.dst.port === blocked.port);
    expect(refused.length).toBeGreaterThan(0);
    for (const c of refused) expect(c).toMatchObject({ probe: "sentinel", verdict: "block", host: "localhost", hostSource: "sentinel" });
    expect(refused[0].enforced).toContain("sentinel");
    expect(refused[0].dst.ip).not.toBe("0.0.0.0");
  });

  test("signals carry the program's argv with secrets hidden", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-sentinel-e2e-"));
    const log = join(dir, "log.ndjson");
    // The child gets the program's own arguments: secrets on its command line, in the child's argv.
    const child = `require("child_process").spawnSync("true", process.argv.slice(1))`;
    const proc = Bun.spawn([BIN, "run", "--log", log, "--", "node", "-e", child, "--", "--api-key", "CLIARGSECRET1",
      "postgres://u:DBPASSSECRET1@db.internal/x", "Authorization: Bearer sk-live-CHILDSECRET1234567890", "--token", "CMDLINESECRET1"], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "pipe", stderr: "pipe",
    });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 60000);
    expect(await proc.exited).toBe(0);
    clearTimeout(timer);
    const events = readNdjson(log);
    const signals = events.filter((e) => e.type === "signal");
    expect(signals.some((e) => JSON.stringify(e).includes('"argv"'))).toBe(true); // the check is not vacuous
    const text = JSON.stringify(events);
    for (const secret of ["CLIARGSECRET1", "DBPASSSECRET1", "CHILDSECRET1234567890", "CMDLINESECRET1"]) expect(text).not.toContain(secret);
  });
});

describe.skipIf(why !== null)("the sentinel and Node's permission model", () => {
  test("a program run under --experimental-permission runs, without the agent, and TrustRun says so", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-sentinel-perm-"));
    const script = join(dir, "app.cjs");
    writeFileSync(script, 'console.log("ran")\n');
    const proc = Bun.spawn([BIN, "run", "--output", "text", "--", "node", "--experimental-permission", `--allow-fs-read=${script}`, script], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "pipe", stderr: "pipe",
    });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    expect(code).toBe(0);
    expect(stdout).toContain("ran");
    expect(stderr).toContain("sentinel not injected");
  });
});

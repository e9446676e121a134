// Connections that do not go through connect(2), processes that leave the session's cgroup, and
// processes too short-lived for /proc: each is seen, judged, and recorded truthfully (eBPF probe,
// compiled binary, loopback only).
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary, trustrun } from "../binary/helpers.ts";
import { connections, countingServer, readNdjson } from "./ndjson.ts";
import { ebpfAvailability } from "../../src/capture/ebpf/probe.ts";
import { findCgroup2Mount } from "../../src/capture/enforce/cgroup.ts";

const ebpf = ebpfAvailability();
const why = !haveBinary ? `${BIN} not built` : !ebpf.ok ? ebpf.reason : !Bun.which("python3") ? "python3 missing" : null;
if (why) console.warn(`skipping unusual-connect tests: ${why}`);
const fixtures = join(import.meta.dir, "../fixtures/connect");

const server = countingServer();
afterAll(() => server.stop());

// An address rule is a firewall rule from the start; a default block is decided per connection.
const addressRule = () => `name: t\ndefault: alert\ndeny:\n  - ip: 127.0.0.1\n    ports: [${server.port}]\n    action: block\n`;
const defaultBlock = () => "name: t\ndefault: block\n";

async function runBlocked(argv: string[], policyText = addressRule()) {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-unusual-"));
  const policy = join(dir, "p.yaml");
  writeFileSync(policy, policyText);
  const log = join(dir, "log.ndjson");
  const r = await trustrun(["run", "--probe", "ebpf", "--policy", policy, "--log", log, "--", ...argv], { env: { TRUSTRUN_HOME: dir }, timeoutMs: 30000 });
  return { ...r, conns: connections(readNdjson(log)).filter((c) => c.dst.port === server.port) };
}

describe.skipIf(why !== null)("connections that skip connect(2), and processes that leave the cgroup", () => {
  test("TCP Fast Open (sendto with MSG_FASTOPEN) is seen and judged; the record says it was not held", async () => {
    const script = join(mkdtempSync(join(tmpdir(), "trustrun-tfo-")), "tfo.py");
    writeFileSync(script, [
      "import socket, sys",
      "s = socket.socket(); s.settimeout(3)",
      "try:",
      `    s.sendto(b"GET /tfo HTTP/1.0\\r\\n\\r\\n", socket.MSG_FASTOPEN, ("127.0.0.1", ${server.port}))`,
      "    print(s.recv(16))",
      "except OSError as e:",
      "    print('error', e)",
    ].join("\n"));
    const r = await runBlocked(["python3", script], defaultBlock());
    expect(r.code).toBe(0);
    expect(r.conns.length).toBeGreaterThanOrEqual(1);
    expect(r.conns[0]).toMatchObject({ verdict: "block", proto: "tcp", probe: "ebpf" });
    expect(r.conns[0].enforced).toContain("not held");
    expect(r.stderr).toContain("without connect()");
  });

  test("io_uring's IORING_OP_CONNECT is seen and judged; an address rule refused it from the start", async () => {
    const before = server.count;
    const r = await runBlocked(["python3", join(fixtures, "uring_connect.py"), String(server.port)]);
    if (r.code === 3) {
      console.warn(`skipping the io_uring check: ${r.stderr.split("\n").find((l) => l.includes("io_uring") || l.includes("IORING")) ?? "io_uring unavailable"}`);
      return;
    }
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("connect result -111"); // ECONNREFUSED: the firewall's reset
    expect(server.count).toBe(before);
    expect(r.conns.length).toBe(1);
    expect(r.conns[0]).toMatchObject({ verdict: "block", proto: "tcp", probe: "ebpf", exe: expect.stringContaining("python3") });
    expect(r.conns[0].enforced).toContain("was in place before the program started");
  });

  const mount = findCgroup2Mount();
  test.skipIf(process.getuid?.() !== 0 || mount === null)("a root process that moves out of the session's cgroup is not claimed as blocked", async () => {
    const before = server.count;
    const r = await runBlocked(["sh", "-c", `echo $$ > ${mount}/cgroup.procs && curl -s -o /dev/null -w "code=%{http_code}\\n" http://127.0.0.1:${server.port}/escape`]);
    expect(r.stdout).toContain("code=200"); // it did get through: the rules are scoped to the cgroup it left
    expect(server.count - before).toBe(1);
    expect(r.conns).toHaveLength(1);
    expect(r.conns[0].verdict).toBe("block");
    expect(r.conns[0].enforced).toContain("left the session's cgroup");
    expect(r.conns[0].enforced).not.toContain("rejected");
  });

  test("short-lived processes keep their whole argv (read by the kernel program at exec)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-argv-"));
    const log = join(dir, "log.ndjson");
    const r = await trustrun(["run", "--probe", "ebpf", "--log", log, "--", "sh", "-c",
      `for i in 1 2 3; do curl -s -o /dev/null http://127.0.0.1:${server.port}/argv$i; done`], { env: { TRUSTRUN_HOME: dir } });
    expect(r.code).toBe(0);
    const conns = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
    expect(conns).toHaveLength(3);
    conns.forEach((c, i) => expect(c.argv).toEqual(["curl", "-s", "-o", "/dev/null", `http://127.0.0.1:${server.port}/argv${i + 1}`]));
  });
});

describe.skipIf(why !== null || process.getuid?.() !== 0)("a monitor that dies while a connect is held", () => {
  test("the guard refuses the held destination before it resumes the tree: nothing reaches it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-guard-"));
    const policy = join(dir, "p.yaml");
    writeFileSync(policy, "name: t\ndefault: block\n");
    const out = join(dir, "client.out");
    const before = server.count;
    const monitor = Bun.spawn([BIN, "run", "--probe", "ebpf", "--policy", policy, "--output", "text", "--", "sh", "-c",
      `sleep 1; curl -s -m 5 -o /dev/null -w "code=%{http_code}\\n" http://127.0.0.1:${server.port}/held > ${out} 2>&1`], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "ignore", stderr: "ignore",
    });
    await Bun.sleep(400);
    process.kill(monitor.pid, "SIGSTOP"); // it can no longer judge: the connect stays held
    let held = false;
    for (let i = 0; i < 100 && !held; i++) {
      await Bun.sleep(50);
      const curl = Bun.spawnSync(["pgrep", "-x", "curl"]).stdout.toString().trim().split("\n").filter(Boolean);
      held = curl.some((pid) => /^State:\s+T/m.test(Bun.spawnSync(["cat", `/proc/${pid}/status`]).stdout.toString()));
    }
    process.kill(monitor.pid, "SIGKILL");
    await monitor.exited;
    expect(held).toBe(true);
    let text = "";
    for (let i = 0; i < 200 && !text.includes("code="); i++) {
      await Bun.sleep(50);
      text = (await Bun.file(out).exists()) ? await Bun.file(out).text() : "";
    }
    expect(text).toContain("code=000"); // refused, not served
    expect(server.count).toBe(before);
  });
});

describe.skipIf(why !== null || process.getuid?.() !== 0)("processes that outlive the command", () => {
  test("a daemon started by the command is named at the end, the session is not called complete, and the rules stay until it exits", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-daemon-"));
    const policy = join(dir, "p.yaml");
    writeFileSync(policy, `name: t\ndefault: alert\ndeny:\n  - ip: 127.0.0.1\n    ports: [${server.port}]\n    action: block\n`);
    const result = join(dir, "daemon.out");
    const script = join(dir, "daemon.py");
    writeFileSync(script, [
      "import os, socket, sys, time",
      "if os.fork(): sys.exit(0)",
      "os.setsid()",
      "if os.fork(): os._exit(0)",
      "time.sleep(1.5)",
      "try:",
      `    socket.create_connection(("127.0.0.1", ${server.port}), timeout=2).sendall(b"GET /daemon HTTP/1.0\\r\\n\\r\\n"); r = "sent"`,
      "except OSError as e:",
      "    r = f'refused {e.errno}'",
      `open(${JSON.stringify(result)}, "w").write(r)`,
    ].join("\n"));
    const before = server.count;
    const log = join(dir, "log.ndjson");
    const r = await trustrun(["run", "--probe", "ebpf", "--policy", policy, "--log", log, "--", "python3", script], { env: { TRUSTRUN_HOME: dir } });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/1 process of the tree still runs after the command exited \(pid \d+\)/);
    expect(r.stderr).toContain("firewall rules stay in force until they exit");
    const end = readNdjson(log).find((e) => e.type === "session" && (e as { phase: string }).phase === "end") as { complete: boolean; outlived?: number[] };
    expect(end.complete).toBe(false);
    expect(end.outlived).toHaveLength(1);
    let text = "";
    for (let i = 0; i < 100 && !text; i++) {
      await Bun.sleep(50);
      text = (await Bun.file(result).exists()) ? await Bun.file(result).text() : "";
    }
    expect(text).toMatch(/^refused/); // the rules outlived the session
    expect(server.count).toBe(before);
    // Once the daemon is gone, the guard removes the session's chain.
    const session = (readNdjson(log)[0] as { session: string }).session;
    let left = true;
    for (let i = 0; i < 60 && left; i++) {
      await Bun.sleep(100);
      left = Bun.spawnSync(["iptables", "-w", "-S"]).stdout.toString().includes(`TRUSTRUN-${session.slice(0, 12)}`);
    }
    expect(left).toBe(false);
  });
});

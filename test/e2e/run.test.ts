// End-to-end tests of `trustrun run` against the compiled binary with real clients.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary, trustrun } from "../binary/helpers.ts";
import { connections, countingServer, readNdjson } from "./ndjson.ts";
import { ebpfAvailability } from "../../src/capture/ebpf/probe.ts";
import { ptraceAvailability } from "../../src/capture/ptrace/ptrace-probe.ts";

const server = countingServer();
afterAll(() => server.stop());
const probes: Array<{ name: string; why: string | null }> = [
  { name: "ebpf", why: ebpfAvailability().ok ? null : (ebpfAvailability().reason ?? "unavailable") },
  { name: "ptrace", why: ptraceAvailability("run").ok ? null : (ptraceAvailability("run").reason ?? "unavailable") },
];
for (const p of probes) if (p.why) console.warn(`skipping ${p.name} end-to-end tests: ${p.why}`);
if (!haveBinary) console.warn(`skipping run end-to-end tests: ${BIN} not built`);

function workdir() {
  return mkdtempSync(join(tmpdir(), "trustrun-e2e-"));
}

for (const probe of probes) {
  describe.skipIf(!haveBinary || probe.why !== null)(`trustrun run --probe ${probe.name}`, () => {
    test("curl, python3, node and a shell tree with grandchildren are all captured and attributed", async () => {
      const dir = workdir();
      const log = join(dir, "log.ndjson");
      const url = `http://127.0.0.1:${server.port}/`;
      const script = [
        `curl -s -o /dev/null ${url}`,
        `python3 -c "import requests; requests.get('${url}').raise_for_status()"`,
        `node -e "fetch('${url}').then(r => r.text())"`,
        `sh -c 'sh -c "curl -s -o /dev/null ${url}?grandchild" & wait'`,
      ].join("; ");
      const r = await trustrun(["run", "--probe", probe.name, "--log", log, "--", "sh", "-c", script], { timeoutMs: 60000 });
      expect(r.code).toBe(0);
      const conns = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
      const exes = conns.map((c) => (c.exe ?? "").split("/").pop());
      expect(exes).toContain("curl");
      expect(exes.some((e) => e?.startsWith("python3"))).toBe(true);
      expect(exes).toContain("node");
      expect(conns.filter((c) => (c.exe ?? "").endsWith("curl"))).toHaveLength(2);
      for (const c of conns) {
        expect(c.dst.ip).toBe("127.0.0.1");
        expect(c.proto).toBe("tcp");
        expect(c.probe as string).toBe(probe.name);
        expect(c.pid).toBeGreaterThan(1);
        expect(c.verdict).toBe("allow");
      }
      // Every connection came from a distinct process; the grandchild's parent is a shell.
      expect(new Set(conns.map((c) => c.pid)).size).toBe(conns.length);
    });

    test("UDP: a DNS-shaped datagram sent without connect() is a udp connection", async () => {
      const dir = workdir();
      const log = join(dir, "log.ndjson");
      const dns = Bun.udpSocket ? await Bun.udpSocket({ hostname: "127.0.0.1", port: 0 }) : null;
      const port = dns!.port;
      // A real DNS query for api.openai.com, sent by python3 to the local UDP server.
      const py = `import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); q=bytes.fromhex('123401000001000000000000')+b'\\x03api\\x06openai\\x03com\\x00'+bytes.fromhex('00010001'); s.sendto(q, ('127.0.0.1', ${port}))`;
      const r = await trustrun(["run", "--probe", probe.name, "--log", log, "--", "python3", "-c", py]);
      dns!.close();
      expect(r.code).toBe(0);
      const udp = connections(readNdjson(log)).filter((c) => c.dst.port === port);
      expect(udp).toHaveLength(1);
      expect(udp[0].proto).toBe("udp");
    });

    test("a deny rule makes a violation; --fail-on-violation exits 3; NDJSON has type first", async () => {
      const dir = workdir();
      const log = join(dir, "log.ndjson");
      const policy = join(dir, "p.yaml");
      writeFileSync(policy, `name: deny-local\ndefault: alert\ndeny:\n  - cidr: 127.0.0.0/8\n    ports: [${server.port}]\n    action: alert\n    description: test server\n`);
      const r = await trustrun(["run", "--probe", probe.name, "--policy", policy, "--log", log, "--fail-on-violation", "--", "curl", "-s", "-o", "/dev/null", `http://127.0.0.1:${server.port}/`]);
      expect(r.code).toBe(3);
      const lines = (await Bun.file(log).text()).split("\n").filter(Boolean);
      for (const line of lines) expect(line.startsWith('{"type":')).toBe(true);
      const [conn] = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
      expect(conn).toMatchObject({ verdict: "alert", rule: "deny[0]" });
      expect(Object.keys(conn)).toEqual(expect.arrayContaining(["ts", "session", "pid", "ppid", "exe", "argv", "proto", "dst", "host", "hostSource", "probe", "verdict", "rule", "reason"]));
      expect(readNdjson(log).some((e) => e.type === "alert")).toBe(true);
      expect(readNdjson(log).filter((e) => e.type === "session").map((e) => (e as { phase: string }).phase)).toEqual(["start", "end"]);
    });
  });
}

describe.skipIf(!haveBinary)("trustrun run: the target outlives its monitor", () => {
  test("SIGKILL of trustrun leaves the command running to completion", async () => {
    const dir = workdir();
    const done = join(dir, "done");
    const proc = Bun.spawn([BIN, "run", "--", "sh", "-c", `sleep 1; echo finished > ${done}`], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "ignore", stderr: "ignore",
    });
    await Bun.sleep(400);
    proc.kill("SIGKILL");
    await proc.exited;
    for (let i = 0; i < 40 && !(await Bun.file(done).exists()); i++) await Bun.sleep(100);
    expect(await Bun.file(done).text()).toBe("finished\n");
  });
});

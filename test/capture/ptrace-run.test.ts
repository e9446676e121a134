import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ptraceProbeFactory } from "../../src/capture/ptrace/ptrace-probe.ts";
import { parseIds, recordingSink, tcpServer, udpServer } from "./ptrace-harness.ts";

const avail = await ptraceProbeFactory.available("run");
if (!avail.ok) console.log(`skipping ptrace run tests: ${avail.reason}`);
const dir = mkdtempSync(join(tmpdir(), "trustrun-ptrace-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test.skipIf(!avail.ok)("run: children and grandchildren over IPv4, IPv6 and UDP, with pids and ppids", async () => {
  const s4 = tcpServer("127.0.0.1");
  const s6 = tcpServer("::1");
  const su = await udpServer();
  const ids = join(dir, "ids");
  const script = join(dir, "tree.sh");
  writeFileSync(
    script,
    `#!/bin/bash
set -e
bash -c 'echo v4 $$ $PPID >> ${ids}; exec 3<>/dev/tcp/127.0.0.1/${s4.port}; exec 3>&-'
bash -c 'bash -c "echo v6 \\$\\$ \\$PPID >> ${ids}; exec 3<>/dev/tcp/::1/${s6.port}; exec 3>&-"; true'
python3 -c 'import os, socket
open("${ids}", "a").write("udp %d %d\\n" % (os.getpid(), os.getppid()))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"hello", ("127.0.0.1", ${su.port}))
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"\\x12\\x34\\x01\\x00", ("127.0.0.1", 53))'
exit 3
`,
  );
  const probe = ptraceProbeFactory.create();
  const argv = probe.wrapLaunch!(["bash", script]);
  const rec = recordingSink();
  const child = Bun.spawn(argv, { stdout: "inherit", stderr: "inherit" });
  await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, rec.sink);
  const code = await child.exited;
  await probe.stop();
  s4.stop();
  s6.stop();
  su.stop();

  expect(code).toBe(3); // strace passes the command's exit status through
  const want = parseIds(readFileSync(ids, "utf8"));
  const find = (ip: string, port: number) => rec.connects.filter((c) => c.dst.ip === ip && c.dst.port === port);
  const v4 = find("127.0.0.1", s4.port);
  const v6 = find("::1", s6.port);
  const udp = find("127.0.0.1", su.port);
  expect(v4).toHaveLength(1);
  expect(v6).toHaveLength(1);
  expect(udp).toHaveLength(1);
  expect(v4[0]).toMatchObject({ pid: want.get("v4")!.pid, ppid: want.get("v4")!.ppid, proto: "tcp", probe: "ptrace" });
  expect(v6[0]).toMatchObject({ pid: want.get("v6")!.pid, ppid: want.get("v6")!.ppid, proto: "tcp" });
  expect(udp[0]).toMatchObject({ pid: want.get("udp")!.pid, ppid: want.get("udp")!.ppid, proto: "udp" });
  // The grandchild's parent is itself a child of the script.
  const script_ = rec.processes.find((p) => p.event === "exec" && p.argv?.[1] === script)!;
  const middle = rec.processes.find((p) => p.event === "fork" && p.pid === want.get("v6")!.ppid)!;
  expect(middle.ppid).toBe(script_.pid);
  // DNS-looking datagram to port 53 is passed on as raw bytes.
  const dns = rec.dns.filter((d) => d.pid === want.get("udp")!.pid);
  expect(dns.map((d) => [...d.payload!])).toEqual([[0x12, 0x34, 0x01, 0x00]]);
  // The traced command's own exec carries its argv, and its exit its status.
  expect(rec.processes.find((p) => p.event === "exit" && p.pid === script_.pid)?.exitCode).toBe(3);
  expect(s4.accepted()).toBe(1);
  expect(rec.warnings).toEqual([]);
});

test.skipIf(!avail.ok)("run: stop() is safe when the launch never happened, and twice", async () => {
  const probe = ptraceProbeFactory.create();
  const argv = probe.wrapLaunch!(["true"]);
  expect(argv[0]).toMatch(/strace$/);
  expect(argv).toContain("--seccomp-bpf");
  expect(argv.slice(-2)).toEqual(["--", "true"]);
  const fifo = argv[argv.indexOf("-o") + 1]!;
  await probe.start({ mode: "run", rootPid: 1, initialPids: [] }, recordingSink().sink);
  const t0 = Date.now();
  await probe.stop();
  await probe.stop();
  expect(Date.now() - t0).toBeLessThan(4000);
  expect(() => readFileSync(fifo)).toThrow();
});

import { expect, test } from "bun:test";
import type { ProbeFactory } from "../../src/capture/probe.ts";
import { procProbeFactory } from "../../src/capture/proc/proc-probe.ts";
import { sockdiagProbeFactory } from "../../src/capture/sockdiag/sockdiag-probe.ts";
import { recordingSink, tcpServer } from "./ptrace-harness.ts";

// Parent: one connection held 500 ms. Child: 50 connections closed at once, then one held
// 500 ms over IPv6. Both print their pids.
const WORKLOAD = `
import os, socket, subprocess, sys, time
long4, long6, short = (int(a) for a in sys.argv[1:4])
sys.stdin.readline()
child = subprocess.Popen([sys.executable, "-c", """
import os, socket, sys, time
print(os.getpid(), flush=True)
for i in range(50):
    socket.create_connection(("127.0.0.1", %d)).close()
s = socket.create_connection(("::1", %d)); time.sleep(0.5); s.close()
""" % (short, long6)], stdout=subprocess.PIPE, text=True)
s = socket.create_connection(("127.0.0.1", long4)); time.sleep(0.5); s.close()
print(child.stdout.readline().strip(), flush=True)
child.wait()
`;

for (const factory of [procProbeFactory, sockdiagProbeFactory] as ProbeFactory[]) {
  const avail = await factory.available("run");
  if (!avail.ok) console.log(`skipping ${factory.name} probe test: ${avail.reason}`);

  test.skipIf(!avail.ok)(`${factory.name}: sees long-lived connections with the right pid, never a wrong one`, async () => {
    const long4 = tcpServer("127.0.0.1", true);
    const long6 = tcpServer("::1", true);
    const short = tcpServer("127.0.0.1");
    const target = Bun.spawn(["python3", "-c", WORKLOAD, String(long4.port), String(long6.port), String(short.port)], {
      stdin: "pipe",
      stdout: "pipe",
      stderr: "inherit",
    });
    const probe = factory.create();
    expect(probe.complete).toBe(false);
    const rec = recordingSink();
    await probe.start({ mode: "run", rootPid: target.pid, initialPids: [] }, rec.sink);
    target.stdin.write("go\n");
    target.stdin.end();
    const out = await new Response(target.stdout).text();
    expect(await target.exited).toBe(0);
    await probe.stop();
    long4.stop();
    long6.stop();
    short.stop();

    const childPid = Number(out.trim());
    const on = (port: number) => rec.connects.filter((c) => c.dst.port === port);
    const shortSeen = on(short.port);
    console.log(`${factory.name} probe saw ${shortSeen.length}/50 immediately-closed connections (long-lived: ${on(long4.port).length + on(long6.port).length}/2)`);
    expect(on(long4.port)).toEqual([expect.objectContaining({ pid: target.pid, proto: "tcp", dst: { ip: "127.0.0.1", port: long4.port }, probe: factory.name })]);
    expect(on(long6.port)).toEqual([expect.objectContaining({ pid: childPid, ppid: target.pid, dst: { ip: "::1", port: long6.port } })]);
    expect(shortSeen.every((c) => c.pid === childPid)).toBe(true);
    expect(shortSeen.length).toBeLessThanOrEqual(50);
    // Nothing else: the only sockets of this tree go to our three servers.
    expect(rec.connects.length).toBe(2 + shortSeen.length);
    expect(rec.processes.some((p) => p.event === "fork" && p.pid === childPid && p.ppid === target.pid)).toBe(true);
  });
}

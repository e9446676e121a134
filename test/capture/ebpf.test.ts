// End-to-end tests of the eBPF probe against real processes. They need root, libbpf.so.1 and
// a kernel with BTF; without them they are skipped with the reason printed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { Subprocess } from "bun";
import type { ProbeSink, RawConnect, RawDns, RawProcess } from "../../src/capture/probe.ts";
import { ebpfAvailability, ebpfProbeFactory, type EbpfProbe } from "../../src/capture/ebpf/probe.ts";

const avail = ebpfAvailability();
if (!avail.ok) console.log(`skipping eBPF probe tests: ${avail.reason}`);
const PY = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

interface Seen {
  connects: RawConnect[];
  dns: RawDns[];
  procs: RawProcess[];
  warnings: string[];
}

function recorder(): { sink: ProbeSink; seen: Seen } {
  const seen: Seen = { connects: [], dns: [], procs: [], warnings: [] };
  return {
    seen,
    sink: {
      connect: (e) => seen.connects.push(e),
      dns: (e) => seen.dns.push(e),
      sni: () => {},
      process: (e) => seen.procs.push(e),
      warn: (m) => seen.warnings.push(m),
    },
  };
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await Bun.sleep(10);
  }
  return cond();
}

/** A bash that waits for one line on stdin before running `script`: the probe starts in between. */
function gated(script: string): Subprocess<"pipe", "pipe", "pipe"> {
  return Bun.spawn(["bash", "-c", `read -r _go; ${script}`], { stdin: "pipe", stdout: "pipe", stderr: "pipe" });
}

async function go(p: Subprocess<"pipe", "pipe", "pipe">): Promise<number> {
  p.stdin.write("go\n");
  await p.stdin.flush();
  const code = await Promise.race([p.exited, Bun.sleep(20_000).then(() => -1)]);
  if (code === -1) p.kill("SIGKILL");
  return code;
}

/** Is pid a descendant of root according to the fork events the probe reported? */
function descends(pid: number, root: number, procs: RawProcess[]): boolean {
  const parent = new Map(procs.filter((p) => p.event === "fork").map((p) => [p.pid, p.ppid]));
  for (let p: number | null | undefined = pid, i = 0; p && i < 64; p = parent.get(p), i++) if (p === root) return true;
  return false;
}

describe.skipIf(!avail.ok)("eBPF probe", () => {
  let server: ReturnType<typeof Bun.listen>;
  let accepted = 0;
  let server6: ReturnType<typeof Bun.listen> | null = null;

  beforeAll(() => {
    const handlers = { open: (s: { end(): void }) => { accepted++; s.end(); }, data() {}, close() {}, error() {} };
    server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: handlers });
    try {
      server6 = Bun.listen({ hostname: "::1", port: 0, socket: handlers });
    } catch {
      server6 = null;
    }
  });
  afterAll(() => {
    server.stop(true);
    server6?.stop(true);
  });

  test("connects of children and grandchildren: pid, ppid, destination, proto", async () => {
    const port = server.port;
    const child = gated(
      `exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-
       ( exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-; ( exec 3<>/dev/tcp/127.0.0.1/${port} ) ) &
       wait
       ${PY} -c "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.connect(('127.0.0.1', ${port}))"`,
    );
    const probe = ebpfProbeFactory.create();
    const { sink, seen } = recorder();
    try {
      await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, sink);
      expect(await go(child)).toBe(0);
      await waitFor(() => seen.connects.length >= 4 && seen.procs.some((p) => p.event === "exit" && p.pid === child.pid), 3000);
    } finally {
      await probe.stop();
      child.kill("SIGKILL");
    }
    const mine = seen.connects.filter((c) => c.dst.port === port);
    console.log(`tree connects seen: ${mine.length} (${mine.map((c) => `${c.pid}/${c.proto}`).join(" ")})`);
    expect(mine.length).toBe(4);
    expect(mine.every((c) => c.dst.ip === "127.0.0.1" && c.probe === "ebpf")).toBe(true);
    const rootConn = mine[0]!;
    expect(rootConn.pid).toBe(child.pid);
    expect(rootConn.ppid).toBe(process.pid);
    expect(rootConn.proto).toBe("tcp");
    expect(rootConn.comm).toBe("bash");
    // A subshell and its own subshell: both are followed, and fork events link them to the root.
    const [sub, grand, udp] = [mine[1]!, mine[2]!, mine[3]!];
    expect(sub.pid).not.toBe(child.pid);
    expect(sub.ppid).toBe(child.pid);
    expect(grand.ppid).toBe(sub.pid);
    expect(descends(grand.pid, child.pid, seen.procs)).toBe(true);
    expect(udp.proto).toBe("udp");
    expect(descends(udp.pid, child.pid, seen.procs)).toBe(true);
    const exec = seen.procs.find((p) => p.event === "exec" && p.pid === udp.pid);
    expect(exec?.exe).toContain("python3");
    const exit = seen.procs.find((p) => p.event === "exit" && p.pid === child.pid);
    expect(exit?.exitCode).toBe(0);
    // Our own connects (not in the tree) are not reported.
    expect(seen.connects.some((c) => c.pid === process.pid)).toBe(false);
  });

  test("IPv6 ::1 connect", async () => {
    if (!server6) {
      console.log("skipping IPv6 check: cannot bind ::1 here");
      return;
    }
    const port = server6.port;
    const child = gated(`exec 3<>/dev/tcp/::1/${port}; exec 3>&-`);
    const probe = ebpfProbeFactory.create();
    const { sink, seen } = recorder();
    try {
      await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, sink);
      expect(await go(child)).toBe(0);
      await waitFor(() => seen.connects.length >= 1, 2000);
    } finally {
      await probe.stop();
      child.kill("SIGKILL");
    }
    expect(seen.connects.map((c) => [c.dst.ip, c.dst.port, c.proto, c.pid])).toEqual([["::1", port, "tcp", child.pid]]);
  });

  test("DNS datagrams to port 53 (sendto, connected send, sendmsg) with their payload; other ports ignored", async () => {
    // Root may bind port 53 on a loopback address nobody uses; the query never leaves the machine.
    const received: number[][] = [];
    const dnsServer = await Bun.udpSocket({
      hostname: "127.0.0.2",
      port: 53,
      socket: { data: (_s, buf) => received.push(Array.from(buf)) },
    });
    const py = `
import socket
q = bytes([0x12,0x34,1,0,0,1,0,0,0,0,0,0,7]) + b'example' + bytes([3]) + b'com' + bytes([0,0,1,0,1])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(q, ('127.0.0.2', 53))
c = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); c.connect(('127.0.0.2', 53)); c.send(q[:12] + b'\\x03abc\\x00\\x00\\x01\\x00\\x01')
s.sendmsg([q[:2] + b'\\x99' + q[3:]], [], 0, ('127.0.0.2', 53))
s.sendto(q, ('127.0.0.2', 5353))
`;
    const child = gated(`${PY} -c "${py.replace(/"/g, '\\"')}"`);
    const probe = ebpfProbeFactory.create();
    const { sink, seen } = recorder();
    try {
      await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, sink);
      expect(await go(child)).toBe(0);
      await waitFor(() => seen.dns.length >= 3 && received.length >= 3, 3000);
      await Bun.sleep(50);
    } finally {
      await probe.stop();
      child.kill("SIGKILL");
      dnsServer.close();
    }
    console.log(`dns records: ${seen.dns.length}, datagrams received by the fake server: ${received.length}`);
    expect(seen.dns.length).toBe(3);
    expect(received.length).toBe(3);
    expect(seen.dns.map((d) => Array.from(d.payload ?? []))).toEqual(received);
    // bash runs its last command with exec: the python process keeps the root pid.
    expect(seen.dns.every((d) => d.probe === "ebpf" && d.pid === child.pid)).toBe(true);
  });

  test("completeness: 500 immediately-closed connections from 5 child processes, 500/500 seen", async () => {
    const port = server.port;
    const before = accepted;
    const loop = `for i in $(seq 1 100); do exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-; done`;
    const child = gated(`for w in 1 2 3 4 5; do ( ${loop} ) & done; wait`);
    const probe = ebpfProbeFactory.create();
    const { sink, seen } = recorder();
    let count = 0;
    try {
      await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, sink);
      expect(await go(child)).toBe(0);
      await waitFor(() => seen.connects.filter((c) => c.dst.port === port).length >= 500, 5000);
      await Bun.sleep(50);
    } finally {
      await probe.stop();
      child.kill("SIGKILL");
      count = seen.connects.filter((c) => c.dst.port === port).length;
    }
    const pids = new Set(seen.connects.map((c) => c.pid));
    console.log(`completeness: ${count}/500 connections captured by the eBPF probe from ${pids.size} processes (server accepted ${accepted - before})`);
    expect(count).toBe(500);
    expect(pids.size).toBe(5);
    expect(seen.warnings).toEqual([]);
  });

  test("hold: a connect to an unknown destination stops the process until release", async () => {
    const port = server.port;
    const before = accepted;
    const child = gated(
      `exec 3<>/dev/tcp/127.0.0.1/${port}; echo sent >&3; exec 3>&-; exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-; exec 3<>/dev/tcp/127.0.0.1/${port}; exec 3>&-; echo done`,
    );
    const probe = ebpfProbeFactory.create() as EbpfProbe;
    const { sink, seen } = recorder();
    const state = () => readFileSync(`/proc/${child.pid}/stat`, "utf8").split(") ")[1]?.[0];
    let code = -1;
    try {
      await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, sink);
      probe.setHold(true);
      child.stdin.write("go\n");
      await child.stdin.flush();
      // First connect: held. Released without allowing the destination (allow once).
      expect(await waitFor(() => seen.connects.length >= 1, 3000)).toBe(true);
      expect(seen.connects[0]!.held).toBe(true);
      expect(await waitFor(() => state() === "T", 2000)).toBe(true);
      await Bun.sleep(100);
      expect(state()).toBe("T"); // still stopped: nothing resumes it but release()
      expect(seen.connects.length).toBe(1);
      probe.release(child.pid);
      // Second connect (a new one, same destination): held again; this time the destination is allowed.
      expect(await waitFor(() => seen.connects.length >= 2, 3000)).toBe(true);
      expect(seen.connects[1]!.held).toBe(true);
      expect(await waitFor(() => state() === "T", 2000)).toBe(true);
      probe.allowDestination("127.0.0.1", port);
      probe.release(child.pid);
      code = await Promise.race([child.exited, Bun.sleep(5000).then(() => -1)]);
      if (code === -1) child.kill("SIGKILL");
      await waitFor(() => seen.connects.length >= 3, 2000);
      await Bun.sleep(30);
    } finally {
      await probe.stop();
      child.kill("SIGKILL");
    }
    expect(code).toBe(0);
    // The kernel restarts an interrupted connect after SIGCONT: it is not reported twice nor held
    // again; the third connect went to an allowed destination and was not held.
    expect(seen.connects.map((c) => Boolean(c.held))).toEqual([true, true, false]);
    expect(accepted - before).toBe(3);
    expect(await new Response(child.stdout).text()).toBe("done\n");
  });

  test("watch mode follows pids already running and their existing children", async () => {
    const port = server.port;
    const fifo = `/tmp/trustrun-ebpf-test-${process.pid}.fifo`;
    Bun.spawnSync(["mkfifo", fifo]);
    // A parent whose child already exists when the probe starts; the child connects later.
    const parent = Bun.spawn(["bash", "-c", `( read -r _ < ${fifo}; exec 3<>/dev/tcp/127.0.0.1/${port} ) & wait`]);
    await Bun.sleep(100);
    const probe = ebpfProbeFactory.create();
    const { sink, seen } = recorder();
    try {
      await probe.start({ mode: "watch", rootPid: parent.pid, initialPids: [] }, sink);
      await Bun.write(fifo, "go\n");
      await Promise.race([parent.exited, Bun.sleep(5000)]);
      await waitFor(() => seen.connects.length >= 1, 2000);
    } finally {
      await probe.stop();
      parent.kill("SIGKILL");
      Bun.spawnSync(["pkill", "-KILL", "-P", String(parent.pid)]);
      Bun.spawnSync(["rm", "-f", fifo]);
    }
    expect(seen.connects.length).toBe(1);
    expect(seen.connects[0]!.ppid).toBe(parent.pid);
  });

  test("20 start/stop cycles leak no file descriptors and stop twice is safe", async () => {
    const fds = () => readdirSync("/proc/self/fd").length;
    const probe = ebpfProbeFactory.create();
    const { sink } = recorder();
    await probe.start({ mode: "watch", rootPid: process.pid, initialPids: [] }, sink);
    await probe.stop();
    const base = fds();
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) {
      const p = ebpfProbeFactory.create();
      await p.start({ mode: "watch", rootPid: process.pid, initialPids: [] }, sink);
      await p.stop();
      await p.stop();
    }
    console.log(`20 load/attach/stop cycles: ${((performance.now() - t0) / 20).toFixed(1)} ms each; fds ${base} → ${fds()}`);
    expect(fds()).toBe(base);
  }, 60_000);
});

test("availability reports a reason when it is not ok", () => {
  expect(avail.ok || (typeof avail.reason === "string" && avail.reason.length > 10)).toBe(true);
});

import { afterAll, expect, test } from "bun:test";
import { ptraceProbeFactory } from "../../src/capture/ptrace/ptrace-probe.ts";
import { descendants } from "../../src/capture/procinfo/procinfo.ts";
import { recordingSink, tcpServer, waitFor } from "./ptrace-harness.ts";

const avail = await ptraceProbeFactory.available("watch");
if (!avail.ok) console.log(`skipping ptrace watch test: ${avail.reason}`);
const spawned: { kill(): void }[] = [];
afterAll(() => spawned.forEach((p) => p.kill()));

// Waits for a line on stdin, then connects itself, then starts a child that connects.
const WORKLOAD = `
import os, socket, subprocess, sys, threading
port = int(sys.argv[1])
socket.create_connection(("127.0.0.1", port)).close()  # before the probe attaches: not seen
print("ready", flush=True)
sys.stdin.readline()
socket.create_connection(("127.0.0.1", port)).close()
t = threading.Thread(target=lambda: socket.create_connection(("::1", int(sys.argv[2]))).close())
t.start(); t.join()
c = subprocess.Popen([sys.executable, "-c", "import os, socket, sys; print(os.getpid(), flush=True); socket.create_connection(('127.0.0.1', %d)).close()" % port], stdout=subprocess.PIPE, text=True)
print("child", c.stdout.readline().strip(), flush=True)
c.wait()
sys.stdin.readline()
`;

test.skipIf(!avail.ok)("watch: attaches to a running process and sees its later connections and its new child's", async () => {
  const s4 = tcpServer("127.0.0.1");
  const s6 = tcpServer("::1");
  const target = Bun.spawn(["python3", "-c", WORKLOAD, String(s4.port), String(s6.port)], { stdin: "pipe", stdout: "pipe", stderr: "inherit" });
  spawned.push(target);
  const reader = target.stdout.getReader();
  let out = "";
  const readUntil = async (re: RegExp) => {
    while (!re.test(out)) {
      const { value, done } = await reader.read();
      if (done) break;
      out += new TextDecoder().decode(value);
    }
  };
  await readUntil(/ready/);
  const probe = ptraceProbeFactory.create();
  expect(probe.wrapLaunch).toBeDefined();
  const rec = recordingSink();
  await probe.start({ mode: "watch", rootPid: target.pid, initialPids: descendants(target.pid) }, rec.sink);
  target.stdin.write("go\n");
  target.stdin.flush();
  await readUntil(/child \d+/);
  const childPid = Number(/child (\d+)/.exec(out)![1]);
  await waitFor(() => rec.connects.length >= 3, 3000);
  await probe.stop();
  // Detached: the target keeps running and exits normally when told to.
  target.stdin.write("done\n");
  target.stdin.end();
  expect(await target.exited).toBe(0);
  s4.stop();
  s6.stop();

  const to4 = rec.connects.filter((c) => c.dst.port === s4.port);
  const to6 = rec.connects.filter((c) => c.dst.port === s6.port);
  expect(s4.accepted()).toBe(3);
  expect(to4.map((c) => c.pid).sort()).toEqual([target.pid, childPid].sort());
  expect(to4.find((c) => c.pid === childPid)!.ppid).toBe(target.pid);
  expect(to6).toHaveLength(1);
  expect(to6[0]).toMatchObject({ pid: target.pid, dst: { ip: "::1" } });
  expect(to6[0]!.tid).not.toBe(target.pid); // made by a thread, reported for its process
  expect(rec.warnings).toEqual([]);
});

test("watch: a missing strace is reported with what to install", async () => {
  const { createPtraceProbeFactory } = await import("../../src/capture/ptrace/ptrace-probe.ts");
  const f = createPtraceProbeFactory({ strace: "/nonexistent/strace" });
  // An explicit path that does not run is "not installed".
  const a = await f.available("watch");
  expect(a.ok).toBe(false);
  expect(a.reason).toBe("install strace (Debian: strace)");
});

import { expect, test } from "bun:test";
import { ptraceProbeFactory } from "../../src/capture/ptrace/ptrace-probe.ts";
import { recordingSink, tcpServer, waitFor } from "./ptrace-harness.ts";

const avail = await ptraceProbeFactory.available("run");
if (!avail.ok) console.log(`skipping ptrace completeness test: ${avail.reason}`);

test.skipIf(!avail.ok)("run: 500 immediately-closed connections from 5 processes are all captured", async () => {
  const server = tcpServer("127.0.0.1");
  const workers = 5;
  const each = 100;
  // Each worker is a separate bash process; every connection is opened and closed at once.
  const script = `for w in $(seq ${workers}); do
  ( for i in $(seq ${each}); do exec 3<>/dev/tcp/127.0.0.1/${server.port}; exec 3>&-; done ) &
done
wait`;
  const probe = ptraceProbeFactory.create();
  const argv = probe.wrapLaunch!(["bash", "-c", script]);
  const rec = recordingSink();
  const t0 = performance.now();
  const child = Bun.spawn(argv, { stdout: "inherit", stderr: "inherit" });
  await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, rec.sink);
  expect(await child.exited).toBe(0);
  await probe.stop();
  const ms = performance.now() - t0;
  await waitFor(() => server.accepted() >= workers * each, 2000);
  server.stop();

  const mine = rec.connects.filter((c) => c.dst.port === server.port && c.dst.ip === "127.0.0.1");
  const pids = new Set(mine.map((c) => c.pid));
  console.log(`ptrace captured ${mine.length}/${workers * each} connections from ${pids.size} processes in ${ms.toFixed(0)} ms (server accepted ${server.accepted()})`);
  expect(server.accepted()).toBe(workers * each);
  expect(mine.length).toBe(workers * each);
  expect(pids.size).toBe(workers);
  expect(mine.every((c) => c.proto === "tcp" && c.ppid !== null)).toBe(true);
});

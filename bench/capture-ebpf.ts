// Connect latency on loopback with and without the eBPF probe attached to the connecting process.
// Usage (root): bun bench/capture-ebpf.ts [connects=5000] [rounds=7]
// Rounds alternate without/with; the minimum and median are reported (other load on the machine
// only ever adds time, so the minimum is the cleanest figure).
import { existsSync } from "node:fs";
import { ebpfAvailability, ebpfProbeFactory } from "../src/capture/ebpf/probe.ts";

const N = Number(process.argv[2] ?? 5000);
const ROUNDS = Number(process.argv[3] ?? 7);
const avail = ebpfAvailability();
if (!avail.ok) {
  console.error(avail.reason);
  process.exit(1);
}
const PY = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end(), data() {} } });
// The child times only its own connect() calls, after a start signal on stdin.
const py = `
import socket, sys, time
sys.stdin.readline()
total = 0
for i in range(${N}):
    s = socket.socket()
    t = time.perf_counter_ns(); s.connect(('127.0.0.1', ${server.port})); total += time.perf_counter_ns() - t
    s.close()
print(total / ${N} / 1000)
`;

async function once(withProbe: boolean): Promise<{ us: number; seen: number }> {
  const child = Bun.spawn([PY, "-c", py], { stdin: "pipe", stdout: "pipe" });
  let seen = 0;
  const probe = ebpfProbeFactory.create();
  if (withProbe) {
    const noop = () => {};
    await probe.start({ mode: "run", rootPid: child.pid, initialPids: [] }, { connect: () => seen++, dns: noop, sni: noop, process: noop, warn: console.error });
  }
  child.stdin.write("go\n");
  await child.stdin.flush();
  const out = await new Response(child.stdout).text();
  await child.exited;
  await Bun.sleep(30);
  await probe.stop();
  return { us: Number(out.trim()), seen };
}

const rows: string[] = [];
const without: number[] = [];
const withProbe: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  const a = await once(false);
  const b = await once(true);
  without.push(a.us);
  withProbe.push(b.us);
  rows.push(`round ${r + 1}: without ${a.us.toFixed(2)} µs, with ${b.us.toFixed(2)} µs (${b.seen}/${N} seen)`);
}
server.stop(true);
console.log(rows.join("\n"));
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
for (const [label, f] of [["min", (xs: number[]) => Math.min(...xs)], ["median", median]] as const) {
  const a = f(without);
  const b = f(withProbe);
  console.log(`connect() ${label}: ${a.toFixed(2)} µs without, ${b.toFixed(2)} µs with the eBPF probe: ${b - a >= 0 ? "+" : ""}${(b - a).toFixed(2)} µs (×${(b / a).toFixed(3)})`);
}

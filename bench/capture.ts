// Capture benchmark: for each probe, connections captured / made, the overhead of
// `trustrun run` against the bare command on a connect-heavy workload, and the monitor's CPU and
// RSS at a paced 1,000 connections/s. Figures are ratios measured in this one run.
//   bun bench/capture.ts [--connections N] [--probe ebpf,ptrace] [--rounds 3] [--rate 1000]
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { connections: { type: "string", default: "2000" }, probe: { type: "string", default: "ebpf,ptrace" }, rate: { type: "string", default: "1000" }, rounds: { type: "string", default: "3" } },
});
const N = Number(values.connections);
const RATE = Number(values.rate);
const ROUNDS = Number(values.rounds);
const BIN = process.env.TRUSTRUN_BIN ?? join(import.meta.dir, "../dist/trustrun");
const HZ = 100; // USER_HZ on Linux

// The connects go to a port nobody listens on: each is refused at once by the kernel, so the
// figures measure the monitor and not a test server's accept queue (which overflows and
// retransmits under a bare connect storm, making the bare run the slow one).
const probeSock = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
const port = probeSock.port;
probeSock.stop(true);
const listener = { stop(_: boolean) {} };

// Connect-heavy workload: N connections that close at once, from 4 child processes.
const workload = (n: number, rate = 0, procs = 4) => [
  "python3", "-c",
  `import socket, os, time
n, rate, procs = ${n}, ${rate}, ${procs}
per = n // procs
def work():
    t0 = time.time()
    for i in range(per):
        s = socket.socket()
        try: s.connect(("127.0.0.1", ${port}))
        except OSError: pass
        s.close()
        if rate:
            delay = t0 + (i + 1) * procs / rate - time.time()
            if delay > 0: time.sleep(delay)
kids = []
for _ in range(procs):
    pid = os.fork()
    if pid == 0:
        work(); os._exit(0)
    kids.append(pid)
for k in kids: os.waitpid(k, 0)`,
];

async function timed(argv: string[], env?: Record<string, string>): Promise<{ ms: number; cpuMs: number; rssKb: number }> {
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore", env: { ...process.env, ...env } as Record<string, string> });
  let cpuTicks = 0;
  let rssKb = 0;
  const sample = setInterval(() => {
    try {
      const stat = readFileSync(`/proc/${proc.pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      cpuTicks = Number(f[11]) + Number(f[12]);
      const status = readFileSync(`/proc/${proc.pid}/status`, "utf8");
      rssKb = Math.max(rssKb, Number(status.match(/VmRSS:\s+(\d+)/)?.[1] ?? 0));
    } catch { /* exited */ }
  }, 50);
  await proc.exited;
  clearInterval(sample);
  return { ms: performance.now() - t0, cpuMs: (cpuTicks * 1000) / HZ, rssKb };
}

function captured(log: string): number {
  return readFileSync(log, "utf8").split("\n").filter((l) => l.includes('"type":"connection"') && l.includes(`"port":${port}`)).length;
}

console.log(`workload: ${N} TCP connects (refused at once) from one process to 127.0.0.1:${port}; ${ROUNDS} interleaved rounds, medians; the paced run uses 4 processes`);
const probes = String(values.probe).split(",");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times: Record<string, number[]> = { bare: [] };
const got: Record<string, number[]> = {};
const startup: Record<string, number[]> = {};
await timed(workload(N)); // warm caches once, unmeasured
for (let round = 0; round < ROUNDS; round++) {
  // One connecting process: on 2 cores the monitor then has a core of its own, as on a real host.
  times.bare.push((await timed(workload(N, 0, 1))).ms);
  for (const probe of probes) {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-"));
    const log = join(dir, "log.ndjson");
    const env = { TRUSTRUN_HOME: dir };
    (times[probe] ??= []).push((await timed([BIN, "run", "--probe", probe, "--log", log, "--", ...workload(N, 0, 1)], env)).ms);
    (got[probe] ??= []).push(captured(log));
    // Fixed start-up and shutdown cost of the monitor, so the ratio below says what capture costs.
    const empty = await timed([BIN, "run", "--probe", probe, "--", "true"], env);
    const trueBare = await timed(["true"]);
    (startup[probe] ??= []).push(empty.ms - trueBare.ms);
  }
}
const bare = median(times.bare);
console.log(`bare: ${bare.toFixed(0)} ms`);
for (const probe of probes) {
  if (Math.max(...got[probe]) === 0) {
    console.log(`${probe}: no connections captured (probe unavailable here?)`);
    continue;
  }
  const run = median(times[probe]);
  const fixed = median(startup[probe]);
  const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-"));
  const paced = join(dir, "paced.ndjson");
  const seconds = 5;
  const load = await timed([BIN, "run", "--probe", probe, "--log", paced, "--", ...workload(RATE * seconds, RATE)], { TRUSTRUN_HOME: dir });
  console.log(
    `${probe}: captured ${got[probe].join(", ")} of ${N}` +
      ` · run/bare ${(run / bare).toFixed(3)}x (${run.toFixed(0)} vs ${bare.toFixed(0)} ms)` +
      ` · without the monitor's fixed start-up/shutdown (${fixed.toFixed(0)} ms): ${((run - fixed) / bare).toFixed(3)}x` +
      ` · at ${RATE}/s for ${seconds}s: monitor CPU ${((load.cpuMs / load.ms) * 100).toFixed(1)}% of one core, peak RSS ${(load.rssKb / 1024).toFixed(0)} MB, captured ${captured(paced)}/${RATE * seconds}`,
  );
}
listener.stop(true);

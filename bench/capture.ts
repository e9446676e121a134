// Capture benchmark: for each probe, connections captured / made, the overhead of
// `trustrun run` against the bare command on a connect-heavy workload, and the monitor's CPU and
// RSS at a paced 1,000 connections/s. Figures are ratios measured in this one run.
//   bun bench/capture.ts [--connections N] [--probe ebpf,ptrace]
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { connections: { type: "string", default: "2000" }, probe: { type: "string", default: "ebpf,ptrace" }, rate: { type: "string", default: "1000" } },
});
const N = Number(values.connections);
const RATE = Number(values.rate);
const BIN = process.env.TRUSTRUN_BIN ?? join(import.meta.dir, "../dist/trustrun");
const HZ = 100; // USER_HZ on Linux

const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open(s) { s.end(); }, data() {} } });
const port = listener.port;

// Connect-heavy workload: N connections that close at once, from 4 child processes.
const workload = (n: number, rate = 0) => [
  "python3", "-c",
  `import socket, os, time
n, rate, procs = ${n}, ${rate}, 4
per = n // procs
def work():
    t0 = time.time()
    for i in range(per):
        s = socket.socket(); s.connect(("127.0.0.1", ${port})); s.close()
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

console.log(`workload: ${N} immediately-closed TCP connections from 4 processes to 127.0.0.1:${port}`);
const bare = await timed(workload(N));
console.log(`bare: ${bare.ms.toFixed(0)} ms`);
for (const probe of String(values.probe).split(",")) {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-"));
  const log = join(dir, "log.ndjson");
  const env = { TRUSTRUN_HOME: dir };
  const probeArgs = ["--probe", probe];
  const first = await timed([BIN, "run", ...probeArgs, "--log", log, "--", ...workload(N)], env);
  const got = captured(log);
  if (got === 0) {
    console.log(`${probe}: no connections captured (probe unavailable here?)`);
    continue;
  }
  // Fixed start-up cost of the monitor, measured separately, so the overhead says what capture costs.
  const empty = await timed([BIN, "run", ...probeArgs, "--", "true"], env);
  const trueBare = await timed(["true"]);
  const overhead = (first.ms - (empty.ms - trueBare.ms)) / bare.ms;
  const paced = join(dir, "paced.ndjson");
  const seconds = 5;
  const load = await timed([BIN, "run", ...probeArgs, "--log", paced, "--", ...workload(RATE * seconds, RATE)], env);
  console.log(
    `${probe}: captured ${got}/${N}` +
      ` · run/bare ${(first.ms / bare.ms).toFixed(3)}x (${first.ms.toFixed(0)} vs ${bare.ms.toFixed(0)} ms)` +
      ` · excluding monitor start-up/shutdown (${(empty.ms - trueBare.ms).toFixed(0)} ms) ${overhead.toFixed(3)}x` +
      ` · at ${RATE}/s for ${seconds}s: monitor CPU ${((load.cpuMs / load.ms) * 100).toFixed(1)}% of one core, peak RSS ${(load.rssKb / 1024).toFixed(0)} MB, captured ${captured(paced)}/${RATE * seconds}`,
  );
}
listener.stop(true);

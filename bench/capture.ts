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

// Each run gets a fresh listener in its own process with a backlog larger than a burst: the kernel
// completes every handshake at once, so the figures measure the monitor, not a test server's
// accept loop (an in-process server's small backlog overflows under a bare connect storm and
// SYNs are retransmitted, which makes the bare run the slow one).
async function freshListener(): Promise<{ port: number; stop(): void }> {
  const proc = Bun.spawn(["python3", "-c", `import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(65535)
print(s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.close()`], { stdout: "pipe" });
  const { value } = await proc.stdout.getReader().read();
  return { port: Number(new TextDecoder().decode(value).trim()), stop: () => proc.kill("SIGKILL") };
}
let port = 0;
const listener = { stop(_: boolean) {} };

// An HTTP client making one request per new connection (a connect-heavy program that does
// something with each connection), against a local HTTP server in its own process.
async function httpServer(): Promise<{ port: number; stop(): void }> {
  const proc = Bun.spawn(["python3", "-c", `import http.server, socketserver
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200); self.send_header("content-length", "2"); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
class S(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 4096
s = S(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()`], { stdout: "pipe" });
  const { value } = await proc.stdout.getReader().read();
  return { port: Number(new TextDecoder().decode(value).trim()), stop: () => proc.kill("SIGKILL") };
}
const httpWorkload = (n: number, httpPort: number) => ["python3", "-c", `import http.client, time
start = time.time()
for i in range(${n}):
    c = http.client.HTTPConnection("127.0.0.1", ${httpPort}); c.request("GET", "/"); c.getresponse().read(); c.close()
print("elapsed_ms=%.3f" % ((time.time() - start) * 1000))`];

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
start = time.time()
kids = []
for _ in range(procs):
    pid = os.fork()
    if pid == 0:
        work(); os._exit(0)
    kids.append(pid)
for k in kids: os.waitpid(k, 0)
print("elapsed_ms=%.3f" % ((time.time() - start) * 1000))`,
];

async function timed(build: () => string[], env?: Record<string, string>): Promise<{ ms: number; cpuMs: number; rssKb: number; workMs: number }> {
  const l = await freshListener();
  port = l.port;
  const argv = build();
  const t0 = performance.now();
  const proc = Bun.spawn(argv, { stdout: "pipe", stderr: "ignore", env: { ...process.env, ...env } as Record<string, string> });
  const out = new Response(proc.stdout).text();
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
  l.stop();
  // The workload times its own connect loop: what the monitored program experiences.
  const workMs = Number((await out).match(/elapsed_ms=([\d.]+)/)?.[1] ?? NaN);
  return { ms: performance.now() - t0, cpuMs: (cpuTicks * 1000) / HZ, rssKb, workMs };
}

function captured(log: string): number {
  return readFileSync(log, "utf8").split("\n").filter((l) => l.includes('"type":"connection"') && l.includes(`"port":${port}`)).length;
}

console.log(`workload: ${N} TCP connections (handshake, then closed at once) from one process to a local listener; ${ROUNDS} interleaved rounds, medians; the paced run uses 4 processes`);
const probes = String(values.probe).split(",");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const times: Record<string, number[]> = { bare: [] };
const work: Record<string, number[]> = { bare: [] };
const got: Record<string, number[]> = {};
const startup: Record<string, number[]> = {};
await timed(() => workload(N)); // warm caches once, unmeasured
for (let round = 0; round < ROUNDS; round++) {
  // One connecting process: on 2 cores the monitor then has a core of its own, as on a real host.
  const b = await timed(() => workload(N, 0, 1));
  times.bare.push(b.ms);
  work.bare.push(b.workMs);
  for (const probe of probes) {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-"));
    const log = join(dir, "log.ndjson");
    const env = { TRUSTRUN_HOME: dir };
    const r = await timed(() => [BIN, "run", "--probe", probe, "--log", log, "--", ...workload(N, 0, 1)], env);
    (times[probe] ??= []).push(r.ms);
    (work[probe] ??= []).push(r.workMs);
    (got[probe] ??= []).push(captured(log));
    // Fixed start-up and shutdown cost of the monitor, so the ratio below says what capture costs.
    const empty = await timed(() => [BIN, "run", "--probe", probe, "--", "true"], env);
    const trueBare = await timed(() => ["true"]);
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
  const load = await timed(() => [BIN, "run", "--probe", probe, "--log", paced, "--", ...workload(RATE * seconds, RATE)], { TRUSTRUN_HOME: dir });
  console.log(
    `${probe}: captured ${got[probe].join(", ")} of ${N}` +
      ` · the program's own connect loop ${median(work[probe]).toFixed(1)} vs ${median(work.bare).toFixed(1)} ms bare: overhead ${(((median(work[probe]) / median(work.bare)) - 1) * 100).toFixed(1)}%` +
      ` · whole \`trustrun run\` vs bare command ${(run / bare).toFixed(2)}x (${run.toFixed(0)} vs ${bare.toFixed(0)} ms, of which ${fixed.toFixed(0)} ms fixed monitor start-up/shutdown)` +
      ` · at ${RATE}/s for ${seconds}s: monitor CPU ${((load.cpuMs / load.ms) * 100).toFixed(1)}% of one core, peak RSS ${(load.rssKb / 1024).toFixed(0)} MB, captured ${captured(paced)}/${RATE * seconds}`,
  );
}
// The same comparison for the HTTP client (new connection per request).
const web = await httpServer();
const HTTP_N = Math.min(N, 1000);
const httpTimes: Record<string, number[]> = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const name of ["bare", ...probes]) {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-"));
    const argv = name === "bare" ? httpWorkload(HTTP_N, web.port) : [BIN, "run", "--probe", name, "--", ...httpWorkload(HTTP_N, web.port)];
    (httpTimes[name] ??= []).push((await timed(() => argv, { TRUSTRUN_HOME: dir })).workMs);
  }
}
web.stop();
const httpBare = median(httpTimes.bare);
for (const probe of probes) {
  const t = median(httpTimes[probe]);
  console.log(`${probe}, HTTP client, ${HTTP_N} requests each on a new connection: ${t.toFixed(1)} vs ${httpBare.toFixed(1)} ms bare: overhead ${((t / httpBare - 1) * 100).toFixed(1)}%`);
}
listener.stop(true);

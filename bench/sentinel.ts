// Sentinel overhead: µs added per local HTTP request (new connection, keep-alive, fetch) with
// the agent loaded vs without, the agent's memory, and its start-up cost, on every runtime found.
// Run: ./node_modules/.bin/bun bench/sentinel.ts [--requests 2000] [--rounds 5] [--warmup 3000]
// Steady state: a client needs ~3,000 requests before its CPU per request settles (JIT tiers;
// Node 20's first 500 cost ~3x the later ones), so the default warm-up is 3,000 requests.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { prepareSentinel } from "../src/sentinel/inject.ts";
import { availableRuntimes, type RuntimeInfo } from "../test/sentinel/harness.ts";

const { values } = parseArgs({ options: { requests: { type: "string", default: "2000" }, rounds: { type: "string", default: "5" }, startups: { type: "string", default: "20" }, warmup: { type: "string", default: "3000" } } });
const N = Math.max(100, Number(values.requests));
const WARMUP = Math.max(0, Number(values.warmup));
const ROUNDS = Math.max(1, Number(values.rounds));
const STARTUPS = Math.max(3, Number(values.startups));

const client = `
const http = require('http');
const [mode, port, n, warm] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5]];
const keep = new http.Agent({ keepAlive: true, maxSockets: 1 });
function get(agent) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/bench/item', agent, headers: { accept: 'text/plain' } }, (res) => { res.resume(); res.on('end', resolve); });
    req.on('error', reject);
    req.end();
  });
}
async function one() {
  if (mode === 'new') return get(false);
  if (mode === 'keepalive') return get(keep);
  const r = await fetch('http://127.0.0.1:' + port + '/bench/item', { headers: { accept: 'text/plain' } });
  await r.text();
}
(async () => {
  for (let i = 0; i < warm; i++) await one(); // warm-up: JIT tiers, caches, pools
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) await one();
  const c = process.cpuUsage(c0);
  const ms = performance.now() - t0;
  const m = process.memoryUsage();
  console.log(JSON.stringify({ usPerReq: (ms * 1000) / n, cpuPerReq: (c.user + c.system) / n, rss: m.rss, heap: m.heapUsed }));
  keep.destroy();
})();
`;

const work = mkdtempSync(join(tmpdir(), "trustrun-bench-"));
const clientPath = join(work, "client.cjs");
writeFileSync(clientPath, client);
// The server runs in its own process so the monitor's work here never delays its answers.
const serverProc = Bun.spawn([process.execPath, "-e", 'const s = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response("ok") }); console.log(s.port);'], { stdout: "pipe", stderr: "inherit" });
const { value: portLine } = await serverProc.stdout.getReader().read();
const server = { port: Number(new TextDecoder().decode(portLine).trim()), stop: () => serverProc.kill() };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function runClient(rt: RuntimeInfo, mode: string, env: Record<string, string>) {
  const p = Bun.spawn([rt.exe, clientPath, mode, String(server.port), String(N), String(WARMUP)], { env: { PATH: process.env.PATH ?? "", ...env }, stdout: "pipe", stderr: "pipe" });
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  if (code !== 0) throw new Error(`${rt.name} ${mode} failed: ${err.slice(0, 500)}`);
  return JSON.parse(out.trim().split("\n").pop()!) as { usPerReq: number; cpuPerReq: number; rss: number; heap: number };
}

/** Median wall time of `-e 0` without and with the agent, runs interleaved. */
async function startupMs(rt: RuntimeInfo, env: Record<string, string>, code = "0"): Promise<[number, number]> {
  const without: number[] = [];
  const withAgent: number[] = [];
  const once = async (e: Record<string, string>) => {
    const t0 = performance.now();
    const p = Bun.spawn([rt.exe, "-e", code], { env: { PATH: process.env.PATH ?? "", ...e }, stdout: "ignore", stderr: "ignore" });
    await p.exited;
    return performance.now() - t0;
  };
  for (let i = 0; i < STARTUPS; i++) {
    without.push(await once({}));
    withAgent.push(await once(env));
  }
  return [median(without), median(withAgent)];
}

const rows: string[] = [];
console.log(`sentinel bench: ${N} sequential requests per run after ${WARMUP} warm-up requests, median of ${ROUNDS} rounds, loopback Bun.serve server`);
for (const rt of availableRuntimes()) {
  const prepared = await prepareSentinel({ runtime: rt.kind, baseEnv: {} });
  let signals = 0;
  prepared.channel.onSignal(() => signals++);
  try {
    for (const mode of ["new", "keepalive", "fetch"]) {
      const base: number[] = [];
      const withAgent: number[] = [];
      const rss: number[] = [];
      const rssBase: number[] = [];
      const cpu0: number[] = [];
      const cpu1: number[] = [];
      const cpuAdded: number[] = []; // per round: the two runs sit next to each other in time
      for (let r = 0; r < ROUNDS; r++) {
        // Alternate the order so drift in machine load does not favour one side.
        let a;
        let b;
        if (r % 2 === 0) {
          a = await runClient(rt, mode, {});
          b = await runClient(rt, mode, prepared.env);
        } else {
          b = await runClient(rt, mode, prepared.env);
          a = await runClient(rt, mode, {});
        }
        base.push(a.usPerReq);
        withAgent.push(b.usPerReq);
        rssBase.push(a.rss);
        rss.push(b.rss);
        cpu0.push(a.cpuPerReq);
        cpu1.push(b.cpuPerReq);
        cpuAdded.push(b.cpuPerReq - a.cpuPerReq);
      }
      const b0 = median(base);
      const b1 = median(withAgent);
      const c0 = median(cpu0);
      const c1 = median(cpu1);
      const row = `| ${rt.name} | ${mode} | ${b0.toFixed(1)} | ${b1.toFixed(1)} | ${(b1 - b0).toFixed(1)} | x${(b1 / b0).toFixed(2)} | ${c0.toFixed(1)} → ${c1.toFixed(1)} (+${(c1 - c0).toFixed(1)}, paired +${median(cpuAdded).toFixed(1)}) | ${((median(rss) - median(rssBase)) / 1e6).toFixed(1)} |`;
      rows.push(row);
      console.log(row);
    }
    // An empty program, and one that loads http and https as any networked program does.
    for (const [label, code] of [["`-e 0`", "0"], ["`require(http, https)`", "require('http'); require('https')"]]) {
      const [s0, s1] = await startupMs(rt, prepared.env, code);
      const row = `| ${rt.name} | start-up ${label} | ${s0.toFixed(1)} ms | ${s1.toFixed(1)} ms | ${(s1 - s0).toFixed(1)} ms | x${(s1 / s0).toFixed(2)} | | |`;
      rows.push(row);
      console.log(row);
    }
  } finally {
    await prepared.cleanup();
  }
  console.log(`  (${signals} facts/signals received from ${rt.name} runs)`);
}
server.stop();
rmSync(work, { recursive: true, force: true });
console.log("\n| runtime | mode | without (µs/req) | with agent (µs/req) | added (µs/req) | ratio | target CPU µs/req | RSS added (MB) |\n|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);

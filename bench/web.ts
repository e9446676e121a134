// Web view benchmarks.
//   bun bench/web.ts [--rates 1000,5000,...] [--seconds 3] [--events 100000]
// 1. Events per second the dashboard stream keeps up with: a separate process writes connection
//    events at increasing rates into the database the server polls; a WebSocket client counts
//    what arrives and how late (event ts → receipt).
// 2. Page load time for a session of 100,000 events: first page, a deep page, the API page, the
//    dashboard and the history list (pagination by rowid; no full-table loads).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/store/index.ts";
import { startServer } from "../src/web/server.ts";
import type { ConnectionEvent } from "../src/core/types.ts";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : fallback);
const rates = opt("rates", "1000,5000,10000,20000,40000").split(",").map(Number);
const seconds = Number(opt("seconds", "3"));
const sessionEvents = Number(opt("events", "100000"));
const token = "bench-token-0123456789abcdef";
const dir = mkdtempSync(join(tmpdir(), "trw-bench-web-"));
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);

async function liveRate(rate: number) {
  const db = join(dir, `live-${rate}.db`);
  const store = openStore(db);
  const server = startServer({ store, token, port: 0 });
  const ws = new WebSocket(server.url.replace("http", "ws") + "ws", { headers: { cookie: `trustrun_token=${token}` } } as any);
  await new Promise<void>((resolve, reject) => { ws.onopen = () => resolve(); ws.onerror = () => reject(new Error("ws refused")); });
  let received = 0;
  let gaps = 0;
  const lags: number[] = [];
  ws.onmessage = (m) => {
    const msg = JSON.parse(String(m.data));
    if (msg.type === "gap") gaps += msg.skipped;
    if (msg.type !== "events") return;
    const now = Date.now();
    received += msg.events.length;
    for (let i = 0; i < msg.events.length; i += 50) lags.push(now - msg.events[i].event.ts);
  };
  const writer = Bun.spawn([process.execPath, join(import.meta.dir, "web-writer.ts"), db, String(rate), String(seconds)], { stdout: "pipe" });
  const cpu0 = process.cpuUsage();
  const out = JSON.parse(await new Response(writer.stdout).text());
  await writer.exited;
  const deadline = Date.now() + 3000;
  while (received + gaps < out.written && Date.now() < deadline) await Bun.sleep(20);
  const cpu = process.cpuUsage(cpu0);
  ws.close();
  await server.stop();
  store.close();
  return { rate, written: out.written, received, skipped: gaps, p50: pct(lags, 50), p95: pct(lags, 95), cpuPct: Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100) };
}

async function pageLoad() {
  const db = join(dir, "big.db");
  const store = openStore(db);
  const id = "bench-big-session";
  const t0 = Date.now() - sessionEvents;
  store.startSession({ type: "session", phase: "start", session: id, ts: t0, target: { mode: "run", pid: 1, argv: ["python3", "etl.py"] }, policy: "bench", probes: [{ name: "ebpf", complete: true }], complete: true });
  const fillStart = performance.now();
  for (let off = 0; off < sessionEvents; off += 5000) {
    const batch: ConnectionEvent[] = [];
    for (let i = off; i < Math.min(sessionEvents, off + 5000); i++) {
      batch.push({
        type: "connection", ts: t0 + i, session: id, pid: 100 + (i % 5), ppid: 1, exe: "/usr/bin/python3", argv: null, proto: "tcp",
        dst: { ip: `10.2.${(i % 200) >> 8}.${i % 200}`, port: 443 }, host: `svc${i % 200}.example`, hostSource: "dns", probe: "ebpf",
        verdict: i % 97 === 0 ? "block" : "allow", rule: null, reason: "bench",
      });
    }
    store.appendEvents(batch);
  }
  store.endSession({ type: "session", phase: "end", session: id, ts: t0 + sessionEvents, target: { mode: "run" }, policy: "bench", probes: [], complete: true, exitCode: 0, counts: { connections: sessionEvents, violations: 0, destinations: 200 } });
  const fillMs = performance.now() - fillStart;
  const server = startServer({ store, token, port: 0 });
  const headers = { cookie: `trustrun_token=${token}` };
  const time = async (path: string) => {
    const ms: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const res = await fetch(server.url + path, { headers });
      const body = await res.text();
      if (res.status !== 200) throw new Error(`${path}: ${res.status}`);
      ms.push(performance.now() - s);
      bytes = body.length;
    }
    return { path, firstMs: +ms[0].toFixed(1), medianMs: +pct(ms, 50).toFixed(1), maxMs: +Math.max(...ms).toFixed(1), kB: Math.round(bytes / 1024) };
  };
  const deep = store.listEvents({ session: id, limit: 1, afterId: Math.floor(sessionEvents / 2) })[0].id;
  const rows = [
    await time(`sessions/${id}`),
    await time(`sessions/${id}/destinations`),
    await time(`sessions/${id}/events?before=${deep}`),
    await time(`api/sessions/${id}/events?limit=100&before=${deep}`),
    await time(""),
    await time("sessions"),
    await time(`sessions?q=svc7.example`),
    await time("api/series?minutes=1440&bucket=60"),
  ];
  await server.stop();
  store.close();
  return { fillMs: Math.round(fillMs), rows };
}

console.log(`# dashboard stream: ${seconds} s per rate, writer in a separate process, 250 ms polling`);
console.log("rate/s   written  received  skipped  lag p50 ms  lag p95 ms  server+client CPU %");
for (const rate of rates) {
  const r = await liveRate(rate);
  console.log(`${String(r.rate).padEnd(9)}${String(r.written).padEnd(9)}${String(r.received).padEnd(10)}${String(r.skipped).padEnd(9)}${String(r.p50).padEnd(12)}${String(r.p95).padEnd(12)}${r.cpuPct}`);
}
console.log(`\n# page load, session of ${sessionEvents} events (5 requests each, over HTTP)`);
const p = await pageLoad();
console.log(`(filled in ${p.fillMs} ms)`);
for (const r of p.rows) console.log(`${(r.path || "/").padEnd(60)} first ${String(r.firstMs).padStart(7)} ms  median ${String(r.medianMs).padStart(7)} ms  max ${String(r.maxMs).padStart(7)} ms  ${r.kB} kB`);
rmSync(dir, { recursive: true, force: true });

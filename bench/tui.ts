// CPU and RSS of the live screen at 100, 1,000 and 5,000 events/s.
//
// Method: each rate runs in a fresh process that mounts the real component tree (startTui, the
// same code `trustrun run` uses) on a fake 160x45 terminal and pushes synthetic connection events
// (10% violations, 200 destinations) in 10 ms batches. The capture pipeline is not involved: this
// measures the screen alone. Usage: bun bench/tui.ts [seconds per rate, default 10]
import { Writable } from "node:stream";
import { EventEmitter } from "node:events";
import type { ConnectionEvent } from "../src/core/types.ts";

const rateArg = process.argv.indexOf("--rate");
if (rateArg > 0) {
  await child(Number(process.argv[rateArg + 1]), Number(process.argv[rateArg + 2]));
} else {
  const seconds = Number(process.argv[2] ?? 10);
  console.log(`TUI bench: ${seconds} s per rate, 160x45 fake terminal, flush 8 Hz`);
  console.log("rate/s   events    cpu%   rss MB (max)   bytes drawn/s");
  for (const rate of [100, 1000, 5000]) {
    const p = Bun.spawn([process.execPath, import.meta.path, "--rate", String(rate), String(seconds)], { stdout: "pipe", stderr: "inherit", env: { ...process.env, NODE_ENV: "production" } });
    const out = await new Response(p.stdout).text();
    await p.exited;
    const r = JSON.parse(out.trim().split("\n").at(-1)!);
    console.log(`${String(rate).padStart(6)} ${String(r.events).padStart(8)} ${r.cpu.toFixed(1).padStart(7)} ${r.rssMax.toFixed(0).padStart(8)} ${String(Math.round(r.bytesPerSecond)).padStart(18)}`);
  }
}

async function child(rate: number, seconds: number): Promise<void> {
  const { startTui } = await import("../src/tui/controller.tsx");
  let bytes = 0;
  const stdout = Object.assign(new Writable({ write(chunk, _enc, cb) { bytes += chunk.length; cb(); } }), { isTTY: true, columns: 160, rows: 45 });
  const stdin = Object.assign(new EventEmitter(), { isTTY: false, setRawMode() {}, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
  const tui = startTui({ mode: "run", learn: false, stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream, handleSignals: false });
  tui.push([{ type: "session", phase: "start", session: "bench", ts: Date.now(), target: { mode: "run", pid: 1, argv: ["bench"] }, policy: "bench", probes: [{ name: "ebpf", complete: true }], complete: true }]);
  await Bun.sleep(300); // first frame and module warm-up are not part of the measurement
  const batchMs = 10;
  let events = 0;
  let rssMax = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  while (performance.now() < end) {
    // Paced by the clock, not by sleep accuracy: always `rate` events per elapsed second.
    const n = Math.floor((rate * (performance.now() - t0)) / 1000) - events;
    const batch: ConnectionEvent[] = [];
    for (let i = 0; i < n; i++, events++) {
      const d = events % 200;
      batch.push({
        type: "connection", session: "bench", ts: Date.now(), pid: 1000 + (events % 7), ppid: 1, exe: "/usr/bin/python3", argv: ["python3", "job.py"],
        proto: "tcp", dst: { ip: `10.0.${d >> 8}.${d & 255}`, port: 443 }, host: `svc${d}.example.com`, hostSource: "dns", probe: "ebpf",
        verdict: events % 10 === 0 ? "block" : "allow", rule: events % 10 === 0 ? "deny[0]" : "allow[1]", reason: "bench",
      });
    }
    if (n) tui.push(batch);
    rssMax = Math.max(rssMax, process.memoryUsage().rss);
    await Bun.sleep(batchMs);
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await tui.close();
  console.log(JSON.stringify({ rate, events, cpu: ((cpu.user + cpu.system) / 1000 / wall) * 100, rssMax: rssMax / 1e6, bytesPerSecond: bytes / (wall / 1000) }));
}

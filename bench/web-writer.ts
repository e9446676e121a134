// Child process for bench/web.ts: writes connection events into a database at a given rate,
// in 50 ms batches as `trustrun run`'s writer does.   bun bench/web-writer.ts DB RATE SECONDS
import { openStore } from "../src/store/index.ts";
import type { ConnectionEvent } from "../src/core/types.ts";

const [db, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
const store = openStore(db);
const perBatch = Math.max(1, Math.round(rate / 20));
const batches = Math.round(seconds * 20);
let n = 0;
const start = performance.now();
for (let b = 0; b < batches; b++) {
  const now = Date.now();
  const events: ConnectionEvent[] = [];
  for (let i = 0; i < perBatch; i++, n++) {
    events.push({
      type: "connection", ts: now, session: "bench-live", pid: 1000 + (n % 7), ppid: 1, exe: "/usr/bin/python3", argv: ["python3", "load.py"],
      proto: "tcp", dst: { ip: `10.1.${(n >> 8) & 255}.${n & 255}`, port: 443 }, host: `h${n % 50}.example`, hostSource: "dns",
      probe: "ebpf", verdict: n % 10 === 0 ? "alert" : "allow", rule: null, reason: "bench",
    });
  }
  store.appendEvents(events);
  const due = start + (b + 1) * 50;
  const wait = due - performance.now();
  if (wait > 0) await Bun.sleep(wait);
}
store.close();
console.log(JSON.stringify({ written: n, ms: Math.round(performance.now() - start) }));

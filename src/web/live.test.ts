import { expect, test } from "bun:test";
import { openStore } from "../store/index.ts";
import { createLivePoller } from "./live.ts";
import type { ConnectionEvent } from "../core/types.ts";
import type { StoredEvent } from "../store/events.ts";

const ev = (i: number): ConnectionEvent => ({
  type: "connection", ts: i, session: "s", pid: 1, ppid: null, exe: null, argv: null, proto: "tcp", dst: { ip: "10.0.0.1", port: i },
  host: null, hostSource: null, probe: "proc", verdict: "allow", rule: null, reason: "",
});

test("the poller delivers only new rows, in order, in bounded batches, and reports gaps", () => {
  const store = openStore(":memory:");
  store.appendEvents([ev(1), ev(2)]); // before start: not replayed
  const got: StoredEvent[] = [];
  const gaps: number[] = [];
  let sessionsChanged = 0;
  const p = createLivePoller(store, { batch: 3, maxPerTick: 3, maxLag: 10, onEvents: (e) => got.push(...e), onGap: (n) => gaps.push(n), onSessionsChanged: () => sessionsChanged++ });
  expect(p.tick()).toBe(0);
  store.appendEvents([ev(3), ev(4), ev(5), ev(6)]);
  expect(p.tick()).toBe(3);
  expect(p.tick()).toBe(1);
  expect(got.map((e) => (e.event as ConnectionEvent).dst.port)).toEqual([3, 4, 5, 6]);
  store.appendEvents(Array.from({ length: 20 }, (_, i) => ev(100 + i)));
  got.length = 0;
  p.tick();
  expect(gaps).toEqual([17]);
  expect(got.map((e) => (e.event as ConnectionEvent).dst.port)).toEqual([117, 118, 119]);
  store.startSession({ type: "session", phase: "start", session: "n", ts: 1, target: { mode: "run" }, policy: "p", probes: [], complete: true });
  for (let i = 0; i < 4; i++) p.tick();
  expect(sessionsChanged).toBe(1);
});

test("several batches per tick up to maxPerTick", () => {
  const store = openStore(":memory:");
  const calls: number[] = [];
  const p = createLivePoller(store, { batch: 2, maxPerTick: 5, onEvents: (e) => calls.push(e.length) });
  store.appendEvents(Array.from({ length: 7 }, (_, i) => ev(i)));
  expect(p.tick()).toBe(5);
  expect(calls).toEqual([2, 2, 1]);
  expect(p.tick()).toBe(2);
  expect(p.tick()).toBe(0);
});

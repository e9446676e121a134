import { describe, expect, test } from "bun:test";
import { openStore } from "./index.ts";
import { eventSeries, sessionsVersion } from "./series.ts";
import type { ConnectionEvent, SessionEvent } from "../core/types.ts";

function conn(ts: number, verdict: ConnectionEvent["verdict"], session = "s1"): ConnectionEvent {
  return {
    type: "connection", ts, session, pid: 1, ppid: null, exe: "/bin/x", argv: null, proto: "tcp",
    dst: { ip: "10.0.0.1", port: 443 }, host: "a.example", hostSource: "dns", probe: "proc", verdict, rule: null, reason: "",
  };
}

describe("eventSeries", () => {
  test("counts connections and violations per bucket, ignoring older rows and other types", () => {
    const store = openStore(":memory:");
    store.appendEvents([
      conn(500, "alert"), // before since
      conn(1000, "allow"), conn(1500, "block"), conn(1999, "allow"),
      conn(2000, "kill"), conn(2500, "alert", "s2"),
      { type: "dns", ts: 2100, session: "s1", pid: 1, name: "a.example", answers: [], probe: "pcap" },
    ]);
    expect(eventSeries(store.db, { since: 1000, bucketMs: 1000 })).toEqual([
      { t: 1000, connections: 3, violations: 1 },
      { t: 2000, connections: 2, violations: 2 },
    ]);
    expect(eventSeries(store.db, { since: 0, bucketMs: 1000, session: "s2" })).toEqual([{ t: 2000, connections: 1, violations: 1 }]);
    // maxRows bounds the look-back to the newest rows.
    expect(eventSeries(store.db, { since: 0, bucketMs: 10_000, maxRows: 2 })).toEqual([{ t: 0, connections: 2, violations: 2 }]);
  });

  test("fractional timestamps (eBPF) land on bucket boundaries", () => {
    const store = openStore(":memory:");
    const base = 1_796_677_710_000;
    store.appendEvents([conn(base + 4696.7568, "allow"), conn(base + 9999.999, "block"), conn(base + 10_000.25, "allow"), conn(base + 0.5, "alert")]);
    const points = eventSeries(store.db, { since: base, bucketMs: 10_000 });
    expect(points).toEqual([
      { t: base, connections: 3, violations: 2 },
      { t: base + 10_000, connections: 1, violations: 0 },
    ]);
    for (const p of points) expect(Number.isInteger(p.t) && p.t % 10_000 === 0).toBe(true);
  });

  test("sessionsVersion changes on start and end", () => {
    const store = openStore(":memory:");
    const v0 = sessionsVersion(store.db);
    const ev: SessionEvent = { type: "session", phase: "start", session: "abc", ts: 1, target: { mode: "run", argv: ["x"] }, policy: "p", probes: [], complete: true };
    store.startSession(ev);
    const v1 = sessionsVersion(store.db);
    expect(v1).not.toBe(v0);
    store.endSession({ ...ev, phase: "end", ts: 2, exitCode: 0 });
    expect(sessionsVersion(store.db)).not.toBe(v1);
  });
});

import { alertById, processOf } from "./lookups.ts";

test("processOf finds the executable of a pid in a session", () => {
  const store = openStore(":memory:");
  store.appendEvents([conn(1, "allow"), { ...conn(2, "allow", "s2"), pid: 7, exe: "/usr/bin/curl" }]);
  expect(processOf(store.db, "s1", 1)).toBe("/bin/x");
  expect(processOf(store.db, "s2", 7)).toBe("/usr/bin/curl");
  expect(processOf(store.db, "s1", 7)).toBeNull();
});

test("alertById returns the alert as listAlerts does", () => {
  const store = openStore(":memory:");
  store.appendAlerts([{ type: "alert", ts: 5, session: "s1", severity: "high", pid: 3, dst: { ip: "192.0.2.1", port: 443 }, host: "x.test", rule: "deny[0]", message: "m", suggestion: "s" }]);
  const listed = store.listAlerts()[0];
  expect(alertById(store.db, listed.id)).toEqual(listed);
  expect(alertById(store.db, listed.id + 1)).toBeNull();
});

import { destinationProtos } from "./lookups.ts";

test("destinationProtos groups like destinations()", () => {
  const store = openStore(":memory:");
  store.appendEvents([conn(1, "allow"), { ...conn(2, "allow"), proto: "udp" }, { ...conn(3, "allow"), host: null, dst: { ip: "10.0.0.9", port: 53 }, proto: "udp" }]);
  const m = destinationProtos(store.db, "s1");
  expect(m.get("a.example|443")!.sort()).toEqual(["tcp", "udp"]);
  expect(m.get("10.0.0.9|53")).toEqual(["udp"]);
});

import { sessionEventStats } from "./lookups.ts";

test("sessionEventStats counts a session's rows and finds its newest id", () => {
  const store = openStore(":memory:");
  expect(sessionEventStats(store.db, "s1")).toEqual({ count: 0, lastId: 0 });
  store.appendEvents([conn(1, "allow"), conn(2, "allow", "s2"), conn(3, "allow")]);
  expect(sessionEventStats(store.db, "s1")).toEqual({ count: 2, lastId: 3 });
});

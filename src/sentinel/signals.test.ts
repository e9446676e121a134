import { describe, expect, test } from "bun:test";
import { compareSnapshots, type ArtifactSnapshot } from "./drift.ts";
import type { LoopMsg, RequestMsg } from "./protocol.ts";
import { createLoopTracker, createShapeTracker, toOutputs } from "./signals.ts";

const req = (path: string, headerNames: string[] = ["accept"], method = "GET"): RequestMsg => ({ t: "request", pid: 1, ts: 1, via: "http", host: "api.x", port: 443, method, path, headerNames, pkg: "app", n: 1 });
const loop = (p99: number): LoopMsg => ({ t: "loop", pid: 1, ts: 1, p50: 1, p99, max: p99, stalls: 0, samples: 100 });

describe("request shape drift", () => {
  test("the first shape is the baseline; a new method, path or header set is a signal", () => {
    const trackers = { shapes: createShapeTracker(), loop: createLoopTracker() };
    const kinds = (m: RequestMsg) => toOutputs(m, "s", trackers).map((o) => ("kind" in o ? o.kind : ""));
    expect(kinds(req("/v1/:id"))).toEqual(["request"]);
    expect(kinds(req("/v1/:id"))).toEqual(["request"]);
    expect(kinds(req("/v1/:id", ["accept", "x-debug"]))).toEqual(["request", "request-shape"]);
    expect(kinds(req("/v1/:id", ["accept"], "DELETE"))).toEqual(["request", "request-shape"]);
    expect(kinds(req("/admin"))).toEqual(["request", "request-shape"]);
    expect(kinds(req("/admin"))).toEqual(["request"]);
  });
});

describe("event-loop drift", () => {
  test("flags p99 well above the process's own baseline", () => {
    const t = createLoopTracker(3);
    expect(t(loop(2)).drift).toBe(false);
    expect(t(loop(3)).drift).toBe(false);
    expect(t(loop(2.5)).drift).toBe(false);
    expect(t(loop(5))).toEqual({ baseline: 2.5, drift: false });
    expect(t(loop(40))).toEqual({ baseline: 2.5, drift: true });
  });
  test("stalls become their own signal", () => {
    const out = toOutputs({ ...loop(1500), stalls: 1 }, "s", { shapes: createShapeTracker(), loop: createLoopTracker() });
    expect(out.map((o) => ("kind" in o ? o.kind : ""))).toEqual(["event-loop", "event-loop-stall"]);
  });
});

describe("artifact drift", () => {
  const snap = (o: Partial<ArtifactSnapshot>): ArtifactSnapshot => ({ runtime: { execPath: "/usr/bin/node", version: "v20.0.0", sha256: "aa" }, lockfiles: { "package-lock.json": "l1" }, packages: { a: "1.0.0 h1" }, binaries: [], takenAt: 0, ...o });
  test("no change, changed runtime hash, lockfile, added and removed packages", () => {
    expect(compareSnapshots(snap({}), snap({}))).toEqual([]);
    const changes = compareSnapshots(snap({}), snap({
      runtime: { execPath: "/usr/bin/node", version: "v20.0.0", sha256: "bb" },
      lockfiles: { "package-lock.json": "l2" },
      packages: { b: "2.0.0 h2" },
    }));
    expect(changes.map((c) => `${c.what}:${c.name}`)).toEqual(["runtime:/usr/bin/node", "lockfile:package-lock.json", "package:a", "package:b"]);
    expect(changes[2].after).toBeNull();
    expect(changes[3].before).toBeNull();
  });
});

import { expect, test } from "bun:test";
import { openStore } from "../store/index.ts";
import { createDestinationCache } from "./destinations-cache.ts";
import type { ConnectionEvent } from "../core/types.ts";

const ev = (session: string, host: string): ConnectionEvent => ({
  type: "connection", ts: 1, session, pid: 1, ppid: null, exe: null, argv: null, proto: "tcp", dst: { ip: "10.0.0.1", port: 443 },
  host, hostSource: "dns", probe: "proc", verdict: "allow", rule: null, reason: "",
});

test("the destination summary is reused until the session gets a new row", () => {
  const store = openStore(":memory:");
  let computed = 0;
  const real = store.destinations;
  store.destinations = (s: string) => (computed++, real(s));
  const cache = createDestinationCache(store, 2);
  store.appendEvents([ev("a", "x.test")]);
  expect(cache.peek("a")).toBeNull();
  expect(cache.get("a").map((d) => d.host)).toEqual(["x.test"]);
  expect(cache.get("a")).toHaveLength(1);
  expect(computed).toBe(1);
  store.appendEvents([ev("b", "y.test")]); // another session's row does not invalidate a
  expect(cache.peek("a")).not.toBeNull();
  store.appendEvents([ev("a", "z.test")]);
  expect(cache.peek("a")).toBeNull();
  expect(cache.get("a")).toHaveLength(2);
  expect(computed).toBe(2);
  cache.get("b");
  cache.get("c");
  expect(cache.peek("a")).toBeNull(); // evicted: at most 2 sessions kept
  expect(cache.cheap("a")).toBe(true);
});

import { expect, test } from "bun:test";
import { createBus } from "./bus.ts";

test("a throwing listener does not stop delivery to the others", () => {
  const bus = createBus<number>();
  const seen: number[] = [];
  bus.subscribe(() => {
    throw new Error("boom");
  });
  bus.subscribe((n) => seen.push(n));
  const origWrite = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    bus.publish(7);
  } finally {
    process.stderr.write = origWrite;
  }
  expect(seen).toEqual([7]);
});

test("unsubscribe stops delivery", () => {
  const bus = createBus<number>();
  const seen: number[] = [];
  const off = bus.subscribe((n) => seen.push(n));
  bus.publish(1);
  off();
  bus.publish(2);
  expect(seen).toEqual([1]);
  expect(bus.size).toBe(0);
});

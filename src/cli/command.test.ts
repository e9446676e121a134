import { expect, test } from "bun:test";
import { parseSize } from "./command.ts";

test("sizes: bytes, decimal and binary units, any case; anything else is refused", () => {
  expect(parseSize("5000000")).toBe(5_000_000);
  expect(parseSize("500k")).toBe(500_000);
  expect(parseSize("5M")).toBe(5_000_000);
  expect(parseSize("5 mb")).toBe(5_000_000);
  expect(parseSize("2MiB")).toBe(2 * 1024 * 1024);
  expect(parseSize("1.5G")).toBe(1_500_000_000);
  expect(parseSize("0.5KiB")).toBe(512);
  for (const bad of ["", "M", "-3", "5 parsecs", "1e6", "5MBB", "0x10", "99999999999999999999"]) expect(parseSize(bad)).toBeNull();
});

import { describe, expect, test } from "bun:test";
import { destinationKeys, qnameKey } from "./probe.ts";

describe("destinationKeys", () => {
  test("IPv4 gives the AF_INET key and the IPv4-mapped AF_INET6 key", () => {
    const [v4, mapped] = destinationKeys("10.0.0.7", 443);
    expect(Array.from(v4!)).toEqual([2, 0, 0xbb, 0x01, 10, 0, 0, 7, ...Array(12).fill(0)]);
    expect(Array.from(mapped!)).toEqual([10, 0, 0xbb, 0x01, ...Array(10).fill(0), 0xff, 0xff, 10, 0, 0, 7]);
  });

  test("IPv6 gives one key; an IPv4-mapped one also its IPv4 key", () => {
    const keys = destinationKeys("::1", 53);
    expect(keys.length).toBe(1);
    expect(Array.from(keys[0]!)).toEqual([10, 0, 53, 0, ...Array(15).fill(0), 1]);
    const mapped = destinationKeys("::ffff:127.0.0.1", 80);
    expect(mapped.map((k) => k[0])).toEqual([10, 2]);
    expect(Array.from(mapped[1]!.subarray(4, 8))).toEqual([127, 0, 0, 1]);
  });
});

describe("qnameKey", () => {
  test("DNS wire format, lower case, zero padded to 64 bytes", () => {
    const k = qnameKey("API.Example.com.")!;
    expect(k.length).toBe(64);
    expect(Array.from(k.subarray(0, 17))).toEqual([3, 97, 112, 105, 7, 101, 120, 97, 109, 112, 108, 101, 3, 99, 111, 109, 0]);
    expect(k.subarray(17).every((b) => b === 0)).toBe(true);
    expect(qnameKey("api.example.com")).toEqual(k);
  });

  test("names that do not fit, empty labels and odd bytes give null", () => {
    expect(qnameKey(`${"a".repeat(30)}.${"b".repeat(30)}.com`)).toBeNull(); // 66 bytes in wire format
    expect(qnameKey("a..b")).toBeNull();
    expect(qnameKey("")).toBeNull();
    expect(qnameKey("a b.com")).toBeNull();
    expect(qnameKey(`${"a".repeat(64)}.com`)).toBeNull();
  });
});

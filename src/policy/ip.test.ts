import { describe, expect, test } from "bun:test";
import { ipInCidr, normalizeCidr, normalizeIp } from "./ip.ts";
import { prng } from "../core/prng.test-helper.ts";

const cidr = (c: string) => {
  const r = normalizeCidr(c);
  if (!("cidr" in r)) throw new Error(r.error);
  return r.cidr;
};

describe("normalizeIp", () => {
  test.each([
    ["10.0.0.1", "10.0.0.1"],
    ["::ffff:10.0.0.1", "10.0.0.1"],
    ["::FFFF:a00:1", "10.0.0.1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["[::1]", "::1"],
    ["fe80::1%eth0", "fe80::1"],
  ])("%p → %p", (i, o) => expect(normalizeIp(i)).toBe(o));
  test.each([["127.1"], ["0x7f.0.0.1"], ["2130706433"], ["10.0.0.256"], ["1.2.3.4.5"], [""], ["::g"], ["example.com"], [null], [7]])(
    "rejects %p",
    (i) => expect(normalizeIp(i)).toBeNull(),
  );
});

describe("normalizeCidr", () => {
  test.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    ["10.1.2.3", "10.1.2.3/32"],
    ["2001:db8::/32", "2001:db8::/32"],
    ["::1", "::1/128"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
  ])("%p → %p", (i, o) => expect(cidr(i)).toBe(o));
  test.each([["10.0.0.1/8"], ["10.0.0.0/33"], ["10.0.0.0/-1"], ["10.0.0.0/"], ["2001:db8::/129"], ["nope/8"], ["10.0.0.0/8/8"], ["fe80::1%eth0"]])(
    "rejects %p",
    (i) => expect("error" in normalizeCidr(i)).toBe(true),
  );
});

describe("ipInCidr", () => {
  test.each([
    ["10.1.2.3", "10.0.0.0/8", true],
    ["11.1.2.3", "10.0.0.0/8", false],
    ["::ffff:10.1.2.3", "10.0.0.0/8", true],
    ["10.1.2.3", "::/0", false],
    ["2001:db8::5", "2001:db8::/32", true],
    ["2001:db9::5", "2001:db8::/32", false],
    ["192.168.1.1", "192.168.1.1/32", true],
    ["192.168.1.2", "192.168.1.1/32", false],
    ["garbage", "0.0.0.0/0", false],
  ])("%p in %p → %p", (ip, c, want) => expect(ipInCidr(ip, cidr(c))).toBe(want));

  test("random addresses: in range iff the prefix bits agree (seeded)", () => {
    const r = prng(7);
    for (let i = 0; i < 3000; i++) {
      const bits = r.int(0, 32);
      const net = r.int(0, 2 ** 32 - 1);
      const ip = r.int(0, 2 ** 32 - 1);
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const text = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".");
      const range = `${text((net & mask) >>> 0)}/${bits}`;
      expect(ipInCidr(text(ip), cidr(range))).toBe(((ip & mask) >>> 0) === ((net & mask) >>> 0));
      expect(ipInCidr(`::ffff:${text(ip)}`, cidr(range))).toBe(((ip & mask) >>> 0) === ((net & mask) >>> 0));
    }
  });
});

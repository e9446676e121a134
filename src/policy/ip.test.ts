import { describe, expect, test } from "bun:test";
import { addressFromHost, endsInNumber, ipInCidr, ipv4FromInetAton, normalizeCidr, normalizeIp } from "./ip.ts";
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

describe("ipv4FromInetAton, addressFromHost", () => {
  test.each([
    ["169.254.169.254", "169.254.169.254"],
    ["2852039166", "169.254.169.254"],
    ["0xA9FEA9FE", "169.254.169.254"],
    ["0xa9fea9fe", "169.254.169.254"],
    ["0251.0376.0251.0376", "169.254.169.254"],
    ["169.254.43518", "169.254.169.254"],
    ["169.16689662", "169.254.169.254"],
    ["0xa9.0xfe.0xa9.0xfe", "169.254.169.254"],
    ["127.1", "127.0.0.1"],
    ["10.0.0.1.", "10.0.0.1"],
    ["0", "0.0.0.0"],
    ["4294967295", "255.255.255.255"],
  ])("%p → %p", (i, o) => {
    expect(ipv4FromInetAton(i)).toBe(o);
    expect(addressFromHost(i)).toBe(o);
  });
  test.each([["4294967296"], ["256.1.1.1"], ["1.2.3.4.5"], ["08.1.1.1"], ["0x1g"], ["1..2"], [".1.2.3"], ["a.b"], ["example.com"], [""], ["1.2.3.4.."], ["::1"], [null]])(
    "rejects %p",
    (i) => expect(ipv4FromInetAton(i)).toBeNull(),
  );
  test("addressFromHost also reads IPv6 literals, and nothing else", () => {
    expect(addressFromHost("[::1]")).toBe("::1");
    expect(addressFromHost("::ffff:169.254.169.254")).toBe("169.254.169.254");
    expect(addressFromHost("FD00:EC2::254")).toBe("fd00:ec2::254");
    expect(addressFromHost("api.example.com")).toBeNull();
    expect(addressFromHost("1.2.3.4.5")).toBeNull();
  });
  test("endsInNumber: names URL parsers read as IPv4 (or refuse)", () => {
    for (const n of ["1.2.3.4.5", "999.1.1.1", "a.123", "a.0x1f", "10.0.0.1."]) expect(endsInNumber(n)).toBe(true);
    for (const n of ["example.com", "1.2.3.example", "a.0xg", "123.com"]) expect(endsInNumber(n)).toBe(false);
  });
});

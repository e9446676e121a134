import { describe, expect, test } from "bun:test";
import { prng as seeded } from "../core/prng.test-helper.ts";
import { buildDnsQuery, buildDnsResponse, formatIpv6, parseDnsMessage, resolvedAddresses } from "./dns.ts";

/** Seeded, so fuzz runs are reproducible. */
const prng = (seed: number) => seeded(seed).next;

describe("parseDnsMessage", () => {
  test("parses a query", () => {
    const m = parseDnsMessage(buildDnsQuery("api.example.com", "AAAA", 0xbeef))!;
    expect(m.id).toBe(0xbeef);
    expect(m.isResponse).toBe(false);
    expect(m.questions).toEqual([{ name: "api.example.com", type: "AAAA" }]);
    expect(m.answers).toEqual([]);
    expect(m.partial).toBe(false);
  });

  test("parses a response with a CNAME chain and compression pointers", () => {
    const bytes = buildDnsResponse({
      id: 7,
      name: "api.openai.com",
      answers: [
        { type: "CNAME", data: "api.openai.com.cdn.cloudflare.net", ttl: 60 },
        { name: "api.openai.com.cdn.cloudflare.net", type: "A", data: "104.18.6.192", ttl: 30 },
        { name: "api.openai.com.cdn.cloudflare.net", type: "AAAA", data: "2606:4700::6812:6c0", ttl: 30 },
      ],
    });
    // The first answer's owner is written as a pointer to the question (0xc00c).
    expect([...bytes.subarray(32, 34)]).toEqual([0xc0, 0x0c]);
    const m = parseDnsMessage(bytes)!;
    expect(m.isResponse).toBe(true);
    expect(m.answers).toEqual([
      { name: "api.openai.com", type: "CNAME", data: "api.openai.com.cdn.cloudflare.net", ttl: 60 },
      { name: "api.openai.com.cdn.cloudflare.net", type: "A", data: "104.18.6.192", ttl: 30 },
      { name: "api.openai.com.cdn.cloudflare.net", type: "AAAA", data: "2606:4700::6812:6c0", ttl: 30 },
    ]);
    expect(resolvedAddresses(m)).toEqual(["104.18.6.192", "2606:4700::6812:6c0"]);
  });

  test("NXDOMAIN carries the rcode and no answers", () => {
    const m = parseDnsMessage(buildDnsResponse({ name: "nope.invalid", rcode: 3, answers: [] }))!;
    expect(m.rcode).toBe(3);
    expect(m.answers).toEqual([]);
  });

  test("a pointer loop is rejected, not followed forever", () => {
    const q = buildDnsQuery("a.b", "A");
    const bytes = new Uint8Array(q);
    bytes[12] = 0xc0; // name at 12 points to itself
    bytes[13] = 12;
    const m = parseDnsMessage(bytes)!;
    expect(m.questions).toEqual([]);
    expect(m.partial).toBe(true);
    // Forward pointer, also refused (only backward jumps are legal here).
    bytes[13] = 20;
    expect(parseDnsMessage(bytes)!.questions).toEqual([]);
  });

  test("truncated answers give a partial message with what was complete", () => {
    const full = buildDnsResponse({ name: "x.example", answers: [{ type: "A", data: "10.0.0.1" }, { type: "A", data: "10.0.0.2" }] });
    const m = parseDnsMessage(full.subarray(0, full.length - 2))!;
    expect(m.partial).toBe(true);
    expect(m.answers.map((a) => a.data)).toEqual(["10.0.0.1"]);
    expect(parseDnsMessage(full.subarray(0, 11))).toBeNull();
  });

  test("bogus counts stop at the end of the bytes", () => {
    const bytes = new Uint8Array(buildDnsResponse({ name: "x.example", answers: [{ type: "A", data: "10.0.0.1" }] }));
    bytes[6] = 0xff; bytes[7] = 0xff; // ancount 65535
    bytes[4] = 0x00; bytes[5] = 0x01;
    const m = parseDnsMessage(bytes)!;
    expect(m.answers.map((a) => a.data)).toEqual(["10.0.0.1"]);
    expect(m.partial).toBe(true);
  });

  test("odd label bytes are escaped, never passed through raw", () => {
    const bytes = new Uint8Array([0, 1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 0x61, 0x0a, 0x2e, 0, 0, 1, 0, 1]);
    expect(parseDnsMessage(bytes)!.questions[0].name).toBe("a\\010\\.");
  });

  test("formatIpv6 follows RFC 5952", () => {
    const b = new Uint8Array(16);
    expect(formatIpv6(b)).toBe("::");
    b[15] = 1;
    expect(formatIpv6(b)).toBe("::1");
    const c = new Uint8Array([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(formatIpv6(c)).toBe("2001:db8:0:1::1");
  });
});

describe("parseDnsMessage fuzz", () => {
  const seeds = [
    buildDnsQuery("www.example.com", "A"),
    buildDnsResponse({
      name: "api.example.com",
      answers: [
        { type: "CNAME", data: "edge.example.net" },
        { name: "edge.example.net", type: "A", data: "192.0.2.7" },
        { name: "edge.example.net", type: "AAAA", data: "2001:db8::7" },
        { type: "TXT", data: "hello" },
      ],
    }),
  ];

  test("random bytes never throw", () => {
    const rnd = prng(1);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rnd() * 300);
      const b = new Uint8Array(len);
      for (let k = 0; k < len; k++) b[k] = Math.floor(rnd() * 256);
      const m = parseDnsMessage(b);
      if (m) parsed++;
    }
    expect(parsed).toBeGreaterThan(0); // ≥12 bytes always yields a header
  });

  test("bit-flipped, truncated and pointer-mutated messages never throw", () => {
    const rnd = prng(42);
    let answersSeen = 0;
    for (let i = 0; i < 20000; i++) {
      const base = seeds[i % seeds.length];
      const b = new Uint8Array(base);
      const flips = 1 + Math.floor(rnd() * 4);
      for (let f = 0; f < flips; f++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      if (rnd() < 0.3) b[12 + Math.floor(rnd() * (b.length - 12))] = 0xc0; // random pointer starts
      const cut = rnd() < 0.5 ? Math.floor(rnd() * b.length) : b.length;
      const m = parseDnsMessage(b.subarray(0, cut));
      if (m) {
        answersSeen += m.answers.length;
        // Reads past the end would show up as NaN/undefined text rather than as a throw.
        for (const a of [...m.answers, ...m.questions]) expect(JSON.stringify(a)).not.toMatch(/undefined|NaN/);
      }
    }
    expect(answersSeen).toBeGreaterThan(0);
  });
});

import { describe, expect, test } from "bun:test";
import { prng as seeded } from "../core/prng.test-helper.ts";
import { buildClientHello, inspectClientHello, parseClientHello } from "./tls.ts";

/** Seeded, so fuzz runs are reproducible. */
const prng = (seed: number) => seeded(seed).next;

describe("parseClientHello", () => {
  test("reads SNI and ALPN", () => {
    expect(parseClientHello(buildClientHello("API.OpenAI.com", ["h2", "http/1.1"]))).toEqual({
      sni: "api.openai.com",
      alpn: ["h2", "http/1.1"],
    });
  });

  test("no SNI extension gives sni null", () => {
    expect(parseClientHello(buildClientHello(null, ["h2"]))).toEqual({ sni: null, alpn: ["h2"] });
  });

  test("a handshake fragmented over many records is reassembled", () => {
    const b = buildClientHello("frag.example.org", ["h2"], { maxRecordBody: 40, sniLast: true, padding: 300 });
    expect(b.length).toBeGreaterThan(400);
    expect(b[0]).toBe(0x16);
    expect(parseClientHello(b)?.sni).toBe("frag.example.org");
  });

  test("truncation asks for more bytes, then parses once complete", () => {
    const b = buildClientHello("late.example.net", [], { padding: 1600, sniLast: true });
    const first = b.subarray(0, 1448);
    expect(inspectClientHello(first)).toEqual({ state: "need-more", needed: b.length });
    expect(parseClientHello(first)).toBeNull();
    expect(inspectClientHello(b)).toEqual({ state: "complete", hello: { sni: "late.example.net", alpn: [] } });
    expect(inspectClientHello(b.subarray(0, 3))).toEqual({ state: "need-more", needed: null });
  });

  test("non-TLS payloads are recognised as such", () => {
    expect(inspectClientHello(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n")).state).toBe("not-tls");
    expect(inspectClientHello(new Uint8Array([0x16, 0x01, 0, 0, 5])).state).toBe("not-tls");
    expect(parseClientHello(new Uint8Array(0))).toBeNull();
    // A ServerHello (type 2) is not a ClientHello.
    const b = new Uint8Array(buildClientHello("x.example"));
    b[5] = 2;
    expect(parseClientHello(b)).toBeNull();
  });

  test("a host name with control or non-ASCII bytes is not reported", () => {
    const b = new Uint8Array(buildClientHello("evil.example"));
    const at = b.indexOf(0x65); // first 'e' of the name is inside the SNI extension (first extension)
    b[at] = 0x0a;
    expect(parseClientHello(b)).toEqual({ sni: null, alpn: [] });
  });
});

describe("parseClientHello fuzz", () => {
  const seeds = [
    buildClientHello("a.example.com", ["h2", "http/1.1"]),
    buildClientHello("b.example.com", ["h2"], { maxRecordBody: 64, sniLast: true, padding: 100 }),
    buildClientHello(null, []),
  ];

  test("random bytes (with a TLS-looking start) never throw", () => {
    const rnd = prng(7);
    for (let i = 0; i < 5000; i++) {
      const len = Math.floor(rnd() * 400);
      const b = new Uint8Array(len);
      for (let k = 0; k < len; k++) b[k] = Math.floor(rnd() * 256);
      if (len > 5 && rnd() < 0.7) { b[0] = 0x16; b[1] = 0x03; b[5] = 0x01; }
      const s = inspectClientHello(b);
      expect(["not-tls", "need-more", "complete"]).toContain(s.state);
    }
  });

  test("bit-flipped and truncated hellos never throw and never report junk", () => {
    const rnd = prng(99);
    let snis = 0;
    for (let i = 0; i < 20000; i++) {
      const b = new Uint8Array(seeds[i % seeds.length]);
      const flips = 1 + Math.floor(rnd() * 3);
      for (let f = 0; f < flips; f++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      const cut = rnd() < 0.4 ? Math.floor(rnd() * b.length) : b.length;
      const h = parseClientHello(b.subarray(0, cut));
      if (h?.sni) {
        snis++;
        expect(h.sni).toMatch(/^[a-z0-9._*-]+$/);
      }
      if (h) for (const a of h.alpn) expect(a).not.toMatch(/undefined/);
    }
    expect(snis).toBeGreaterThan(0);
  });
});

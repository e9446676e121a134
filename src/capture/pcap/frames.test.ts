import { describe, expect, test } from "bun:test";
import { prng as seeded } from "../../core/prng.test-helper.ts";
import { buildFrame } from "./build-frame.ts";
import { decodeFrame, DLT } from "./frames.ts";

/** Seeded, so fuzz runs are reproducible. */
const prng = (seed: number) => seeded(seed).next;

const payload = new Uint8Array([1, 2, 3, 4, 5]);

describe("decodeFrame", () => {
  for (const [name, lt] of Object.entries({ EN10MB: DLT.EN10MB, SLL: DLT.LINUX_SLL, SLL2: DLT.LINUX_SLL2, NULL: DLT.NULL, RAW: DLT.RAW })) {
    test(`${name}: IPv4 UDP and IPv6 TCP`, () => {
      const u = decodeFrame(lt, buildFrame({ linktype: lt, proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 53, dport: 40000, payload }))!;
      expect(u).toMatchObject({ proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 53, dport: 40000 });
      expect([...u.payload]).toEqual([...payload]);
      const t = decodeFrame(lt, buildFrame({ linktype: lt, proto: "tcp", src: "2001:db8::1", dst: "::1", sport: 50000, dport: 443, payload, seq: 0xfffffff0 }))!;
      expect(t).toMatchObject({ proto: "tcp", src: "2001:db8::1", dst: "::1", sport: 50000, dport: 443, seq: 0xfffffff0 });
      expect([...t.payload]).toEqual([...payload]);
    });
  }

  test("SLL2 reports the packet type; SLL too", () => {
    expect(decodeFrame(DLT.LINUX_SLL2, buildFrame({ linktype: DLT.LINUX_SLL2, proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, payload }))!.pktType).toBe(4);
    expect(decodeFrame(DLT.LINUX_SLL, buildFrame({ linktype: DLT.LINUX_SLL, proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 1, dport: 2, payload }))!.pktType).toBe(4);
  });

  test("VLAN tags and IPv6 extension headers are walked", () => {
    const v = decodeFrame(DLT.EN10MB, buildFrame({ linktype: DLT.EN10MB, vlan: 7, proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 53, dport: 9, payload }))!;
    expect(v.sport).toBe(53);
    const x = decodeFrame(DLT.EN10MB, buildFrame({ linktype: DLT.EN10MB, v6HopByHop: 2, proto: "tcp", src: "fe80::1", dst: "fe80::2", sport: 1, dport: 443, payload }))!;
    expect(x).toMatchObject({ proto: "tcp", dport: 443 });
    expect([...x.payload]).toEqual([...payload]);
  });

  test("IPv4 later fragments, other protocols and unknown link types give null", () => {
    const f = buildFrame({ linktype: DLT.RAW, proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 53, dport: 9, payload });
    const frag = new Uint8Array(f);
    frag[7] = 10; // fragment offset 10
    expect(decodeFrame(DLT.RAW, frag)).toBeNull();
    const icmp = new Uint8Array(f);
    icmp[9] = 1;
    expect(decodeFrame(DLT.RAW, icmp)).toBeNull();
    expect(decodeFrame(9999, f)).toBeNull();
  });

  test("fuzz: truncated and bit-flipped frames never throw or read past the end", () => {
    const rnd = prng(3);
    const seeds = [DLT.EN10MB, DLT.LINUX_SLL, DLT.LINUX_SLL2, DLT.NULL, DLT.RAW].flatMap((lt) => [
      [lt, buildFrame({ linktype: lt, proto: "udp", src: "10.0.0.1", dst: "10.0.0.2", sport: 53, dport: 9, payload })],
      [lt, buildFrame({ linktype: lt, proto: "tcp", src: "2001:db8::1", dst: "2001:db8::2", sport: 9, dport: 443, payload, v6HopByHop: 1 })],
    ] as Array<[number, Uint8Array]>);
    let decoded = 0;
    for (let i = 0; i < 20000; i++) {
      const [lt, base] = seeds[i % seeds.length];
      const b = new Uint8Array(base);
      for (let f = 0; f < 2; f++) b[Math.floor(rnd() * b.length)] ^= 1 << Math.floor(rnd() * 8);
      const seg = decodeFrame(lt, b.subarray(0, rnd() < 0.5 ? Math.floor(rnd() * b.length) : b.length));
      if (seg) {
        decoded++;
        expect(JSON.stringify({ ...seg, payload: [] })).not.toMatch(/undefined|NaN/);
        expect(Number.isInteger(seg.sport) && Number.isInteger(seg.dport)).toBe(true);
      }
    }
    expect(decoded).toBeGreaterThan(0);
  });
});

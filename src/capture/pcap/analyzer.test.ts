import { describe, expect, test } from "bun:test";
import { buildDnsQuery, buildDnsResponse } from "../dns.ts";
import { buildClientHello } from "../tls.ts";
import { createAnalyzer, type PcapDnsFact, type PcapSniFact } from "./analyzer.ts";
import { buildFrame } from "./build-frame.ts";
import { DLT, TCP_FIN } from "./frames.ts";

function setup(opts: { maxPending?: number; pendingMs?: number } = {}) {
  const dns: PcapDnsFact[] = [];
  const sni: PcapSniFact[] = [];
  const a = createAnalyzer({ onDns: (f) => dns.push(f), onSni: (f) => sni.push(f), ...opts });
  return { a, dns, sni };
}

const LT = DLT.LINUX_SLL;
const tcp = (payload: Uint8Array, seq: number, sport = 40001, flags = 0x18, src = "10.1.0.2", dst = "10.1.0.9") =>
  buildFrame({ linktype: LT, proto: "tcp", src, dst, sport, dport: 443, payload, seq, flags });

describe("createAnalyzer", () => {
  test("UDP DNS responses become facts; queries do not", () => {
    const { a, dns } = setup();
    a.feed(1, LT, buildFrame({ linktype: LT, proto: "udp", src: "10.1.0.2", dst: "10.1.0.53", sport: 5555, dport: 53, payload: buildDnsQuery("q.example") }));
    const resp = buildDnsResponse({ name: "q.example", answers: [{ type: "CNAME", data: "edge.example" }, { name: "edge.example", type: "A", data: "192.0.2.9" }] });
    a.feed(2, LT, buildFrame({ linktype: LT, proto: "udp", src: "10.1.0.53", dst: "10.1.0.2", sport: 53, dport: 5555, payload: resp }));
    expect(dns.map((d) => [d.ts, d.name, d.answers, d.server])).toEqual([[2, "q.example", ["192.0.2.9"], { ip: "10.1.0.53", port: 53 }]]);
    expect([...dns[0].payload]).toEqual([...resp]);
    // The same frame again (seen on a second device under "any") is not reported twice.
    a.feed(3, LT, buildFrame({ linktype: LT, proto: "udp", src: "10.1.0.53", dst: "10.1.0.2", sport: 53, dport: 5555, payload: resp }));
    expect(dns.length).toBe(1);
    expect(a.stats.duplicates).toBe(1);
  });

  test("DNS over TCP: several length-prefixed messages in one segment", () => {
    const { a, dns } = setup();
    const m1 = buildDnsResponse({ id: 1, name: "one.example", answers: [{ type: "A", data: "192.0.2.1" }] });
    const m2 = buildDnsResponse({ id: 2, name: "two.example", type: "AAAA", answers: [{ type: "AAAA", data: "2001:db8::2" }] });
    const p = new Uint8Array([m1.length >> 8, m1.length & 0xff, ...m1, m2.length >> 8, m2.length & 0xff, ...m2]);
    a.feed(1, LT, buildFrame({ linktype: LT, proto: "tcp", src: "10.1.0.53", dst: "10.1.0.2", sport: 53, dport: 40000, payload: p }));
    expect(dns.map((d) => [d.name, d.answers])).toEqual([["one.example", ["192.0.2.1"]], ["two.example", ["2001:db8::2"]]]);
  });

  test("a ClientHello in one segment gives SNI for the destination", () => {
    const { a, sni } = setup();
    a.feed(5, LT, tcp(buildClientHello("api.example.com", ["h2"]), 100));
    expect(sni).toEqual([{ ts: 5, src: { ip: "10.1.0.2", port: 40001 }, dst: { ip: "10.1.0.9", port: 443 }, host: "api.example.com", alpn: ["h2"] }]);
    a.feed(6, LT, tcp(buildClientHello("api.example.com", ["h2"]), 100)); // retransmission
    expect(sni.length).toBe(1);
  });

  test("a ClientHello split over segments is reassembled in sequence order", () => {
    const { a, sni } = setup();
    const hello = buildClientHello("split.example.org", [], { padding: 3000, sniLast: true });
    expect(hello.length).toBeGreaterThan(2900);
    const s1 = hello.subarray(0, 1400), s2 = hello.subarray(1400, 2800), s3 = hello.subarray(2800);
    const seq0 = 0xfffffd00; // wraps around 2^32 on the way
    a.feed(1, LT, tcp(s1, seq0, 40001, 0x10));
    a.feed(2, LT, tcp(s3, (seq0 + 2800) >>> 0)); // out of order: ignored
    a.feed(3, LT, tcp(s2, (seq0 + 1400) >>> 0, 40001, 0x10));
    expect(sni).toEqual([]);
    a.feed(4, LT, tcp(s3, (seq0 + 2800) >>> 0));
    expect(sni.map((s) => s.host)).toEqual(["split.example.org"]);
    expect(a.stats.reassembled).toBe(1);
  });

  test("partial hellos are bounded in number and dropped on FIN", () => {
    const { a, sni } = setup({ maxPending: 4 });
    const hello = buildClientHello("x.example", [], { padding: 3000 });
    for (let i = 0; i < 10; i++) a.feed(i, LT, tcp(hello.subarray(0, 1000), 1, 41000 + i));
    expect(a.stats.pendingDropped).toBe(6);
    a.feed(20, LT, tcp(new Uint8Array(0), 1001, 41009, TCP_FIN));
    a.feed(21, LT, tcp(hello.subarray(1000), 1001, 41009));
    expect(sni).toEqual([]);
    a.feed(22, LT, tcp(hello.subarray(1000), 1001, 41008));
    expect(sni.map((s) => s.src.port)).toEqual([41008]);
  });

  test("plain TCP payloads and junk are ignored", () => {
    const { a, dns, sni } = setup();
    a.feed(1, LT, tcp(new TextEncoder().encode("GET / HTTP/1.1\r\n\r\n"), 1));
    a.feed(2, LT, new Uint8Array([1, 2, 3]));
    expect(dns.length + sni.length).toBe(0);
    expect(a.stats.undecoded).toBe(1);
  });
});

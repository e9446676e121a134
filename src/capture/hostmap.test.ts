import { describe, expect, test } from "bun:test";
import { buildDnsResponse, parseDnsMessage } from "./dns.ts";
import { createHostMap, normalizeIp } from "./hostmap.ts";

describe("createHostMap", () => {
  test("a CNAME chain maps the addresses to the name that was asked", () => {
    const m = createHostMap();
    const msg = parseDnsMessage(
      buildDnsResponse({
        name: "api.openai.com",
        answers: [
          { type: "CNAME", data: "a.cdn.example.net" },
          { name: "a.cdn.example.net", type: "CNAME", data: "b.cdn.example.net" },
          { name: "b.cdn.example.net", type: "A", data: "192.0.2.10" },
          { name: "b.cdn.example.net", type: "AAAA", data: "2001:db8::a" },
        ],
      }),
    )!;
    m.learnDns(msg.questions[0].name, msg.answers, 1000, 42);
    expect(m.lookup("192.0.2.10")).toEqual({ host: "api.openai.com", source: "dns" });
    expect(m.lookup("2001:DB8:0:0::A", 443)).toEqual({ host: "api.openai.com", source: "dns" });
    expect(m.lookup("192.0.2.11")).toBeNull();
  });

  test("an address not reached from the asked name is credited to its own owner", () => {
    const m = createHostMap();
    m.learnDns("asked.example", [{ name: "other.example", type: "A", data: "192.0.2.1", ttl: 60 }], 0);
    expect(m.lookup("192.0.2.1")?.host).toBe("other.example");
  });

  test("SNI for ip:port beats DNS; DNS of the same pid beats other pids", () => {
    const m = createHostMap();
    m.learnDns("shared-a.example", ["203.0.113.5"], 100, 1);
    m.learnDns("shared-b.example", ["203.0.113.5"], 200, 2);
    expect(m.lookup("203.0.113.5", 443, 1)).toEqual({ host: "shared-a.example", source: "dns" });
    expect(m.lookup("203.0.113.5", 443, 2)).toEqual({ host: "shared-b.example", source: "dns" });
    // Unknown pid: the newest answer.
    expect(m.lookup("203.0.113.5", 443, 9)?.host).toBe("shared-b.example");
    m.learnSni("203.0.113.5", 443, "Real.Example.", 300);
    expect(m.lookup("203.0.113.5", 443, 1)).toEqual({ host: "real.example", source: "sni" });
    // SNI on another port is only a last resort.
    expect(m.lookup("203.0.113.5", 8443, 1)).toEqual({ host: "shared-a.example", source: "dns" });
    const only = createHostMap();
    only.learnSni("198.51.100.1", 443, "x.example", 1);
    expect(only.lookup("198.51.100.1", 8443)).toEqual({ host: "x.example", source: "sni" });
  });

  test("proxy and sentinel names for ip:port rank above DNS", () => {
    const m = createHostMap();
    m.learnDns("dns.example", ["198.51.100.9"], 0, 5);
    m.learnProxy("198.51.100.9", 443, "proxy.example", 10, 5);
    expect(m.lookup("198.51.100.9", 443, 5)).toEqual({ host: "proxy.example", source: "proxy" });
    expect(m.lookup("198.51.100.9", 80, 5)).toEqual({ host: "dns.example", source: "dns" });
    m.learnSentinel("198.51.100.9", 80, "sentinel.example", 20, 5);
    expect(m.lookup("198.51.100.9", 80, 5)).toEqual({ host: "sentinel.example", source: "sentinel" });
  });

  test("one address, many names: an earlier connection's SNI or proxy request does not name a later connection", () => {
    const m = createHostMap();
    m.learnDns("cdn.example.org", ["10.88.0.20"], 100, 1);
    m.learnSni("10.88.0.20", 443, "cdn.example.org", 110); // the first connection's ClientHello
    m.learnDns("api.openai.com", ["10.88.0.20"], 200, 2);
    // A later connect by pid 2 (held before it sends its own ClientHello): its own lookup names it.
    expect(m.lookup("10.88.0.20", 443, 2, 210)).toEqual({ host: "api.openai.com", source: "dns" });
    // Its own ClientHello, seen after the connect, names it.
    m.learnSni("10.88.0.20", 443, "api.openai.com", 215);
    expect(m.lookup("10.88.0.20", 443, 2, 210)).toEqual({ host: "api.openai.com", source: "sni" });
    // The proxy's word is for requests through it: a later direct connect is named by DNS, or not at all.
    const j = createHostMap();
    j.learnProxy("10.77.0.2", 80, "good.example", 100, null);
    expect(j.lookup("10.77.0.2", 80, 7, 300)).toBeNull();
    j.learnDns("other.example", ["10.77.0.2"], 150, 7);
    expect(j.lookup("10.77.0.2", 80, 7, 300)).toEqual({ host: "other.example", source: "dns" });
    expect(j.lookup("10.77.0.2", 80, 7, 100)).toEqual({ host: "good.example", source: "proxy" });
  });

  test("fresh answers beat expired ones; the TTL floor keeps short TTLs alive", () => {
    const m = createHostMap({ ttlFloorMs: 10_000 });
    m.learnDns("old.example", [{ name: "old.example", type: "A", data: "192.0.2.50", ttl: 1 }], 0, 1);
    m.learnDns("new.example", [{ name: "new.example", type: "A", data: "192.0.2.50", ttl: 1 }], 5_000, 2);
    // At 9 s both are within the 10 s floor: same pid wins.
    expect(m.lookup("192.0.2.50", null, 1, 9_000)?.host).toBe("old.example");
    // At 12 s the first expired: the fresh answer of another pid wins over the stale one of the same pid.
    expect(m.lookup("192.0.2.50", null, 1, 12_000)?.host).toBe("new.example");
    // Everything expired: still answer (stale beats nothing), same pid first.
    expect(m.lookup("192.0.2.50", null, 1, 99_000)?.host).toBe("old.example");
  });

  test("bounded: least recently used entries go first", () => {
    const m = createHostMap({ maxEntries: 3 });
    m.learnDns("a.example", ["10.0.0.1"], 1);
    m.learnDns("b.example", ["10.0.0.2"], 2);
    m.learnDns("c.example", ["10.0.0.3"], 3);
    expect(m.lookup("10.0.0.1")?.host).toBe("a.example"); // touch a
    m.learnDns("d.example", ["10.0.0.4"], 4); // evicts b, the least recently used
    expect(m.size).toBe(3);
    expect(m.lookup("10.0.0.2")).toBeNull();
    expect(m.lookup("10.0.0.1")?.host).toBe("a.example");
    expect(m.lookup("10.0.0.4")?.host).toBe("d.example");
    for (let i = 0; i < 1000; i++) m.learnSni(`10.1.${i >> 8}.${i & 255}`, 443, `h${i}.example`, i);
    expect(m.size).toBe(3);
  });

  test("normalizeIp makes every spelling meet", () => {
    expect(normalizeIp("::FFFF:192.0.2.1")).toBe("192.0.2.1");
    expect(normalizeIp("[2001:0db8:0000:0000:0000:0000:0000:0001]")).toBe("2001:db8::1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
    expect(normalizeIp("10.0.0.1")).toBe("10.0.0.1");
    const m = createHostMap();
    m.learnDns("v4.example", ["192.0.2.77"], 1);
    expect(m.lookup("::ffff:192.0.2.77")?.host).toBe("v4.example");
  });
});

import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { ProbeSink, RawDns, RawSni } from "../../src/capture/probe.ts";
import { createPcapProbeFactory, type PcapProbe } from "../../src/capture/pcap/probe.ts";
import type { AnalyzerStats } from "../../src/capture/pcap/analyzer.ts";
import { loadLibpcap } from "../../src/capture/pcap/libpcap.ts";

/**
 * End to end: a fake DNS server and a TLS-speaking client run inside a network namespace this
 * test creates; the pcap probe captures in that namespace (on "any" and on "lo") and must report
 * the DNS answer and the SNI for the destination ip:port. Nothing leaves the namespace.
 */

const NS = `trtest-pcap-${process.pid}`;
const NS_PATH = `/var/run/netns/${NS}`;
const SRC = join(import.meta.dir, "../../src/capture");

function run(argv: string[]): { ok: boolean; out: string } {
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  return { ok: r.exitCode === 0, out: r.stdout.toString() + r.stderr.toString() };
}

function whyNot(): string | null {
  if (process.platform !== "linux") return "not Linux";
  if (process.getuid?.() !== 0) return "needs root (CAP_NET_RAW and CAP_SYS_ADMIN for namespaces)";
  const lib = loadLibpcap();
  if ("error" in lib) return lib.error;
  if (!Bun.which("ip")) return "iproute2 (`ip`) is not installed";
  const add = run(["ip", "netns", "add", NS]);
  if (!add.ok) return `cannot create a network namespace: ${add.out.trim()}`;
  const up = run(["ip", "netns", "exec", NS, "ip", "link", "set", "lo", "up"]);
  if (!up.ok) return `cannot bring lo up in the namespace: ${up.out.trim()}`;
  return null;
}

// What runs inside the namespace: DNS server on 127.0.0.1:53, TCP listeners on 8443, then a client
// that resolves, connects and sends ClientHellos (one whole, one split over two TCP segments).
const PEER = `
import dgram from "node:dgram";
import { buildDnsQuery, buildDnsResponse, parseDnsMessage } from ${JSON.stringify(join(SRC, "dns.ts"))};
import { buildClientHello } from ${JSON.stringify(join(SRC, "tls.ts"))};
const server = dgram.createSocket("udp4");
server.on("message", (msg, rinfo) => {
  const q = parseDnsMessage(new Uint8Array(msg));
  if (!q || !q.questions[0]) return;
  const name = q.questions[0].name;
  const answers = [{ type: "CNAME", data: "edge.pcap-test.example", ttl: 60 },
    { name: "edge.pcap-test.example", type: "A", data: "10.200.0.7", ttl: 30 }];
  server.send(buildDnsResponse({ id: q.id, name, answers }), rinfo.port, rinfo.address);
});
await new Promise((r) => server.bind(53, "127.0.0.1", r));
const listeners = [Bun.listen({ hostname: "127.0.0.1", port: 8443, socket: { data() {} } })];
let v6 = true;
try { listeners.push(Bun.listen({ hostname: "::1", port: 8443, socket: { data() {} } })); } catch { v6 = false; }
const client = dgram.createSocket("udp4");
const answered = new Promise((r) => client.once("message", r));
client.send(buildDnsQuery("svc.pcap-test.example", "A", 4321), 53, "127.0.0.1");
await Promise.race([answered, Bun.sleep(3000)]);
const ports = {};
const c1 = await Bun.connect({ hostname: "127.0.0.1", port: 8443, socket: { data() {} } });
c1.write(buildClientHello("svc.pcap-test.example", ["h2", "http/1.1"]));
const big = buildClientHello("split.pcap-test.example", [], { padding: 3000, sniLast: true });
const c2 = await Bun.connect({ hostname: "127.0.0.1", port: 8443, socket: { data() {} } });
c2.setNoDelay(true);
c2.write(big.subarray(0, 1200)); await Bun.sleep(60); c2.write(big.subarray(1200));
if (v6) {
  const c3 = await Bun.connect({ hostname: "::1", port: 8443, socket: { data() {} } });
  c3.write(buildClientHello("v6.pcap-test.example", ["h2"]));
  await Bun.sleep(30); c3.end();
}
await Bun.sleep(100);
c1.end(); c2.end();
for (const l of listeners) l.stop(true);
server.close(); client.close();
console.log(JSON.stringify({ v6 }));
process.exit(0);
`;

/** "any" gives Linux cooked capture (SLL, or SLL2 on request); "lo" gives Ethernet framing. */
const CAPTURES = [
  { label: "any (SLL)", iface: "any", linktype: undefined, expect: 113 },
  { label: "any (SLL2)", iface: "any", linktype: 276, expect: 276 },
  { label: "lo (EN10MB)", iface: "lo", linktype: undefined, expect: 1 },
];

const reason = whyNot();
if (reason) console.log(`skipping pcap end-to-end test: ${reason}`);

describe.skipIf(reason !== null)("pcap probe in a network namespace", () => {
  const seen: Record<string, { dns: RawDns[]; sni: RawSni[]; warn: string[]; linktype?: number }> = {};
  let peer: { v6: boolean } = { v6: false };
  const stats: Record<string, AnalyzerStats> = {};

  beforeAll(async () => {
    const probes = CAPTURES.map(({ label, iface, linktype }) => {
      const f = createPcapProbeFactory({ iface, netns: NS_PATH, linktype });
      const got = (seen[label] = { dns: [] as RawDns[], sni: [] as RawSni[], warn: [] as string[] });
      const sink: ProbeSink = { connect() {}, process() {}, dns: (e) => got.dns.push(e), sni: (e) => got.sni.push(e), warn: (m) => got.warn.push(m) };
      return { f, p: f.create() as PcapProbe, sink };
    });
    for (const { f } of probes) expect(await f.available("run")).toEqual({ ok: true });
    for (const { p, sink } of probes) await p.start({ mode: "run", rootPid: process.pid, initialPids: [] }, sink);
    const child = Bun.spawn(["ip", "netns", "exec", NS, process.execPath, "-e", PEER], { stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => child.kill(), 15_000);
    const [out, err] = [await new Response(child.stdout).text(), await new Response(child.stderr).text()];
    clearTimeout(timer);
    if ((await child.exited) !== 0) throw new Error(`peer failed: ${err}`);
    peer = JSON.parse(out.trim().split("\n").pop()!);
    if (!peer.v6) console.log("IPv6 loopback unavailable in the namespace: the v6 ClientHello was not sent");
    await Bun.sleep(150); // let the 10 ms drain timer run
    for (const { p } of probes) await p.stop();
    for (const [i, { p }] of probes.entries()) {
      stats[CAPTURES[i].label] = { ...p.analyzer!.stats };
      seen[CAPTURES[i].label].linktype = p.linktype ?? undefined;
    }
  }, 30_000);

  afterAll(() => {
    run(["ip", "netns", "del", NS]);
  });

  for (const { label: iface, expect: linktype } of CAPTURES) {
    test(`${iface}: captured with link type ${linktype}`, () => {
      expect(seen[iface].linktype).toBe(linktype);
    });

    test(`${iface}: DNS answer name → address (CNAME followed), pid null`, () => {
      const d = seen[iface].dns.filter((e) => e.name === "svc.pcap-test.example");
      expect(d.length).toBe(1);
      expect(d[0]).toMatchObject({ pid: null, probe: "pcap", answers: ["10.200.0.7"] });
      expect(d[0].payload!.length).toBeGreaterThan(12);
    });

    test(`${iface}: SNI for the destination ip:port, whole and split ClientHellos`, () => {
      const s = seen[iface].sni;
      const byHost = (h: string) => s.filter((e) => e.host === h);
      expect(byHost("svc.pcap-test.example").map((e) => ({ dst: e.dst, alpn: e.alpn, pid: e.pid }))).toEqual([
        { dst: { ip: "127.0.0.1", port: 8443 }, alpn: ["h2", "http/1.1"], pid: null },
      ]);
      expect(byHost("split.pcap-test.example").map((e) => e.dst)).toEqual([{ ip: "127.0.0.1", port: 8443 }]);
      if (peer.v6) expect(byHost("v6.pcap-test.example").map((e) => e.dst)).toEqual([{ ip: "::1", port: 8443 }]);
      expect(seen[iface].warn).toEqual([]);
      // The split hello really crossed two segments: the second one passed the kernel filter and was joined.
      expect(stats[iface].reassembled).toBe(1);
    });
  }
});

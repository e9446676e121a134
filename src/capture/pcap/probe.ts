import { existsSync } from "node:fs";
import type { Availability, Probe, ProbeFactory, ProbeSink, ProbeTarget } from "../probe.ts";
import { createAnalyzer, type Analyzer } from "./analyzer.ts";
import { supportedLinkType } from "./frames.ts";
import { hasNetRaw, loadLibpcap, openLive, PCAP_ERROR_PERM_DENIED, PcapError, type PcapHandle } from "./libpcap.ts";

/**
 * The pcap probe: watches DNS answers and TLS ClientHellos on the wire so IP connections get
 * the hostname they meant. It sees no processes: it emits RawDns and RawSni with pid null, and
 * the session joins them with a probe that knows pids (through capture/hostmap.ts).
 */

/**
 * DNS responses, plus TCP segments that may carry a ClientHello. IPv4 segments are narrowed in
 * the kernel (payload starts with a handshake record, or PSH for a continuation); BPF cannot
 * index IPv6 TCP payloads, so IPv6 TCP is checked in userland (cheap first-byte test).
 */
export const DEFAULT_FILTER =
  "udp src port 53 or tcp src port 53" +
  " or (ip and tcp and (tcp[((tcp[12:1] & 0xf0) >> 2):1] = 0x16 or tcp[tcpflags] & tcp-push != 0))" +
  " or (ip6 and tcp)";

export interface PcapProbeOptions {
  /** Interface to capture on. Default "any" (Linux cooked capture). */
  iface?: string;
  /** Network namespace to capture in: /var/run/netns/NAME or /proc/PID/ns/net. */
  netns?: string;
  /** Kernel capture buffer. Default 32 MB (5000/5000 SYN bursts were kept at this size). */
  bufferBytes?: number;
  filter?: string;
  /** How often the capture is drained. Default 10 ms. */
  pollMs?: number;
  /** Link type to request, e.g. 276 (LINUX_SLL2) on "any"; default: what libpcap picks. */
  linktype?: number;
}

const CAP_HINT = "run as root, or grant the capability: setcap cap_net_raw,cap_net_admin+ep $(command -v trustrun)";

export function createPcapProbeFactory(opts: PcapProbeOptions = {}): ProbeFactory {
  const iface = opts.iface ?? "any";

  function available(): Availability {
    if (process.platform !== "linux" && process.platform !== "darwin") {
      return { ok: false, reason: `pcap capture is not supported on ${process.platform}` };
    }
    const lib = loadLibpcap();
    if ("error" in lib) return { ok: false, reason: lib.error };
    const raw = hasNetRaw();
    if (raw === false) return { ok: false, reason: `pcap needs CAP_NET_RAW to capture packets: ${CAP_HINT}` };
    if (opts.netns && !existsSync(opts.netns)) return { ok: false, reason: `network namespace ${opts.netns} does not exist` };
    // The real test: open and close a handle (catches containers that drop the capability too).
    try {
      openLive({ iface, netns: opts.netns, bufferBytes: 65536, filter: opts.filter ?? DEFAULT_FILTER, linktype: opts.linktype }).close();
      return { ok: true };
    } catch (e) {
      const err = e as PcapError;
      if (err.code === PCAP_ERROR_PERM_DENIED) return { ok: false, reason: `pcap needs CAP_NET_RAW on ${iface}: ${CAP_HINT} (${err.message})` };
      return { ok: false, reason: err.message };
    }
  }

  return {
    name: "pcap",
    complete: false, // names only: it never sees which process connected
    modes: ["run", "watch"],
    available,
    create: () => createPcapProbe({ ...opts, iface }),
  };
}

/** The default factory: every interface of the host's own network namespace. */
export const pcapProbeFactory: ProbeFactory = createPcapProbeFactory();

export interface PcapProbe extends Probe {
  /** Counters of what was captured and parsed (null before start). */
  readonly analyzer: Analyzer | null;
  /** The capture's link type once started (113 SLL, 276 SLL2, 1 Ethernet, ...). */
  readonly linktype: number | null;
}

export function createPcapProbe(opts: PcapProbeOptions = {}): PcapProbe {
  let handle: PcapHandle | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let analyzer: Analyzer | null = null;
  let sink: ProbeSink | null = null;
  let lastDropped = 0;
  let lastStatsAt = 0;
  let linktype: number | null = null;

  function pump(): void {
    if (!handle || !analyzer) return;
    const h = handle;
    const a = analyzer;
    // Bounded per tick so a flood cannot starve the event loop; the kernel buffer holds the rest.
    for (let round = 0; round < 8; round++) {
      if (h.drain(2000, (p) => a.feed(p.ts, h.linktype, p.bytes)) < 2000) break;
    }
    const now = Date.now();
    if (now - lastStatsAt >= 1000) {
      lastStatsAt = now;
      checkDrops();
    }
  }

  function checkDrops(): void {
    const s = handle?.stats();
    if (!s || !sink) return;
    if (s.dropped > lastDropped) {
      sink.warn(`pcap: the kernel dropped ${s.dropped - lastDropped} packets (buffer full); some hostnames may be missing`);
      lastDropped = s.dropped;
    }
  }

  return {
    name: "pcap",
    complete: false,
    get analyzer() { return analyzer; },
    get linktype() { return linktype; },
    async start(_target: ProbeTarget, s: ProbeSink): Promise<void> {
      if (handle) return;
      sink = s;
      const h = openLive({
        iface: opts.iface ?? "any",
        netns: opts.netns,
        bufferBytes: opts.bufferBytes,
        filter: opts.filter ?? DEFAULT_FILTER,
        linktype: opts.linktype,
      });
      if (!supportedLinkType(h.linktype)) {
        h.close();
        throw new PcapError(`pcap: link type ${h.linktype} of ${opts.iface ?? "any"} is not supported`);
      }
      handle = h;
      linktype = h.linktype;
      analyzer = createAnalyzer({
        onDns: (f) => s.dns({ ts: f.ts, pid: null, payload: f.payload, name: f.name, answers: f.answers, probe: "pcap" }),
        onSni: (f) => s.sni({ ts: f.ts, pid: null, dst: f.dst, host: f.host, alpn: f.alpn, probe: "pcap" }),
      });
      timer = setInterval(pump, opts.pollMs ?? 10);
      // The session decides when to exit, not this timer.
      (timer as { unref?: () => void }).unref?.();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      if (!handle) return;
      pump();
      checkDrops();
      handle.close();
      handle = null;
    },
  };
}

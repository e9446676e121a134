import type { Endpoint } from "../../core/types.ts";
import { parseDnsMessage, resolvedAddresses, type DnsMessage } from "../dns.ts";
import { inspectClientHello } from "../tls.ts";
import { decodeFrame, TCP_FIN, TCP_RST, TCP_SYN } from "./frames.ts";

/**
 * Turns captured frames into the two facts pcap can give: DNS answers (name → addresses) and
 * TLS ClientHello SNI for a destination ip:port. Keeps a small, bounded reassembly buffer for
 * ClientHellos split over several TCP segments (large post-quantum key shares do that).
 */

export interface PcapDnsFact {
  ts: number;
  name: string;
  /** Addresses for the asked name, CNAME chains followed. */
  answers: string[];
  message: DnsMessage;
  payload: Uint8Array;
  server: Endpoint;
}

export interface PcapSniFact {
  ts: number;
  src: Endpoint;
  dst: Endpoint;
  host: string;
  alpn: string[];
}

export interface AnalyzerOptions {
  onDns(f: PcapDnsFact): void;
  onSni(f: PcapSniFact): void;
  /** Flows with a partial ClientHello kept at once. Default 256. */
  maxPending?: number;
  /** Give up on a partial ClientHello after this long. Default 5 s. */
  pendingMs?: number;
}

export interface AnalyzerStats {
  frames: number;
  undecoded: number;
  dns: number;
  sni: number;
  duplicates: number;
  pendingDropped: number;
  /** ClientHellos joined from more than one segment. */
  reassembled: number;
}

export interface Analyzer {
  feed(ts: number, linktype: number, frame: Uint8Array): void;
  readonly stats: AnalyzerStats;
}

interface Pending {
  buf: Uint8Array;
  nextSeq: number;
  ts: number;
}

const MAX_HELLO_BYTES = 65536;
const DEDUPE_MS = 2000;
const DEDUPE_MAX = 4096;

function fnv(b: Uint8Array, limit = 64): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < Math.min(b.length, limit); i++) h = Math.imul(h ^ b[i], 0x01000193);
  return h >>> 0;
}

export function createAnalyzer(opts: AnalyzerOptions): Analyzer {
  const maxPending = opts.maxPending ?? 256;
  const pendingMs = opts.pendingMs ?? 5000;
  const pending = new Map<string, Pending>();
  /** Same frame seen twice ("any" sees loopback and bridged traffic on more than one device). */
  const recent = new Map<string, number>();
  const stats: AnalyzerStats = { frames: 0, undecoded: 0, dns: 0, sni: 0, duplicates: 0, pendingDropped: 0, reassembled: 0 };

  function seenBefore(key: string, ts: number): boolean {
    const at = recent.get(key);
    if (at !== undefined && ts - at < DEDUPE_MS) {
      stats.duplicates++;
      return true;
    }
    recent.delete(key);
    recent.set(key, ts);
    while (recent.size > DEDUPE_MAX) recent.delete(recent.keys().next().value as string);
    return false;
  }

  function dnsMessage(ts: number, bytes: Uint8Array, server: Endpoint, flow: string): void {
    const msg = parseDnsMessage(bytes);
    if (!msg || !msg.isResponse || msg.questions.length === 0) return;
    if (seenBefore(`d|${flow}|${msg.id}|${bytes.length}|${fnv(bytes, 512)}`, ts)) return;
    stats.dns++;
    opts.onDns({ ts, name: msg.questions[0].name, answers: resolvedAddresses(msg), message: msg, payload: bytes.slice(), server });
  }

  function hello(ts: number, flow: string, seq: number, bytes: Uint8Array, src: Endpoint, dst: Endpoint): "more" | "done" {
    const s = inspectClientHello(bytes);
    if (s.state === "need-more") return "more";
    if (s.state === "complete" && s.hello?.sni && !seenBefore(`s|${flow}|${seq}`, ts)) {
      stats.sni++;
      opts.onSni({ ts, src, dst, host: s.hello.sni, alpn: s.hello.alpn });
    }
    return "done";
  }

  function expire(ts: number): void {
    for (const [k, p] of pending) {
      if (ts - p.ts <= pendingMs) break; // insertion order = age order
      pending.delete(k);
      stats.pendingDropped++;
    }
  }

  function feed(ts: number, linktype: number, frame: Uint8Array): void {
    stats.frames++;
    const seg = decodeFrame(linktype, frame);
    if (!seg) { stats.undecoded++; return; }
    const flow = `${seg.src}|${seg.sport}|${seg.dst}|${seg.dport}`;
    const src = { ip: seg.src, port: seg.sport };
    const dst = { ip: seg.dst, port: seg.dport };
    if (seg.proto === "udp") {
      if (seg.sport === 53) dnsMessage(ts, seg.payload, src, flow);
      return;
    }
    const p = seg.payload;
    if (seg.sport === 53) {
      // DNS over TCP: 2-byte length, possibly several messages in one segment.
      let off = 0;
      for (let i = 0; i < 16 && off + 2 <= p.length; i++) {
        const len = (p[off] << 8) | p[off + 1];
        if (len === 0 || off + 2 + len > p.length) break;
        dnsMessage(ts, p.subarray(off + 2, off + 2 + len), src, flow);
        off += 2 + len;
      }
      return;
    }
    const flags = seg.flags ?? 0;
    const seq = seg.seq ?? 0;
    const open = pending.get(flow);
    if (open) {
      if (flags & (TCP_RST | TCP_FIN | TCP_SYN)) { pending.delete(flow); return; }
      if (p.length === 0 || seq !== open.nextSeq) return; // retransmit or out of order: wait for the next in line
      const buf = new Uint8Array(open.buf.length + p.length);
      buf.set(open.buf);
      buf.set(p, open.buf.length);
      pending.delete(flow);
      if (buf.length > MAX_HELLO_BYTES) { stats.pendingDropped++; return; }
      if (hello(ts, flow, seq, buf, src, dst) === "more") pending.set(flow, { buf, nextSeq: (seq + p.length) >>> 0, ts: open.ts });
      else stats.reassembled++;
      return;
    }
    // Cheap userland check: a handshake record holding a ClientHello.
    if (p.length < 6 || p[0] !== 0x16 || p[1] !== 0x03 || p[5] !== 0x01) return;
    if (hello(ts, flow, seq, p, src, dst) === "more") {
      expire(ts);
      if (pending.size >= maxPending) {
        pending.delete(pending.keys().next().value as string);
        stats.pendingDropped++;
      }
      pending.set(flow, { buf: p.slice(), nextSeq: (seq + p.length) >>> 0, ts });
    }
  }

  return { feed, stats };
}

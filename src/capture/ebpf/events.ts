// Decoder of the ring-buffer records written by trustrun.bpf.c (layouts mirrored from there).
// Pure and total: any byte string gives a record or null, never an exception.
import ipaddr from "ipaddr.js";
import type { Proto } from "../../core/types.ts";
import type { RawConnect, RawDns, RawProcess } from "../probe.ts";

export const EV_CONNECT = 1;
export const EV_DNS = 2;
export const EV_FORK = 3;
export const EV_EXEC = 4;
export const EV_EXIT = 5;

export const HDR_SIZE = 40;
export const CONNECT_SIZE = 64;
export const DNS_HEADER_SIZE = 72; // before the payload
export const MAX_DNS = 512;
export const FORK_SIZE = 48;
export const EXEC_HEADER_SIZE = 48; // before the filename
export const MAX_FILENAME = 256;
export const EXEC_ARGS_OFFSET = EXEC_HEADER_SIZE + MAX_FILENAME; // args_len, args_total, then the argv bytes
export const MAX_ARGS = 512;
export const EXIT_SIZE = 48;

const AF_INET = 2;
const AF_INET6 = 10;
const SOCK_DGRAM = 2;

export interface Header {
  tgid: number;
  tid: number;
  ppid: number;
  tsNs: bigint; // CLOCK_MONOTONIC
  comm: string;
}

export type BpfEvent =
  | (Header & { kind: "connect"; ip: string; port: number; proto: Proto; held: boolean; atSyn: boolean })
  | (Header & { kind: "dns"; ip: string; port: number; length: number; payload: Uint8Array })
  | (Header & { kind: "fork"; child: number })
  | (Header & { kind: "exec"; filename: string; oldPid: number; argv: string[] | null })
  | (Header & { kind: "exit"; status: number });

const latin = new TextDecoder("utf-8", { fatal: false });

function cString(b: Uint8Array, off: number, max: number): string {
  const slice = b.subarray(off, Math.min(b.length, off + max));
  const end = slice.indexOf(0);
  return latin.decode(end < 0 ? slice : slice.subarray(0, end));
}

/** Text form of an address: dotted IPv4, RFC 5952 IPv6; IPv4-mapped IPv6 becomes the IPv4. */
export function formatIp(family: number, a: Uint8Array): string | null {
  if (family === AF_INET && a.length >= 4) return `${a[0]}.${a[1]}.${a[2]}.${a[3]}`;
  if (family === AF_INET6 && a.length >= 16) {
    const v6 = new ipaddr.IPv6(Array.from(a.subarray(0, 16)));
    return v6.isIPv4MappedAddress() ? v6.toIPv4Address().toString() : v6.toRFC5952String();
  }
  return null;
}

/** One ring-buffer record → event, or null when it is malformed or of an unknown kind. */
export function decodeEvent(b: Uint8Array): BpfEvent | null {
  if (!(b instanceof Uint8Array) || b.length < HDR_SIZE) return null;
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const kind = v.getUint32(0, true);
  const h: Header = {
    tgid: v.getUint32(4, true),
    tid: v.getUint32(8, true),
    ppid: v.getUint32(12, true),
    tsNs: v.getBigUint64(16, true),
    comm: cString(b, 24, 16),
  };
  switch (kind) {
    case EV_CONNECT: {
      if (b.length < CONNECT_SIZE) return null;
      const ip = formatIp(v.getUint16(40, true), b.subarray(48, 64));
      if (ip === null) return null;
      const proto: Proto = b[44] === SOCK_DGRAM ? "udp" : "tcp";
      return { ...h, kind: "connect", ip, port: v.getUint16(42, true), proto, held: b[45] === 1, atSyn: b[46] === 1 };
    }
    case EV_DNS: {
      if (b.length < DNS_HEADER_SIZE) return null;
      const ip = formatIp(v.getUint16(40, true), b.subarray(48, 64));
      if (ip === null) return null;
      const captured = Math.min(v.getUint32(64, true), MAX_DNS, b.length - DNS_HEADER_SIZE);
      const payload = b.slice(DNS_HEADER_SIZE, DNS_HEADER_SIZE + captured);
      return { ...h, kind: "dns", ip, port: v.getUint16(42, true), length: v.getUint32(44, true), payload };
    }
    case EV_FORK:
      if (b.length < FORK_SIZE) return null;
      return { ...h, kind: "fork", child: v.getUint32(40, true) };
    case EV_EXEC: {
      if (b.length < EXEC_HEADER_SIZE) return null;
      const len = Math.min(v.getUint32(44, true), MAX_FILENAME);
      return { ...h, kind: "exec", oldPid: v.getUint32(40, true), filename: cString(b, EXEC_HEADER_SIZE, len), argv: execArgv(b, v) };
    }
    case EV_EXIT:
      if (b.length < EXIT_SIZE) return null;
      return { ...h, kind: "exit", status: v.getUint32(40, true) };
    default:
      return null;
  }
}

/**
 * The argv the kernel program copied from the new image (NUL-separated); the last element of an
 * argv longer than the copy ends in "…". Null when nothing was copied (older object, or unreadable).
 */
function execArgv(b: Uint8Array, v: DataView): string[] | null {
  if (b.length < EXEC_ARGS_OFFSET + 8) return null;
  const len = Math.min(v.getUint32(EXEC_ARGS_OFFSET, true), MAX_ARGS, b.length - EXEC_ARGS_OFFSET - 8);
  if (len <= 0) return null;
  const total = v.getUint32(EXEC_ARGS_OFFSET + 4, true);
  const bytes = b.subarray(EXEC_ARGS_OFFSET + 8, EXEC_ARGS_OFFSET + 8 + len);
  const parts = latin.decode(bytes).split("\0");
  if (parts.length > 1 && parts[parts.length - 1] === "") parts.pop(); // the terminating NUL
  if (total > len && parts.length) parts[parts.length - 1] += "…";
  return parts.length ? parts : null;
}

/** Exit code from a wait status: the code for a normal exit, 128 + signal for a killed process. */
export function exitCodeOf(status: number): number {
  const sig = status & 0x7f;
  return sig === 0 ? (status >> 8) & 0xff : 128 + sig;
}

export type ProbeEvent =
  | { type: "connect"; ev: RawConnect }
  | { type: "dns"; ev: RawDns }
  | { type: "process"; ev: RawProcess };

/**
 * Event → the probe contract's record. `offsetMs` maps CLOCK_MONOTONIC to epoch ms
 * (epochMs = monotonicMs + offsetMs).
 */
export function toProbeEvent(e: BpfEvent, offsetMs: number): ProbeEvent {
  // Whole milliseconds, as every other source of events writes them (the NDJSON contract).
  const ts = Math.round(Number(e.tsNs / 1000n) / 1000 + offsetMs);
  const ppid = e.ppid || null;
  switch (e.kind) {
    case "connect":
      return {
        type: "connect",
        ev: {
          ts, pid: e.tgid, tid: e.tid, ppid, comm: e.comm, proto: e.proto,
          dst: { ip: e.ip, port: e.port }, probe: "ebpf", ...(e.held ? { held: true } : {}), ...(e.atSyn ? { atSyn: true } : {}),
        },
      };
    case "dns":
      return { type: "dns", ev: { ts, pid: e.tgid, payload: e.payload, probe: "ebpf" } };
    case "fork":
      return { type: "process", ev: { ts, pid: e.child, ppid: e.tgid, event: "fork" } };
    case "exec":
      return { type: "process", ev: { ts, pid: e.tgid, ppid, event: "exec", exe: e.filename, ...(e.argv ? { argv: e.argv } : {}) } };
    case "exit":
      return { type: "process", ev: { ts, pid: e.tgid, ppid, event: "exit", exitCode: exitCodeOf(e.status) } };
  }
}

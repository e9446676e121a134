import { dlopen, FFIType, read, toArrayBuffer, type Pointer } from "bun:ffi";
import { closeSync, openSync, readFileSync } from "node:fs";

/**
 * libpcap through bun:ffi (the npm `cap`/`pcap` addons cannot load in Bun). Only the calls the
 * probe needs: create → set options → activate → filter → nonblocking pcap_next_ex → close.
 */

const LIB_CANDIDATES: Record<string, string[]> = {
  linux: ["libpcap.so.0.8", "libpcap.so.1", "libpcap.so"],
  darwin: ["libpcap.A.dylib", "/usr/lib/libpcap.A.dylib", "libpcap.dylib"],
};

export const MISSING_LIBPCAP =
  "libpcap is not installed (libpcap.so.0.8 could not be loaded): install it with `apt-get install libpcap0.8` (Debian/Ubuntu) or `dnf install libpcap` (Fedora/RHEL)";

const symbols = {
  pcap_create: { args: [FFIType.cstring, FFIType.ptr], returns: FFIType.ptr },
  pcap_set_snaplen: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  pcap_set_promisc: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  pcap_set_timeout: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  pcap_set_buffer_size: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  pcap_set_immediate_mode: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  pcap_activate: { args: [FFIType.ptr], returns: FFIType.i32 },
  pcap_geterr: { args: [FFIType.ptr], returns: FFIType.cstring },
  pcap_statustostr: { args: [FFIType.i32], returns: FFIType.cstring },
  pcap_setnonblock: { args: [FFIType.ptr, FFIType.i32, FFIType.ptr], returns: FFIType.i32 },
  pcap_compile: { args: [FFIType.ptr, FFIType.ptr, FFIType.cstring, FFIType.i32, FFIType.u32], returns: FFIType.i32 },
  pcap_setfilter: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  pcap_freecode: { args: [FFIType.ptr], returns: FFIType.void },
  pcap_next_ex: { args: [FFIType.ptr, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  pcap_datalink: { args: [FFIType.ptr], returns: FFIType.i32 },
  pcap_set_datalink: { args: [FFIType.ptr, FFIType.i32], returns: FFIType.i32 },
  pcap_stats: { args: [FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
  pcap_close: { args: [FFIType.ptr], returns: FFIType.void },
  pcap_lib_version: { args: [], returns: FFIType.cstring },
} as const;

type PcapLib = ReturnType<typeof dlopen<typeof symbols>>["symbols"];

let cached: { lib: PcapLib; path: string } | { error: string } | null = null;

/** Loads libpcap once; the error names the package to install. */
export function loadLibpcap(): { lib: PcapLib; path: string } | { error: string } {
  if (cached) return cached;
  // TRUSTRUN_LIBPCAP names the library explicitly (a libpcap outside the loader's search path).
  const names = process.env.TRUSTRUN_LIBPCAP ? [process.env.TRUSTRUN_LIBPCAP] : LIB_CANDIDATES[process.platform];
  if (!names) return (cached = { error: `the pcap probe does not support ${process.platform}` });
  for (const name of names) {
    try {
      cached = { lib: dlopen(name, symbols).symbols, path: name };
      return cached;
    } catch {
      // try the next name
    }
  }
  return (cached = { error: process.platform === "darwin" ? "libpcap could not be loaded (it ships with macOS)" : MISSING_LIBPCAP });
}

const enc = new TextEncoder();
function cstr(s: string): Uint8Array {
  const b = new Uint8Array(enc.encode(s).length + 1);
  enc.encodeInto(s, b);
  return b;
}

function errText(buf: Uint8Array): string {
  const end = buf.indexOf(0);
  return new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end));
}

export const PCAP_ERROR_PERM_DENIED = -8;
export const PCAP_ERROR_NO_SUCH_DEVICE = -5;

export class PcapError extends Error {
  constructor(message: string, readonly code?: number) {
    super(message);
  }
}

export interface OpenOptions {
  iface: string;
  /** Path of a network namespace (/var/run/netns/NAME or /proc/PID/ns/net) to capture in. */
  netns?: string;
  snaplen?: number;
  bufferBytes?: number;
  filter?: string;
  /**
   * Deliver each packet at once. Off by default: on Linux it switches libpcap to TPACKET_V2,
   * whose fixed snaplen-sized slots hold ~256 packets in 32 MB; TPACKET_V3 packs packets by size
   * and delivers within the 10 ms timeout, the same delay as the drain timer.
   */
  immediate?: boolean;
  /** Ask for this link type after activation (e.g. 276, LINUX_SLL2, on "any"). */
  linktype?: number;
}

export interface Packet {
  ts: number; // ms since epoch, from the capture header
  bytes: Uint8Array; // a copy: libpcap reuses its buffer
  wireLength: number;
}

export interface PcapHandle {
  readonly linktype: number;
  /** Up to `max` packets already captured; never blocks. */
  drain(max: number, each: (p: Packet) => void): number;
  stats(): { received: number; dropped: number; ifDropped: number } | null;
  close(): void;
}

let libc: { setns: (fd: number, type: number) => number } | null = null;
const CLONE_NEWNET = 0x40000000;

/**
 * Runs `fn` with this thread in another network namespace (packet sockets stay bound to the
 * namespace they were created in, so the handle keeps capturing there after we switch back).
 */
function inNetns<T>(path: string | undefined, fn: () => T): T {
  if (!path) return fn();
  if (process.platform !== "linux") throw new PcapError("network namespaces exist only on Linux");
  libc ??= dlopen("libc.so.6", { setns: { args: [FFIType.i32, FFIType.i32], returns: FFIType.i32 } }).symbols;
  let target: number, home: number;
  try {
    target = openSync(path, "r");
  } catch (e) {
    throw new PcapError(`cannot open network namespace ${path}: ${(e as Error).message}`);
  }
  try {
    home = openSync("/proc/thread-self/ns/net", "r");
  } catch (e) {
    closeSync(target);
    throw new PcapError(`cannot open this thread's network namespace: ${(e as Error).message}`);
  }
  try {
    if (libc.setns(target, CLONE_NEWNET) !== 0) throw new PcapError(`setns(${path}) failed: needs CAP_SYS_ADMIN`);
    try {
      return fn();
    } finally {
      // Going back must not fail silently: the JS thread would stay in the other namespace.
      if (libc.setns(home, CLONE_NEWNET) !== 0) throw new PcapError("could not return to the original network namespace");
    }
  } finally {
    closeSync(target);
    closeSync(home);
  }
}

/** Opens, configures and activates a live capture; throws PcapError with libpcap's message. */
export function openLive(opts: OpenOptions): PcapHandle {
  const loaded = loadLibpcap();
  if ("error" in loaded) throw new PcapError(loaded.error);
  const pc = loaded.lib;
  const errbuf = new Uint8Array(512);
  const p = inNetns(opts.netns, () => {
    const h = pc.pcap_create(cstr(opts.iface), errbuf);
    if (!h) throw new PcapError(`pcap_create(${opts.iface}): ${errText(errbuf)}`);
    pc.pcap_set_snaplen(h, opts.snaplen ?? 65535);
    pc.pcap_set_promisc(h, 0);
    pc.pcap_set_timeout(h, 10);
    pc.pcap_set_immediate_mode(h, opts.immediate ? 1 : 0);
    pc.pcap_set_buffer_size(h, opts.bufferBytes ?? 32 * 1024 * 1024);
    const rc = pc.pcap_activate(h);
    if (rc < 0) {
      const msg = String(pc.pcap_geterr(h) || pc.pcap_statustostr(rc));
      pc.pcap_close(h);
      throw new PcapError(`cannot capture on ${opts.iface}: ${msg}`, rc);
    }
    return h;
  });
  if (opts.linktype !== undefined && pc.pcap_set_datalink(p, opts.linktype) !== 0) {
    const msg = String(pc.pcap_geterr(p));
    pc.pcap_close(p);
    throw new PcapError(`link type ${opts.linktype} is not available on ${opts.iface}: ${msg}`);
  }
  const linktype = pc.pcap_datalink(p);
  if (opts.filter) {
    const prog = new Uint8Array(16); // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
    if (pc.pcap_compile(p, prog, cstr(opts.filter), 1, 0xffffffff) !== 0) {
      const msg = String(pc.pcap_geterr(p));
      pc.pcap_close(p);
      throw new PcapError(`bad capture filter "${opts.filter}": ${msg}`);
    }
    const rc = pc.pcap_setfilter(p, prog);
    pc.pcap_freecode(prog);
    if (rc !== 0) {
      const msg = String(pc.pcap_geterr(p));
      pc.pcap_close(p);
      throw new PcapError(`cannot set capture filter: ${msg}`);
    }
  }
  if (pc.pcap_setnonblock(p, 1, errbuf) !== 0) {
    pc.pcap_close(p);
    throw new PcapError(`cannot make the capture nonblocking: ${errText(errbuf)}`);
  }

  const hdrOut = new BigUint64Array(1);
  const dataOut = new BigUint64Array(1);
  const statBuf = new Uint32Array(4);
  let closed = false;

  function drain(max: number, each: (pkt: Packet) => void): number {
    let n = 0;
    while (!closed && n < max) {
      const rc = pc.pcap_next_ex(p, hdrOut, dataOut);
      if (rc !== 1) break; // 0: nothing more now; <0: error or end
      const hdr = Number(hdrOut[0]) as Pointer;
      const data = Number(dataOut[0]) as Pointer;
      // struct pcap_pkthdr { struct timeval ts (16 bytes on 64-bit); bpf_u_int32 caplen; bpf_u_int32 len; }
      const sec = Number(read.i64(hdr, 0));
      const usec = Number(read.i64(hdr, 8)) & 0xffffffff;
      const caplen = read.u32(hdr, 16);
      const len = read.u32(hdr, 20);
      const bytes = caplen > 0 ? new Uint8Array(toArrayBuffer(data, 0, caplen)).slice() : new Uint8Array(0);
      n++;
      each({ ts: sec * 1000 + Math.floor(usec / 1000), bytes, wireLength: len });
    }
    return n;
  }

  return {
    linktype,
    drain,
    stats() {
      if (closed || pc.pcap_stats(p, statBuf) !== 0) return null;
      return { received: statBuf[0], dropped: statBuf[1], ifDropped: statBuf[2] };
    },
    close() {
      if (closed) return;
      closed = true;
      pc.pcap_close(p);
    },
  };
}

/** Whether this process has CAP_NET_RAW in its effective set (Linux). */
export function hasNetRaw(): boolean | null {
  if (process.platform !== "linux") return null;
  try {
    const status = readFileSync("/proc/self/status", "utf8");
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(status);
    if (!m) return null;
    return (BigInt("0x" + m[1]) & (1n << 13n)) !== 0n;
  } catch {
    return null;
  }
}

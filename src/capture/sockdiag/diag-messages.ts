import type { Endpoint, Proto } from "../../core/types.ts";
import { formatIpv4, formatIpv6 } from "../proc/ip-format.ts";

// Pure builders and parsers of sock_diag netlink messages (linux/inet_diag.h, netlink.h).
// Replies come from the kernel but are still parsed defensively: bad lengths end the parse.

export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;
export const SOCK_DIAG_BY_FAMILY = 20;
export const SOCK_DESTROY = 21;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
const NLM_F_REQUEST = 0x1;
const NLM_F_ACK = 0x4;
const NLM_F_DUMP = 0x300;
const NLMSG_HDRLEN = 16;
const REQ_LEN = 56; // inet_diag_req_v2
const MSG_LEN = 72; // inet_diag_msg
export const ALL_STATES = 0xffffffff;

export interface DiagSocket {
  family: number;
  proto: Proto;
  state: number;
  local: Endpoint;
  remote: Endpoint;
  ifindex: number;
  /** Kernel socket cookie, needed to destroy exactly this socket. */
  cookie: Uint8Array;
  uid: number;
  inode: number;
}

export interface DiagReply {
  sockets: DiagSocket[];
  done: boolean;
  /** errno from an NLMSG_ERROR (0 = ack), null when none was seen. */
  error: number | null;
}

function header(view: DataView, len: number, type: number, flags: number, seq: number): void {
  view.setUint32(0, len, true);
  view.setUint16(4, type, true);
  view.setUint16(6, flags, true);
  view.setUint32(8, seq, true);
  view.setUint32(12, 0, true);
}

/** A dump request for every socket of one family and protocol in the given states. */
export function buildDumpRequest(family: number, protocol: number, seq: number, states = ALL_STATES): Uint8Array {
  const buf = new Uint8Array(NLMSG_HDRLEN + REQ_LEN);
  const view = new DataView(buf.buffer);
  header(view, buf.length, SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq);
  buf[16] = family;
  buf[17] = protocol;
  view.setUint32(20, states >>> 0, true);
  return buf;
}

function ipBytes(ip: string, family: number): Uint8Array | null {
  const out = new Uint8Array(16);
  if (family === AF_INET) {
    const parts = ip.split(".").map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return null;
    out.set(parts);
    return out;
  }
  // IPv6: expand "::" and an embedded dotted quad.
  let text = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const v4 = ipBytes(dotted[1]!, AF_INET);
    if (!v4) return null;
    text = text.slice(0, -dotted[1]!.length) + `${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = 8 - head.length - tail.length;
  if (fill < 0 || (halves.length === 1 && fill !== 0)) return null;
  const words = [...head, ...Array(fill).fill("0"), ...tail];
  for (let i = 0; i < 8; i++) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(words[i]!)) return null;
    const w = parseInt(words[i]!, 16);
    out[2 * i] = w >> 8;
    out[2 * i + 1] = w & 0xff;
  }
  return out;
}

/** A SOCK_DESTROY request for one socket as reported by a dump (needs CAP_NET_ADMIN). */
export function buildDestroyRequest(s: DiagSocket, seq: number): Uint8Array | null {
  const src = ipBytes(s.local.ip, s.family);
  const dst = ipBytes(s.remote.ip, s.family);
  if (!src || !dst) return null;
  const buf = new Uint8Array(NLMSG_HDRLEN + REQ_LEN);
  const view = new DataView(buf.buffer);
  header(view, buf.length, SOCK_DESTROY, NLM_F_REQUEST | NLM_F_ACK, seq);
  buf[16] = s.family;
  buf[17] = s.proto === "tcp" ? IPPROTO_TCP : IPPROTO_UDP;
  view.setUint32(20, ALL_STATES, true);
  view.setUint16(24, s.local.port, false);
  view.setUint16(26, s.remote.port, false);
  buf.set(s.family === AF_INET ? src.subarray(0, 4) : src, 28);
  buf.set(s.family === AF_INET ? dst.subarray(0, 4) : dst, 44);
  view.setUint32(60, s.ifindex >>> 0, true);
  buf.set(s.cookie.subarray(0, 8), 64);
  return buf;
}

function formatAddr(family: number, b: Uint8Array, off: number): string {
  return family === AF_INET ? formatIpv4(b, off) : formatIpv6(b, off);
}

/** Parse one recv() buffer of netlink messages. Never throws; stops at the first bad length. */
export function parseDiagReply(buf: Uint8Array, length = buf.length): DiagReply {
  const reply: DiagReply = { sockets: [], done: false, error: null };
  const end = Math.min(length, buf.length);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let off = 0;
  while (off + NLMSG_HDRLEN <= end) {
    const len = view.getUint32(off, true);
    const type = view.getUint16(off + 4, true);
    if (len < NLMSG_HDRLEN || off + len > end) break;
    const body = off + NLMSG_HDRLEN;
    if (type === NLMSG_DONE) {
      reply.done = true;
    } else if (type === NLMSG_ERROR) {
      if (len >= NLMSG_HDRLEN + 4) reply.error = -view.getInt32(body, true);
      reply.done = true;
    } else if (type === SOCK_DIAG_BY_FAMILY && len >= NLMSG_HDRLEN + MSG_LEN) {
      const family = buf[body]!;
      if (family === AF_INET || family === AF_INET6) {
        reply.sockets.push({
          family,
          proto: "tcp", // set by the caller, which knows what it asked for
          state: buf[body + 1]!,
          local: { ip: formatAddr(family, buf, body + 8), port: view.getUint16(body + 4, false) },
          remote: { ip: formatAddr(family, buf, body + 24), port: view.getUint16(body + 6, false) },
          ifindex: view.getUint32(body + 40, true),
          cookie: buf.slice(body + 44, body + 52),
          uid: view.getUint32(body + 64, true),
          inode: view.getUint32(body + 68, true),
        });
      }
    }
    off += (len + 3) & ~3;
  }
  return reply;
}

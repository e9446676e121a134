import { dlopen, FFIType, ptr, read } from "bun:ffi";
import type { Proto } from "../../core/types.ts";
import {
  AF_INET,
  AF_INET6,
  IPPROTO_TCP,
  IPPROTO_UDP,
  buildDestroyRequest,
  ALL_STATES,
  buildDumpRequest,
  parseDiagReply,
  type DiagSocket,
} from "./diag-messages.ts";

// A NETLINK_SOCK_DIAG socket through libc (Bun has no netlink sockets of its own).

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_SOCK_DIAG = 4;
const MSG_DONTWAIT = 0x40;
const EAGAIN = 11;
const EINTR = 4;

type Libc = ReturnType<typeof openLibc>;

function openLibc() {
  return dlopen("libc.so.6", {
    socket: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    sendto: {
      args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32, FFIType.ptr, FFIType.u32],
      returns: FFIType.i64,
    },
    recv: { args: [FFIType.i32, FFIType.ptr, FFIType.u64, FFIType.i32], returns: FFIType.i64 },
    close: { args: [FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

let libc: Libc | null = null;
let libcError: string | null = null;

export function loadLibc(): Libc | null {
  if (libc || libcError) return libc;
  try {
    libc = openLibc();
  } catch (err) {
    libcError = (err as Error).message;
  }
  return libc;
}

export function libcLoadError(): string | null {
  loadLibc();
  return libcError;
}

function errno(c: Libc): number {
  const p = c.__errno_location();
  return p ? read.i32(p, 0) : 0;
}

export class NetlinkError extends Error {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super(message);
  }
}

const SOCKADDR_NL = new Uint8Array([AF_NETLINK, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

export interface DiagConnection {
  dump(proto: Proto, family: number, states?: number): DiagSocket[];
  destroy(sock: DiagSocket): number;
  close(): void;
}

export function openSockDiag(): DiagConnection {
  const c = loadLibc();
  if (!c) throw new NetlinkError(`libc not loadable: ${libcError}`, 0);
  const fd = c.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) throw new NetlinkError(`netlink socket: errno ${errno(c)}`, errno(c));
  const rbuf = new Uint8Array(64 * 1024);
  let seq = 1;

  function send(req: Uint8Array): void {
    const n = Number(c!.sendto(fd, ptr(req), req.length, 0, ptr(SOCKADDR_NL), SOCKADDR_NL.length));
    if (n < 0) throw new NetlinkError(`netlink sendto: errno ${errno(c!)}`, errno(c!));
  }

  /** Read replies until NLMSG_DONE/ERROR; bounded so a misbehaving kernel cannot hang us. */
  function collect(onSockets: (s: DiagSocket[]) => void): number | null {
    let idle = 0;
    for (let i = 0; i < 100_000; i++) {
      const n = Number(c!.recv(fd, ptr(rbuf), rbuf.length, MSG_DONTWAIT));
      if (n < 0) {
        const e = errno(c!);
        if ((e === EAGAIN || e === EINTR) && idle++ < 1000) continue;
        throw new NetlinkError(`netlink recv: errno ${e}`, e);
      }
      idle = 0;
      if (n === 0) return null;
      const reply = parseDiagReply(rbuf, n);
      onSockets(reply.sockets);
      if (reply.done) return reply.error;
    }
    return null;
  }

  return {
    dump(proto, family, states = ALL_STATES) {
      send(buildDumpRequest(family, proto === "tcp" ? IPPROTO_TCP : IPPROTO_UDP, seq++, states));
      const out: DiagSocket[] = [];
      const error = collect((list) => {
        for (const s of list) out.push({ ...s, proto });
      });
      if (error) throw new NetlinkError(`sock_diag dump: errno ${error}`, error);
      return out;
    },
    destroy(sock) {
      const req = buildDestroyRequest(sock, seq++);
      if (!req) return 22; // EINVAL
      send(req);
      return collect(() => {}) ?? 0;
    },
    close() {
      c.close(fd);
    },
  };
}

const TCP_ESTABLISHED = 1;
const TCP_TIME_WAIT = 6;

/**
 * TCP and UDP sockets, IPv4 and IPv6, of the caller's network namespace. `liveOnly` leaves
 * out what cannot belong to a process (TCP TIME_WAIT) and unconnected UDP sockets, in the
 * kernel: a busy host can have tens of thousands of TIME_WAIT sockets.
 */
export function dumpAll(conn: DiagConnection, liveOnly = false): DiagSocket[] {
  const out: DiagSocket[] = [];
  for (const proto of ["tcp", "udp"] as const) {
    const states = !liveOnly ? ALL_STATES : proto === "tcp" ? ALL_STATES & ~(1 << TCP_TIME_WAIT) : 1 << TCP_ESTABLISHED;
    for (const family of [AF_INET, AF_INET6]) for (const s of conn.dump(proto, family, states >>> 0)) out.push(s);
  }
  return out;
}

// Which process opened a connection to the proxy: the client's port → socket inode → the
// process holding that inode (/proc/PID/fd). The inode comes from an exact sock_diag lookup of
// the one socket (a hash lookup in the kernel, ~20 µs); dumping tables is the fallback, and
// /proc/net/tcp the last resort: it lists every TIME_WAIT socket too and can take hundreds of
// milliseconds to read on a busy host.
import { readdirSync, readFileSync } from "node:fs";
import { ptr, read } from "bun:ffi";
import { parseProcNet, type NetEntry } from "../proc/net-parse.ts";
import { listPids, socketInodes } from "../procinfo/procinfo.ts";
import { AF_INET, AF_INET6, SOCK_DIAG_BY_FAMILY, buildDestroyRequest, parseDiagReply } from "../sockdiag/diag-messages.ts";
import { loadLibc, openSockDiag, type DiagConnection } from "../sockdiag/netlink.ts";
import type { Endpoint } from "../../core/types.ts";

const NLM_F_REQUEST = 1;
let exactFd: number | null | undefined;
const replyBuf = new Uint8Array(8192);
const SOCKADDR_NL = new Uint8Array([16, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);

/** The inode of the TCP socket local → remote in this network namespace, by exact lookup; undefined when unavailable. */
export function exactSocketInode(local: Endpoint, remote: Endpoint): number | null | undefined {
  const c = loadLibc();
  if (!c) return undefined;
  if (exactFd === undefined) {
    const fd = c.socket(16 /* AF_NETLINK */, 2 /* SOCK_DGRAM */ | 0o2000000, 4 /* NETLINK_SOCK_DIAG */);
    exactFd = fd >= 0 ? fd : null;
  }
  if (exactFd === null) return undefined;
  const family = local.ip.includes(":") ? AF_INET6 : AF_INET;
  // The SOCK_DESTROY message has the exact-match layout; reuse it as a plain lookup.
  const req = buildDestroyRequest({ family, proto: "tcp", state: 0, local, remote, ifindex: 0, cookie: new Uint8Array(8).fill(0xff), uid: 0, inode: 0 }, 1);
  if (!req) return null;
  const view = new DataView(req.buffer);
  view.setUint16(4, SOCK_DIAG_BY_FAMILY, true);
  view.setUint16(6, NLM_F_REQUEST, true);
  if (Number(c.sendto(exactFd, ptr(req), req.length, 0, ptr(SOCKADDR_NL), SOCKADDR_NL.length)) < 0) return undefined;
  for (let i = 0; i < 2000; i++) {
    const n = Number(c.recv(exactFd, ptr(replyBuf), replyBuf.length, 0x40 /* MSG_DONTWAIT */));
    if (n < 0) {
      const p = c.__errno_location();
      const e = p ? read.i32(p, 0) : 0;
      if (e === 11 || e === 4) continue; // EAGAIN / EINTR: the answer is on its way
      return undefined;
    }
    const reply = parseDiagReply(replyBuf, n);
    if (reply.sockets.length) return reply.sockets[0]!.inode || null;
    if (reply.done) return null; // ENOENT: no such socket
  }
  return undefined;
}

const ESTABLISHED = 1 << 1;
let diag: DiagConnection | null | undefined;

function establishedTcp(): NetEntry[] {
  if (diag === undefined) {
    try {
      diag = openSockDiag();
    } catch {
      diag = null;
    }
  }
  if (diag) {
    try {
      const out: NetEntry[] = [];
      for (const family of [AF_INET, AF_INET6]) {
        for (const s of diag.dump("tcp", family, ESTABLISHED)) out.push({ proto: "tcp", local: s.local, remote: s.remote, state: s.state, uid: s.uid, inode: s.inode });
      }
      return out;
    } catch {
      diag = null;
    }
  }
  const out: NetEntry[] = [];
  for (const f of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    try {
      out.push(...parseProcNet(readFileSync(f, "latin1"), "tcp"));
    } catch {
      /* no IPv6 here */
    }
  }
  return out;
}

/** The inode of the client end of clientPort → serverPort, or null. */
export function clientSocketInode(entries: NetEntry[], clientPort: number, serverPort: number): number | null {
  const e = entries.find((x) => x.local.port === clientPort && x.remote.port === serverPort && x.inode > 0);
  return e ? e.inode : null;
}

/** pid and its descendants, read from /proc/PID/task/TID/children (cheap for a small tree). */
export function treePids(rootPid: number | null, max = 4096): number[] {
  if (!rootPid) return [];
  const out: number[] = [];
  const queue = [rootPid];
  while (queue.length && out.length < max) {
    const pid = queue.shift()!;
    out.push(pid);
    let tids: string[] = [];
    try {
      tids = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tids) {
      try {
        for (const c of readFileSync(`/proc/${pid}/task/${tid}/children`, "latin1").split(" ")) if (c.trim()) queue.push(Number(c));
      } catch {
        /* gone */
      }
    }
  }
  return out;
}

/**
 * The pid that holds the client end of a connection to the proxy, or null when it cannot be
 * found (the process already exited, or it lives in another network namespace). Candidates
 * (the target's tree) are searched first; then every process.
 */
export function pidForClient(clientPort: number, serverPort: number, candidates: () => number[] = () => [], addrs?: { client: string; server: string }): number | null {
  const exact = addrs ? exactSocketInode({ ip: addrs.client, port: clientPort }, { ip: addrs.server, port: serverPort }) : undefined;
  const inode = exact !== undefined ? exact : clientSocketInode(establishedTcp(), clientPort, serverPort);
  if (inode === null) return null;
  const seen = new Set<number>();
  for (const list of [candidates, listPids]) {
    for (const pid of list()) {
      if (seen.has(pid) || pid === process.pid) continue;
      seen.add(pid);
      if (socketInodes(pid).includes(inode)) return pid;
    }
  }
  return null;
}

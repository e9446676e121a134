// Which process opened a connection to the proxy: the client's port → socket inode → the
// process holding that inode (/proc/PID/fd). The inode comes from sock_diag, asking the kernel
// for established sockets only: /proc/net/tcp lists every TIME_WAIT socket too and can take
// hundreds of milliseconds to read on a busy host. /proc/net/tcp is the fallback.
import { readFileSync } from "node:fs";
import { parseProcNet, type NetEntry } from "../proc/net-parse.ts";
import { listPids, socketInodes } from "../procinfo/procinfo.ts";
import { AF_INET, AF_INET6 } from "../sockdiag/diag-messages.ts";
import { openSockDiag, type DiagConnection } from "../sockdiag/netlink.ts";

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

/**
 * The pid that holds the client end of a connection to the proxy, or null when it cannot be
 * found (the process already exited, or it lives in another network namespace). Candidates
 * (the target's tree) are searched first; then every process.
 */
export function pidForClient(clientPort: number, serverPort: number, candidates: () => number[] = () => []): number | null {
  const inode = clientSocketInode(establishedTcp(), clientPort, serverPort);
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

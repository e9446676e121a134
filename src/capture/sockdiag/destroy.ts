import type { Endpoint, Proto } from "../../core/types.ts";
import { normalizeIp } from "../proc/ip-format.ts";
import type { DiagSocket } from "./diag-messages.ts";
import { dumpAll, openSockDiag } from "./netlink.ts";

// Cutting live sockets for enforcement. SOCK_DESTROY (needs CAP_NET_ADMIN and a kernel with
// CONFIG_INET_DIAG_DESTROY) makes the owner's next read/write fail with ECONNABORTED.
// `ss -K` uses the same kernel call, so it is only a fallback for when libc cannot be loaded.

export interface DestroyFilter {
  dst: Endpoint;
  proto?: Proto;
  /** Only sockets with these inodes (the tracked processes' sockets); all when absent. */
  inodes?: ReadonlySet<number>;
}

export interface DestroyResult {
  destroyed: number;
  matched: number;
  method: "sock_destroy" | "ss";
  error?: string;
}

/** Pure: which dumped sockets a filter selects. */
export function selectSockets(all: DiagSocket[], f: DestroyFilter): DiagSocket[] {
  const ip = normalizeIp(f.dst.ip);
  return all.filter(
    (s) =>
      normalizeIp(s.remote.ip) === ip &&
      s.remote.port === f.dst.port &&
      (!f.proto || s.proto === f.proto) &&
      (!f.inodes || f.inodes.has(s.inode)),
  );
}

/** Destroy every socket matching the filter. Never throws. */
export function destroySockets(f: DestroyFilter): DestroyResult {
  let conn;
  try {
    conn = openSockDiag();
  } catch (err) {
    return destroyWithSs(f, (err as Error).message);
  }
  try {
    const targets = selectSockets(dumpAll(conn), f);
    let destroyed = 0;
    let lastErr = 0;
    for (const s of targets) {
      const e = conn.destroy(s);
      if (e === 0) destroyed++;
      else lastErr = e;
    }
    const res: DestroyResult = { destroyed, matched: targets.length, method: "sock_destroy" };
    if (lastErr) res.error = lastErr === 1 ? "SOCK_DESTROY needs CAP_NET_ADMIN (EPERM)" : `SOCK_DESTROY failed: errno ${lastErr}`;
    return res;
  } catch (err) {
    return { destroyed: 0, matched: 0, method: "sock_destroy", error: (err as Error).message };
  } finally {
    conn.close();
  }
}

/** Destroy one socket exactly as a dump reported it; returns errno (0 = done). */
export function destroySocket(sock: DiagSocket): number {
  try {
    const conn = openSockDiag();
    try {
      return conn.destroy(sock);
    } finally {
      conn.close();
    }
  } catch {
    return -1;
  }
}

function destroyWithSs(f: DestroyFilter, why: string): DestroyResult {
  const proto = f.proto === "udp" ? "-u" : f.proto === "tcp" ? "-t" : "-tu";
  const ip = normalizeIp(f.dst.ip);
  const dst = ip.includes(":") ? `[${ip}]` : ip;
  try {
    const p = Bun.spawnSync(["ss", "-K", proto, "-n", "dst", dst, "dport", "=", String(f.dst.port)], {
      stdout: "pipe",
      stderr: "pipe",
    });
    // ss lists the sockets it closed after a header line.
    const lines = p.stdout.toString().trim().split("\n").slice(1).filter(Boolean);
    const res: DestroyResult = { destroyed: lines.length, matched: lines.length, method: "ss" };
    if (p.exitCode !== 0) res.error = `ss -K exited ${p.exitCode}: ${p.stderr.toString().trim()} (netlink: ${why})`;
    return res;
  } catch (err) {
    return { destroyed: 0, matched: 0, method: "ss", error: `${(err as Error).message} (netlink: ${why})` };
  }
}

/** Exposed for tests and for the case where the caller prefers the ss command. */
export const destroySocketsWithSs = (f: DestroyFilter): DestroyResult => destroyWithSs(f, "not tried");

// Which threads of a tree are stopped at connect() (held by the eBPF probe until judged), and where
// they were connecting: read from /proc (the syscall and its arguments, then the sockaddr from the
// process's memory). The release guard refuses those destinations before it resumes the tree, so
// a monitor that dies mid-decision fails closed for what it had not judged.
import { closeSync, openSync, readFileSync, readSync, readdirSync } from "node:fs";
import { formatIp } from "../ebpf/events.ts";
import { descendants } from "../procinfo/procinfo.ts";

const SYS_CONNECT_X86_64 = 42;
const SYS_CONNECT_ARM64 = 203;

export interface HeldConnect {
  pid: number;
  tid: number;
  ip: string;
  port: number;
}

export interface ProcReader {
  text(path: string): string | null;
  /** Bytes of a process's memory at an address, or null. */
  mem(pid: number, address: number, length: number): Uint8Array | null;
}

const realProc: ProcReader = {
  text(path) {
    try {
      return readFileSync(path, "utf8");
    } catch {
      return null;
    }
  },
  mem(pid, address, length) {
    let fd = -1;
    try {
      fd = openSync(`/proc/${pid}/mem`, "r");
      const buf = new Uint8Array(length);
      const n = readSync(fd, buf, 0, length, address);
      return n === length ? buf : null;
    } catch {
      return null;
    } finally {
      if (fd >= 0) closeSync(fd);
    }
  },
};

/** Destination of a sockaddr_in / sockaddr_in6, or null for other families and short buffers. */
export function parseSockaddr(b: Uint8Array): { ip: string; port: number } | null {
  if (b.length < 8) return null;
  const family = b[0] | (b[1] << 8);
  const port = (b[2] << 8) | b[3];
  const ip = family === 2 ? formatIp(2, b.subarray(4, 8)) : family === 10 && b.length >= 24 ? formatIp(10, b.subarray(8, 24)) : null;
  return ip ? { ip, port } : null;
}

/** Threads of rootPid's tree that are stopped (state T) with connect() as their last syscall. */
export function heldConnects(rootPid: number, proc: ProcReader = realProc, tree: number[] = [rootPid, ...descendants(rootPid)]): HeldConnect[] {
  const connectNr = process.arch === "arm64" ? SYS_CONNECT_ARM64 : SYS_CONNECT_X86_64;
  const out: HeldConnect[] = [];
  for (const pid of tree.slice(0, 4096)) {
    let tids: number[];
    try {
      tids = readdirSync(`/proc/${pid}/task`).map(Number).filter((n) => n > 0).slice(0, 1024);
    } catch {
      continue;
    }
    for (const tid of tids) {
      const status = proc.text(`/proc/${pid}/task/${tid}/status`);
      if (!status || !/^State:\s+T\b/m.test(status)) continue;
      const fields = (proc.text(`/proc/${pid}/task/${tid}/syscall`) ?? "").trim().split(/\s+/);
      if (Number(fields[0]) !== connectNr) continue;
      const address = Number(fields[2]);
      const length = Math.min(Number(fields[3]), 28);
      if (!Number.isSafeInteger(address) || address <= 0 || !(length >= 8)) continue;
      const bytes = proc.mem(pid, address, length);
      const dst = bytes ? parseSockaddr(bytes) : null;
      if (dst) out.push({ pid, tid, ...dst });
    }
  }
  return out;
}

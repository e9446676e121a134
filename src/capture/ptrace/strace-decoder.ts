import type { Endpoint, ProbeName, Proto } from "../../core/types.ts";
import type { RawConnect, RawDns, RawProcess } from "../probe.ts";
import { interpretCall, parseFd, parseStraceLine, splitResult, type SyscallFact } from "./strace-line.ts";

// Turns the stream of strace lines into probe events. Holds the little state the stream
// needs: calls split by other tasks' output (<unfinished ...> / <... resumed>), which task
// belongs to which process (strace prefixes thread ids), and who forked whom.

export type Decoded =
  | { kind: "connect"; ev: RawConnect }
  | { kind: "dns"; ev: RawDns }
  | { kind: "process"; ev: RawProcess };

export interface DecoderOptions {
  probe?: ProbeName;
  /** tid → thread group and parent from /proc, for tasks the stream has not introduced yet. */
  resolveTask?: (tid: number) => { tgid: number; ppid: number | null } | null;
  /** Pid to use when lines carry no pid prefix (a single traced process). */
  defaultPid?: number;
  now?: () => number;
}

interface Pending {
  name: string;
  args: string;
  ts: number | null;
  emitted: boolean;
}

const MAX_TRACKED = 100_000;
const DNS_PORT = 53;

export function createStraceDecoder(opts: DecoderOptions = {}) {
  const probe = opts.probe ?? "ptrace";
  const now = opts.now ?? Date.now;
  const pending = new Map<number, Pending>();
  const tgidOf = new Map<number, number>();
  const ppidOf = new Map<number, number | null>();
  const udpSeen = new Set<string>();
  /** Processes a fork event was emitted for. */
  const announced = new Set<number>();
  /** What socket() told us, by socket inode (shared by dup'ed fds and forked children). */
  const sockets = new Map<number, { proto: Proto | null; peer?: Endpoint }>();

  function socketOf(inode: number | null) {
    return inode === null ? undefined : sockets.get(inode);
  }

  function task(tid: number): { tgid: number; ppid: number | null } {
    let tgid = tgidOf.get(tid);
    if (tgid === undefined) {
      const r = opts.resolveTask?.(tid) ?? null;
      tgid = r?.tgid ?? tid;
      if (tgidOf.size > MAX_TRACKED) tgidOf.clear();
      tgidOf.set(tid, tgid);
      if (r && !ppidOf.has(tgid)) ppidOf.set(tgid, r.ppid);
    }
    return { tgid, ppid: ppidOf.get(tgid) ?? null };
  }

  function facts(fact: SyscallFact, tid: number, ts: number, retValue: number | null): Decoded[] {
    const { tgid, ppid } = task(tid);
    const out: Decoded[] = [];
    switch (fact.type) {
      case "socket":
        if (fact.inode !== null) {
          if (sockets.size > MAX_TRACKED) sockets.clear();
          sockets.set(fact.inode, { proto: fact.proto });
        }
        break;
      case "connect": {
        const known = socketOf(fact.fd.inode);
        if (known && known.proto === null) break; // not an IP socket after all
        const proto = fact.fd.proto ?? known?.proto ?? "tcp";
        if (proto === "udp") {
          udpSeen.add(`${tgid}|${fact.fd.fd}|${fact.dst.ip}|${fact.dst.port}`);
          if (known) known.peer = fact.dst;
        }
        out.push({ kind: "connect", ev: { ts, pid: tgid, tid, ppid, proto, dst: fact.dst, probe } });
        break;
      }
      case "send": {
        const known = socketOf(fact.fd.inode);
        if (known && known.proto === null) break;
        const dst = fact.dst ?? known?.peer ?? null;
        if (!dst) break; // connected TCP socket: its connect() was reported already
        const proto = fact.fd.proto ?? known?.proto ?? (fact.dst ? "udp" : "tcp");
        if (proto === "udp") {
          const key = `${tgid}|${fact.fd.fd}|${dst.ip}|${dst.port}`;
          if (!udpSeen.has(key)) {
            if (udpSeen.size > MAX_TRACKED) udpSeen.clear();
            udpSeen.add(key);
            out.push({ kind: "connect", ev: { ts, pid: tgid, tid, ppid, proto, dst, probe } });
          }
        } else if (fact.dst && !fact.fd.peer && !known?.peer) {
          // sendto with an address on an unconnected TCP socket (TCP Fast Open)
          out.push({ kind: "connect", ev: { ts, pid: tgid, tid, ppid, proto, dst, probe } });
        }
        if (dst.port === DNS_PORT) {
          for (const payload of fact.payloads) out.push({ kind: "dns", ev: { ts, pid: tgid, payload, probe } });
        }
        break;
      }
      case "recv": {
        const known = socketOf(fact.fd.inode);
        if (known && known.proto !== "udp") break;
        const src = fact.src ?? known?.peer ?? null;
        if (src?.port === DNS_PORT) {
          for (const payload of fact.payloads) out.push({ kind: "dns", ev: { ts, pid: tgid, payload, probe } });
        }
        break;
      }
      case "exec":
        out.push({ kind: "process", ev: { ts, pid: tgid, ppid, event: "exec", exe: fact.path, argv: fact.argv } });
        break;
      case "clone": {
        if (retValue === null || retValue <= 0) break;
        const child = retValue;
        if (fact.thread) {
          tgidOf.set(child, tgid);
          break;
        }
        const childPpid = fact.sameParent ? ppid : tgid;
        tgidOf.set(child, child);
        ppidOf.set(child, childPpid);
        // The child's own lines often come first (it runs before clone() returns in the
        // parent); it was announced then, and a late fork event would undo its exec.
        if (announced.has(child)) break;
        announce(child);
        out.push({ kind: "process", ev: { ts, pid: child, ppid: childPpid, event: "fork" } });
        break;
      }
    }
    return out;
  }

  function announce(pid: number): void {
    if (announced.size > MAX_TRACKED) announced.clear();
    announced.add(pid);
  }

  /** A fork event for a process seen for the first time, so it precedes the process's own events. */
  function introduce(tid: number, ts: number): Decoded[] {
    if (tid <= 0) return [];
    const { tgid, ppid } = task(tid);
    if (tgid !== tid || announced.has(tgid)) return [];
    announce(tgid);
    return [{ kind: "process", ev: { ts, pid: tgid, ppid, event: "fork" } }];
  }

  /** Receives on TCP sockets carry payloads we never use: skip them before decoding. */
  function uselessRecv(name: string, args: string): boolean {
    if (name !== "recvfrom" && name !== "recvmsg") return false;
    const comma = args.indexOf(",");
    const fd = parseFd(comma < 0 ? args : args.slice(0, comma));
    const known = socketOf(fd.inode);
    return fd.proto === "tcp" || (known !== undefined && known.proto !== "udp");
  }

  /** Events for one line of strace output (possibly none). Never throws. */
  function feed(line: string): Decoded[] {
    const parsed = parseStraceLine(line);
    if (!parsed) return [];
    const tid = parsed.tid ?? opts.defaultPid ?? 0;
    const ts = parsed.ts ?? now();
    try {
      const intro = parsed.kind === "exit" ? [] : introduce(tid, ts);
      const events = decodeLine(parsed, tid, ts);
      return intro.length ? [...intro, ...events] : events;
    } catch {
      return [];
    }
  }

  function decodeLine(parsed: NonNullable<ReturnType<typeof parseStraceLine>>, tid: number, ts: number): Decoded[] {
    {
      switch (parsed.kind) {
        case "call": {
          if (uselessRecv(parsed.name, parsed.args)) return [];
          const fact = interpretCall(parsed.name, parsed.args, parsed.ret);
          return fact ? facts(fact, tid, ts, parsed.ret.value) : [];
        }
        case "unfinished": {
          // Addresses are complete at syscall entry: report a connect/send now, not when it returns.
          let emitted = false;
          let out: Decoded[] = [];
          if (/^(connect|sendto|sendmsg|sendmmsg)$/.test(parsed.name)) {
            const fact = interpretCall(parsed.name, parsed.args, null);
            if (fact) {
              out = facts(fact, tid, ts, null);
              emitted = true;
            }
          }
          if (pending.size > MAX_TRACKED) pending.clear();
          pending.set(tid, { name: parsed.name, args: parsed.args, ts, emitted });
          return out;
        }
        case "resumed": {
          const p = pending.get(tid);
          pending.delete(tid);
          if (!p || p.name !== parsed.name || p.emitted || uselessRecv(p.name, p.args)) return [];
          const joined = splitResult(p.args + parsed.rest);
          if (!joined) return [];
          const fact = interpretCall(p.name, joined.args, joined.ret);
          return fact ? facts(fact, tid, p.ts ?? ts, joined.ret.value) : [];
        }
        case "exit": {
          pending.delete(tid);
          const tgid = tgidOf.get(tid) ?? tid;
          tgidOf.delete(tid);
          if (tgid !== tid) return []; // a thread ended, not the process
          const ppid = ppidOf.get(tid) ?? null;
          ppidOf.delete(tid);
          announced.delete(tid);
          const ev: RawProcess = { ts, pid: tid, ppid, event: "exit" };
          if (parsed.code !== null) ev.exitCode = parsed.code;
          return [{ kind: "process", ev }];
        }
      }
    }
    return [];
  }

  return { feed };
}

export type StraceDecoder = ReturnType<typeof createStraceDecoder>;

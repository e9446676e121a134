import { readFileSync, readdirSync, readlinkSync } from "node:fs";
import { parseCmdline, parseStat, parseStatus, parseSocketLink, type StatFields } from "./parse.ts";

// Reading live /proc. A process can vanish between any two reads, so nothing here throws.

export interface ProcessInfo {
  pid: number;
  ppid: number | null;
  exe: string | null;
  argv: string[];
  comm: string;
  uid: number | null;
}

const PROC = "/proc";

function readText(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

export function readStat(pid: number): StatFields | null {
  const text = readText(`${PROC}/${pid}/stat`);
  return text === null ? null : parseStat(text);
}

/** pid, ppid, exe, argv, comm and uid of a live process, or null when it is gone. */
export function readProcessInfo(pid: number): ProcessInfo | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const stat = readStat(pid);
  if (!stat) return null;
  const status = parseStatus(readText(`${PROC}/${pid}/status`) ?? "");
  let exe: string | null = null;
  try {
    exe = readlinkSync(`${PROC}/${pid}/exe`);
  } catch {
    exe = null; // kernel threads, other users' processes without privileges
  }
  let argv: string[] = [];
  try {
    argv = parseCmdline(readFileSync(`${PROC}/${pid}/cmdline`));
  } catch {
    argv = [];
  }
  return {
    pid,
    ppid: stat.ppid > 0 ? stat.ppid : null,
    exe,
    argv,
    comm: stat.comm,
    uid: status.uid,
  };
}

/** Thread-group id and parent of a task id (works for thread ids that /proc does not list). */
export function readTaskIds(tid: number): { tgid: number; ppid: number | null } | null {
  const text = readText(`${PROC}/${tid}/status`);
  if (text === null) return null;
  const s = parseStatus(text);
  if (s.tgid === null) return null;
  return { tgid: s.tgid, ppid: s.ppid && s.ppid > 0 ? s.ppid : null };
}

/** [pid, parent, grandparent, ... , 1]: stops at a vanished process or a loop. */
export function parentChain(pid: number, max = 64): number[] {
  const chain: number[] = [];
  let cur = pid;
  while (cur > 0 && chain.length < max && !chain.includes(cur)) {
    const stat = readStat(cur);
    if (!stat) break;
    chain.push(cur);
    cur = stat.ppid;
  }
  return chain;
}

/** All numeric entries of /proc (processes, not threads). */
export function listPids(): number[] {
  let names: string[];
  try {
    names = readdirSync(PROC);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const n of names) {
    const c = n.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(n));
  }
  return out;
}

/** pid → ppid for every live process. */
export function readParentMap(): Map<number, number> {
  const map = new Map<number, number>();
  for (const pid of listPids()) {
    const stat = readStat(pid);
    if (stat) map.set(pid, stat.ppid);
  }
  return map;
}

/** Pure: every pid reachable from the roots through the parent map (roots excluded). */
export function descendantsIn(parents: Map<number, number>, roots: Iterable<number>): number[] {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    const list = children.get(ppid);
    if (list) list.push(pid);
    else children.set(ppid, [pid]);
  }
  const rootSet = new Set(roots);
  const seen = new Set<number>(rootSet);
  const out: number[] = [];
  const queue = [...rootSet];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const child of children.get(pid) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}

/** Live descendants of rootPid (children, grandchildren, ...), not including rootPid. */
export function descendants(rootPid: number): number[] {
  return descendantsIn(readParentMap(), [rootPid]);
}

/** Thread ids of a process (including the leader). */
export function threadsOf(pid: number): number[] {
  try {
    return readdirSync(`${PROC}/${pid}/task`).map(Number).filter((n) => n > 0);
  } catch {
    return [];
  }
}

/** Socket inodes held open by a process. */
export function socketInodes(pid: number): number[] {
  let fds: string[];
  try {
    fds = readdirSync(`${PROC}/${pid}/fd`);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const fd of fds) {
    try {
      const inode = parseSocketLink(readlinkSync(`${PROC}/${pid}/fd/${fd}`));
      if (inode !== null) out.push(inode);
    } catch {
      // fd closed between readdir and readlink
    }
  }
  return out;
}

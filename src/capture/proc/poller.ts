import type { Endpoint, ProbeName, Proto } from "../../core/types.ts";
import type { Probe, ProbeSink, ProbeTarget } from "../probe.ts";
import { descendantsIn, readParentMap, socketInodes } from "../procinfo/procinfo.ts";
import { TCP_LISTEN, isUnspecified } from "./net-parse.ts";

// The engine shared by the polling probes (proc, sockdiag): every interval, follow the tree
// (children of tracked pids), map socket inodes to pids through /proc/PID/fd, and report each
// new remote endpoint of a tracked socket once. Polling misses sockets that open and close
// between two polls, so these probes say complete: false.

export interface SocketRow {
  proto: Proto;
  local: Endpoint;
  remote: Endpoint;
  state: number;
  inode: number;
}

export interface PollingProbeOptions {
  name: ProbeName;
  intervalMs?: number;
  /** Sockets of the network namespace that `nsPid` lives in. */
  listSockets(nsPid: number): SocketRow[];
}

export const DEFAULT_POLL_MS = 50;

export interface PollState {
  tracked: Set<number>;
  /** socket keys seen in the previous poll (inode|ip|port). */
  seen: Set<string>;
}

export interface PollFindings {
  connects: { pid: number; ppid: number | null; proto: Proto; dst: Endpoint }[];
  forks: { pid: number; ppid: number | null }[];
}

/**
 * Pure step of one poll: given the live parent map, the inode owners of tracked pids and the
 * socket table, update the state and return what is new.
 */
export function pollStep(
  state: PollState,
  parents: Map<number, number>,
  inodesOf: (pid: number) => number[],
  rows: SocketRow[],
): PollFindings {
  const forks: PollFindings["forks"] = [];
  for (const pid of descendantsIn(parents, state.tracked)) {
    state.tracked.add(pid);
    forks.push({ pid, ppid: parents.get(pid) ?? null });
  }
  for (const pid of [...state.tracked]) if (!parents.has(pid)) state.tracked.delete(pid);

  const owner = new Map<number, number>();
  for (const pid of state.tracked) for (const inode of inodesOf(pid)) if (!owner.has(inode)) owner.set(inode, pid);

  // Ports a tracked process listens on: sockets using them locally are inbound, not calls out.
  const listening = new Set<number>();
  for (const r of rows) if (r.proto === "tcp" && r.state === TCP_LISTEN && owner.has(r.inode)) listening.add(r.local.port);

  const connects: PollFindings["connects"] = [];
  const seenNow = new Set<string>();
  for (const r of rows) {
    if (r.inode === 0 || isUnspecified(r.remote)) continue;
    if (r.proto === "tcp" && (r.state === TCP_LISTEN || listening.has(r.local.port))) continue;
    const pid = owner.get(r.inode);
    if (pid === undefined) continue;
    const key = `${r.inode}|${r.remote.ip}|${r.remote.port}`;
    // /proc/net/tcp is read in pieces while sockets come and go: one read can list a socket twice.
    if (seenNow.has(key)) continue;
    seenNow.add(key);
    if (state.seen.has(key)) continue;
    connects.push({ pid, ppid: parents.get(pid) ?? null, proto: r.proto, dst: r.remote });
  }
  state.seen = seenNow;
  return { connects, forks };
}

export function createPollingProbe(opts: PollingProbeOptions): Probe {
  const intervalMs = Math.max(5, opts.intervalMs ?? DEFAULT_POLL_MS);
  let timer: ReturnType<typeof setInterval> | null = null;
  let state: PollState | null = null;
  let sink: ProbeSink | null = null;
  let rootPid = 0;
  let warned = false;

  function nsPid(): number {
    if (state?.tracked.has(rootPid)) return rootPid;
    return state?.tracked.values().next().value ?? rootPid;
  }

  function poll(): void {
    if (!state || !sink) return;
    let found: PollFindings;
    try {
      const parents = readParentMap();
      found = pollStep(state, parents, socketInodes, opts.listSockets(nsPid()));
    } catch (err) {
      if (!warned) sink.warn(`${opts.name} probe: poll failed: ${(err as Error).message}`);
      warned = true;
      return;
    }
    const ts = Date.now();
    try {
      for (const f of found.forks) sink.process({ ts, pid: f.pid, ppid: f.ppid, event: "fork" });
      for (const c of found.connects) {
        sink.connect({ ts, pid: c.pid, ppid: c.ppid, proto: c.proto, dst: c.dst, probe: opts.name });
      }
    } catch (err) {
      // A failing consumer must not stop the polling.
      if (!warned) sink.warn(`${opts.name} probe: event handler failed: ${(err as Error).message}`);
      warned = true;
    }
  }

  return {
    name: opts.name,
    complete: false,
    async start(target: ProbeTarget, s: ProbeSink): Promise<void> {
      sink = s;
      rootPid = target.rootPid;
      state = { tracked: new Set([target.rootPid, ...target.initialPids]), seen: new Set() };
      poll();
      timer = setInterval(poll, intervalMs);
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      poll(); // last look before letting go
      state = null;
      sink = null;
    },
  };
}

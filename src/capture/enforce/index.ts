import { readFileSync } from "node:fs";
import type { Proto } from "../../core/types.ts";
import { descendants } from "../procinfo/procinfo.ts";
import { createCgroupFirewall, firewallAvailable } from "./firewall.ts";
import type { SessionCgroup } from "./cgroup.ts";

export interface Enforcer {
  readonly canBlock: boolean;
  readonly canKill: boolean;
  /** The program runs in the jail: it can reach nothing directly, whatever the firewall says. */
  readonly jailed?: boolean;
  /** Why a capability is missing, said once at start. */
  readonly notes: string[];
  /** Returns what was done, in words, or null when nothing could be done. */
  block(ip: string, port: number, proto: Proto): string | null;
  /** Refuses a CIDR (and port range, protocol) from the start, whatever sees it; false when it could not. */
  blockStatic(cidr: string, ports: [number, number] | null, proto: Proto | null): boolean;
  /** Removes a rule block() added; false when it could not be removed. */
  unblock(ip: string, port: number, proto: Proto): boolean;
  /** Whether the firewall's rules apply to pid (it is still in the session's cgroup); null when unknown. */
  inScope(pid: number): boolean | null;
  killTree(rootPid: number): string | null;
  /** Pause / resume the whole tree while a prompt is open. */
  hold(rootPid: number, held: boolean): boolean;
  stop(): void;
}

export interface EnforcerOptions {
  sessionId: string;
  mode: "run" | "watch";
  cgroup: SessionCgroup | null;
  /**
   * `run --jail`: the program's network namespace has no way out but the proxy, so what the
   * probes see it try directly was refused by the jail, not by a firewall rule (whose chain lives
   * in TrustRun's namespace and would not apply).
   */
  jailed?: boolean;
  /** Checks whether iptables can be used; injectable for tests. */
  firewallCheck?: typeof firewallAvailable;
}

/** Sends `signal` to rootPid and its descendants; returns how many got it. */
export function signalTree(rootPid: number, signal: NodeJS.Signals): number {
  let n = 0;
  for (const pid of [rootPid, ...descendants(rootPid)]) {
    try {
      process.kill(pid, signal);
      n++;
    } catch {
      /* gone or not ours */
    }
  }
  return n;
}

/**
 * Whether pid is in the cgroup v2 group relPath (or below it), from /proc/PID/cgroup; null when
 * the process is gone. A root process can move itself out, and then the session's rules miss it.
 */
export function pidInCgroup(pid: number, relPath: string, read: (path: string) => string = (p) => readFileSync(p, "utf8")): boolean | null {
  let text: string;
  try {
    text = read(`/proc/${pid}/cgroup`);
  } catch {
    return null;
  }
  const line = text.split("\n").find((l) => l.startsWith("0::"));
  if (line === undefined) return null;
  const path = line.slice(3).trim();
  return path === `/${relPath}` || path.startsWith(`/${relPath}/`);
}

export function createEnforcer(opts: EnforcerOptions): Enforcer {
  const notes: string[] = [];
  const fwCheck = (opts.firewallCheck ?? firewallAvailable)();
  let firewall: ReturnType<typeof createCgroupFirewall> | null = null;
  if (opts.jailed) {
    // Nothing to add: the namespace itself refuses every direct connection.
  } else if (opts.mode === "watch") {
    notes.push("block: 'watch' cannot scope firewall rules to a process it did not launch; block degrades to alert (use 'run', or kill)");
  } else if (!opts.cgroup) {
    notes.push("block: needs root and a cgroup v2 mount to scope firewall rules to the launched tree; block degrades to alert");
  } else if (!fwCheck.ok) {
    notes.push(`block: ${fwCheck.reason}; block degrades to alert`);
  } else {
    firewall = createCgroupFirewall(opts.sessionId, opts.cgroup.relPath);
  }

  return {
    canBlock: firewall !== null || opts.jailed === true,
    canKill: true,
    jailed: opts.jailed === true,
    notes,
    block(ip, port, proto) {
      if (opts.jailed) return "refused by the jail: the program's network has no way out except through the proxy";
      if (!firewall) return null;
      return firewall.block(ip, port, proto) ? `rejected by the cgroup firewall (${firewall.chain})` : null;
    },
    blockStatic(cidr, ports, proto) {
      return firewall ? firewall.blockStatic(cidr, ports, proto) : false;
    },
    unblock(ip, port, proto) {
      return firewall ? firewall.unblock(ip, port, proto) : true;
    },
    inScope(pid) {
      if (!opts.cgroup) return null;
      return pidInCgroup(pid, opts.cgroup.relPath);
    },
    killTree(rootPid) {
      if (opts.cgroup && opts.cgroup.kill()) return `killed the process tree (cgroup ${opts.cgroup.relPath})`;
      const n = signalTree(rootPid, "SIGKILL");
      return n ? `killed ${n} process${n === 1 ? "" : "es"} of the tree` : null;
    },
    hold(rootPid, held) {
      if (opts.cgroup && opts.cgroup.freeze(held)) return true;
      return signalTree(rootPid, held ? "SIGSTOP" : "SIGCONT") > 0;
    },
    stop() {
      firewall?.cleanup();
    },
  };
}

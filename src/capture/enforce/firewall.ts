import type { Proto } from "../../core/types.ts";

export interface FirewallRunner {
  (argv: string[]): { ok: boolean; stderr: string };
}

const defaultRunner: FirewallRunner = (argv) => {
  try {
    const res = Bun.spawnSync(argv, { stdout: "ignore", stderr: "pipe" });
    return { ok: res.exitCode === 0, stderr: res.stderr.toString().trim() };
  } catch (err) {
    return { ok: false, stderr: (err as Error).message };
  }
};

/**
 * Per-destination REJECT rules that apply only to one cgroup (the launched tree), in a chain of
 * the session's own so that cleanup is one flush. REJECT also cuts established connections on
 * their next packet.
 */
type Tool = "iptables" | "ip6tables";

const toolFor = (address: string): Tool => (address.includes(":") ? "ip6tables" : "iptables");

/**
 * The argv that appends (-A) or deletes (-D) one REJECT rule of `chain`: to `dest` (an address or
 * a CIDR), for a protocol and port range when given. TCP is answered with a reset, so a connection
 * already open is cut on its next packet.
 */
function rejectRule(tool: Tool, op: "-A" | "-D", chain: string, dest: string, proto: Proto | null, ports: [number, number] | null): string[] {
  const match = proto ? ["-p", proto, ...(ports ? ["--dport", ports[0] === ports[1] ? String(ports[0]) : `${ports[0]}:${ports[1]}`] : [])] : [];
  return [tool, "-w", op, chain, "-d", dest, ...match, "-j", "REJECT", ...(proto === "tcp" ? ["--reject-with", "tcp-reset"] : [])];
}

export function createCgroupFirewall(sessionId: string, cgroupRelPath: string, run: FirewallRunner = defaultRunner) {
  const chain = `TRUSTRUN-${sessionId.slice(0, 12)}`;
  const ready = new Set<Tool>();
  const rules = new Set<string>();
  const failures: string[] = [];

  function ensureChain(tool: Tool): boolean {
    if (ready.has(tool)) return true;
    run([tool, "-w", "-N", chain]); // may already exist from a crashed run; the flush below resets it
    run([tool, "-w", "-F", chain]);
    const jump = run([tool, "-w", "-I", "OUTPUT", "-m", "cgroup", "--path", cgroupRelPath, "-j", chain]);
    if (!jump.ok) {
      failures.push(`${tool}: ${jump.stderr}`);
      return false;
    }
    ready.add(tool);
    return true;
  }

  /** Runs one rule change; a failure is kept for the session's report. */
  function apply(tool: Tool, argv: string[]): boolean {
    const res = run(argv);
    if (!res.ok) failures.push(`${tool}: ${res.stderr}`);
    return res.ok;
  }

  return {
    chain,
    /** Reject traffic from the cgroup to ip:port. Returns false when the rule could not be added. */
    block(ip: string, port: number, proto: Proto): boolean {
      const tool = toolFor(ip);
      const key = `${tool} ${ip} ${port} ${proto}`;
      if (rules.has(key)) return true;
      if (!ensureChain(tool) || !apply(tool, rejectRule(tool, "-A", chain, ip, proto, [port, port]))) return false;
      rules.add(key);
      return true;
    },
    /**
     * A rule for a whole policy rule, added before the program starts: a CIDR, an optional port
     * range and protocol. Then even traffic no probe can hold (io_uring, TCP Fast Open) is refused.
     */
    blockStatic(cidr: string, ports: [number, number] | null, proto: Proto | null): boolean {
      const tool = toolFor(cidr);
      if (!ensureChain(tool)) return false;
      // A port needs a protocol in iptables: a rule with ports and no proto is one rule per protocol.
      const protos: Array<Proto | null> = proto ? [proto] : ports ? ["tcp", "udp"] : [null];
      return protos.every((p) => apply(tool, rejectRule(tool, "-A", chain, cidr, p, ports)));
    },
    /** Removes the rule block() added (a later answer allowed the destination). */
    unblock(ip: string, port: number, proto: Proto): boolean {
      const tool = toolFor(ip);
      const key = `${tool} ${ip} ${port} ${proto}`;
      if (!rules.has(key)) return true;
      if (!apply(tool, rejectRule(tool, "-D", chain, ip, proto, [port, port]))) return false;
      rules.delete(key);
      return true;
    },
    get failures() {
      return failures.slice();
    },
    /** Removes the jump and the chain. Safe to call twice. */
    cleanup(): void {
      for (const tool of ready) {
        run([tool, "-w", "-D", "OUTPUT", "-m", "cgroup", "--path", cgroupRelPath, "-j", chain]);
        run([tool, "-w", "-F", chain]);
        run([tool, "-w", "-X", chain]);
      }
      ready.clear();
      rules.clear();
    },
  };
}

/**
 * Removes a session's jump and chain whatever state it was left in (a monitor that died before
 * its own cleanup): for IPv4 and IPv6, every step may fail harmlessly.
 */
export function removeCgroupFirewall(sessionId: string, cgroupRelPath: string, run: FirewallRunner = defaultRunner): void {
  const chain = `TRUSTRUN-${sessionId.slice(0, 12)}`;
  for (const tool of ["iptables", "ip6tables"] as const) {
    // A jump inserted twice (a retried start) is deleted twice; bounded.
    for (let i = 0; i < 4 && run([tool, "-w", "-D", "OUTPUT", "-m", "cgroup", "--path", cgroupRelPath, "-j", chain]).ok; i++);
    run([tool, "-w", "-F", chain]);
    run([tool, "-w", "-X", chain]);
  }
}

/**
 * For the release guard, after the monitor died: refuses ip:port (TCP and UDP) from the session's
 * cgroup without touching the rules already there (the chain and its jump are created if missing).
 */
export function appendCgroupReject(sessionId: string, cgroupRelPath: string, ip: string, port: number, run: FirewallRunner = defaultRunner): boolean {
  const chain = `TRUSTRUN-${sessionId.slice(0, 12)}`;
  const tool = toolFor(ip);
  run([tool, "-w", "-N", chain]); // fails harmlessly when it exists
  const jump = ["OUTPUT", "-m", "cgroup", "--path", cgroupRelPath, "-j", chain];
  if (!run([tool, "-w", "-C", ...jump]).ok && !run([tool, "-w", "-I", ...jump]).ok) return false;
  // Both protocols, and both tried even when one fails.
  return (["tcp", "udp"] as const).map((proto) => run(rejectRule(tool, "-A", chain, ip, proto, [port, port])).ok).every(Boolean);
}

export function firewallAvailable(run: FirewallRunner = defaultRunner): { ok: boolean; reason?: string } {
  if (process.getuid?.() !== 0) return { ok: false, reason: "blocking with the cgroup firewall needs root" };
  if (!Bun.which("iptables")) return { ok: false, reason: "iptables is not installed (Debian: iptables)" };
  const probe = run(["iptables", "-w", "-S", "OUTPUT"]);
  return probe.ok ? { ok: true } : { ok: false, reason: `iptables does not work here: ${probe.stderr}` };
}

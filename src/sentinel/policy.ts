// The compact policy the in-process agent evaluates itself, so a denied destination fails
// inside the program before any packet leaves, without a round trip to the monitor.
import type { RuleAction } from "../core/types.ts";
import { needsRequestFacts, type CompiledPolicy } from "../policy/types.ts";

export interface SentinelRule {
  id: string;
  kind: "allow" | "deny";
  action: RuleAction;
  hosts?: string[]; // normalized patterns, same semantics as src/policy/hostname.ts
  cidrs?: string[];
  ports?: Array<[number, number]>;
}

export interface SentinelPolicy {
  /** False for observe-only policies: the agent reports and never refuses. */
  enforce: boolean;
  /** What no rule matches: allow, deny before connect, or ask the monitor (learning mode). */
  defaultAction: "allow" | "deny" | "ask";
  /** Used when an ask gets no answer because the monitor is gone. */
  askFallback: "allow" | "deny";
  rules: SentinelRule[];
}

export const observeOnlyPolicy: SentinelPolicy = { enforce: false, defaultAction: "allow", askFallback: "allow", rules: [] };

/**
 * Reduces a compiled policy to what can be decided before connect: host, IP and port matchers.
 * Deny rules that also need a method, path, tenant or non-TCP protocol are left to the monitor (they
 * must not refuse a whole host); allow rules keep their host part so a path-limited allow does
 * not turn into a refusal here.
 */
export function sentinelPolicyFromCompiled(policy: CompiledPolicy): SentinelPolicy {
  const rules: SentinelRule[] = [];
  for (const r of policy.rules) {
    if (r.protos && !r.protos.includes("tcp")) continue;
    const narrowed = needsRequestFacts(r);
    if (r.kind === "deny" && narrowed) continue;
    if (!r.hosts && !r.cidrs && !r.ports) continue; // nothing decidable before connect
    const out: SentinelRule = { id: r.id, kind: r.kind, action: r.action };
    if (r.hosts) out.hosts = [...r.hosts];
    if (r.cidrs) out.cidrs = [...r.cidrs];
    if (r.ports) out.ports = r.ports.map(([a, b]) => [a, b] as [number, number]);
    rules.push(out);
  }
  const d = policy.defaultAction;
  const defaultAction = d === "block" || d === "kill" ? "deny" : d === "prompt" ? "ask" : "allow";
  return { enforce: !policy.observeOnly, defaultAction, askFallback: d === "prompt" || defaultAction === "deny" ? "deny" : "allow", rules };
}

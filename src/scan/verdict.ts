// Policy decision → finding verdict, and the connection facts a finding stands for.
import type { Decision } from "../core/types.ts";
import type { CompiledPolicy, ConnectionFacts } from "../policy/types.ts";
import type { FindingVerdict, RawFinding } from "./types.ts";
import { isIp } from "./universal/hosts.ts";

/**
 * A matching rule: allow → allowed, alert/block/kill (deny rules) → violation.
 * No rule matched: the observe-only default → unknown; a default of block/kill → violation;
 * a default of allow → allowed; alert or prompt → unknown (the policy has no opinion on it).
 */
export function verdictFromDecision(decision: Decision, observeOnly: boolean): FindingVerdict {
  const v = decision.verdict;
  if (decision.rule !== null) return v === "allow" ? "allowed" : v === "prompt" ? "unknown" : "violation";
  if (observeOnly) return "unknown";
  if (v === "block" || v === "kill") return "violation";
  if (v === "allow") return "allowed";
  return "unknown";
}

/**
 * Facts for the policy engine; null when the finding names no destination (secrets). A host or
 * address found without a port is judged as HTTPS (443), as `policy check` does: rules limited to
 * ports (every preset's allow rules are) would otherwise never match it.
 */
export function factsOf(f: Pick<RawFinding, "host" | "port">): ConnectionFacts | null {
  if (!f.host) return null;
  const ip = isIp(f.host);
  return { host: ip ? null : f.host, ip: ip ? f.host : null, port: f.port ?? 443, proto: "tcp" };
}

/** Binds a policy evaluator to a policy: the `verdict` option of scanDirectory. */
export function policyVerdict(
  evaluate: (facts: ConnectionFacts, policy: CompiledPolicy) => Decision,
  policy: CompiledPolicy,
): (facts: ConnectionFacts) => FindingVerdict {
  return (facts) => verdictFromDecision(evaluate(facts, policy), policy.observeOnly);
}

// Policy decision → finding verdict, and the connection facts a finding stands for.
import type { Decision } from "../core/types.ts";
import type { CompiledPolicy, ConnectionFacts } from "../policy/types.ts";
import type { FindingVerdict, RawFinding } from "./types.ts";
import { isIp } from "./universal/hosts.ts";

/**
 * allow → allowed; a matching deny rule (alert/block/kill) → violation; nothing matched under the
 * observe-only default → unknown; a default of block/kill (or alert in a real policy) → violation.
 */
export function verdictFromDecision(decision: Decision, observeOnly: boolean): FindingVerdict {
  if (decision.verdict === "allow") return "allowed";
  if (decision.verdict === "prompt") return "unknown";
  if (decision.rule !== null) return "violation";
  if (observeOnly) return "unknown";
  return "violation";
}

/** Facts for the policy engine; null when the finding names no destination (secrets). */
export function factsOf(f: Pick<RawFinding, "host" | "port">): ConnectionFacts | null {
  if (!f.host) return null;
  const ip = isIp(f.host);
  return { host: ip ? null : f.host, ip: ip ? f.host : null, port: f.port ?? null, proto: "tcp" };
}

/** Binds a policy evaluator to a policy: the `verdict` option of scanDirectory. */
export function policyVerdict(
  evaluate: (facts: ConnectionFacts, policy: CompiledPolicy) => Decision,
  policy: CompiledPolicy,
): (facts: ConnectionFacts) => FindingVerdict {
  return (facts) => verdictFromDecision(evaluate(facts, policy), policy.observeOnly);
}

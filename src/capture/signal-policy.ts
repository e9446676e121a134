import type { CompiledPolicy } from "../policy/types.ts";

/**
 * What a sentinel signal kind does when the policy does not say. Anomalies alert; facts that are
 * normal in themselves (runtime version, event-loop reports, request shapes) are only recorded.
 */
export const DEFAULT_SIGNAL_ACTIONS: Record<string, "ignore" | "alert" | "kill"> = {
  "child-process-anomaly": "alert",
  integrity: "alert",
  "runtime-flags": "alert",
  "artifact-drift": "alert",
  "event-loop-stall": "alert",
};

export function signalAction(policy: CompiledPolicy, kind: string): "ignore" | "alert" | "kill" {
  return policy.signals?.[kind] ?? DEFAULT_SIGNAL_ACTIONS[kind] ?? "ignore";
}

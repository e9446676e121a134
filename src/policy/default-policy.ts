// The built-in policy used when none is named and ./trustrun.yaml does not exist.
import type { CompiledPolicy } from "./types.ts";

export const DEFAULT_POLICY_FILE = "trustrun.yaml";

export function observeOnlyPolicy(): CompiledPolicy {
  return {
    name: "observe-only (built-in)",
    sources: ["built-in:observe-only"],
    defaultAction: "allow",
    capture: "metadata",
    rules: [],
    warnings: [],
    observeOnly: true,
    notice:
      "No policy given and no ./trustrun.yaml here: using the built-in observe-only policy " +
      "(every connection is recorded, nothing is alerted, blocked or killed).",
  };
}

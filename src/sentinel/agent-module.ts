// Typed access to the agent's pure helpers (used by tests and the channel; the agent file
// itself stays plain JS so it can run inside any Node or Bun target).
import { createRequire } from "node:module";

export interface AgentDecision {
  verdict: "allow" | "deny" | "ask" | "alert";
  rule: string | null;
  reason: string;
}

export interface AgentHelpers {
  normalizeHost(input: unknown): string | null;
  hostMatches(pattern: string, host: string): boolean;
  ipLiteral(host: unknown): string | null;
  cidrContains(cidr: string, ip: string): boolean;
  decide(policy: unknown, host: string, port: number): AgentDecision;
  packageFromPath(file: unknown): string | null;
  templatePath(path: unknown): string | null;
  flagAnomalies(flags: string[]): Array<{ flag: string; why: string }>;
  splitNodeOptions(text: unknown): string[];
}

export function loadAgentHelpers(): AgentHelpers {
  const require = createRequire(import.meta.url);
  return require("./agent.cjs") as AgentHelpers;
}

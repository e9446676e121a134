// Typed access to the agent's pure helpers, for tests. The agent is evaluated from its own
// text in a fresh module scope: the module cache also holds it as embedded text (inject.ts),
// and without TRUSTRUN_SENTINEL_DIR in the environment it patches nothing.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

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
  urlOriginEnd(href: string): number;
  urlPlainPath(href: string, from: number): string | null;
  flagAnomalies(flags: string[]): Array<{ flag: string; why: string }>;
  splitNodeOptions(text: unknown): string[];
}

export function loadAgentHelpers(): AgentHelpers {
  const file = fileURLToPath(new URL("./agent.cjs", import.meta.url));
  const source = readFileSync(file, "utf8");
  const mod = { exports: {} as AgentHelpers };
  const saved = process.env.TRUSTRUN_SENTINEL_DIR;
  delete process.env.TRUSTRUN_SENTINEL_DIR;
  try {
    new Function("module", "exports", "require", "__filename", source)(mod, mod.exports, createRequire(file), file);
  } finally {
    if (saved !== undefined) process.env.TRUSTRUN_SENTINEL_DIR = saved;
  }
  return mod.exports;
}

// What learning mode decided, turned into policy entries (with a comment naming when and from
// which process) and into the summary printed on exit.
import type { PromptAnswer, PromptRequest } from "../../core/types.ts";
import { processName } from "./destinations.ts";

export interface LearnedDecision {
  ts: number;
  /** "timeout": nobody answered in time; "dropped": the process tree ended before an answer. */
  answer: PromptAnswer | "timeout" | "dropped";
  req: PromptRequest;
}

import type { LearnedEntry as LearnedPolicyEntry } from "../../core/types.ts";
export type { LearnedPolicyEntry };

export function describeProcess(req: PromptRequest): string {
  return `${processName(req.exe, req.argv)} (pid ${req.pid})`;
}

export function destinationLabel(req: { host: string | null; dst: { ip: string; port: number } }): string {
  const h = req.host ?? (req.dst.ip.includes(":") ? `[${req.dst.ip}]` : req.dst.ip);
  return `${h}:${req.dst.port}`;
}

/** Only "always" answers become policy entries; each destination once (the latest answer wins). */
export function learnedEntries(decisions: LearnedDecision[]): LearnedPolicyEntry[] {
  const byDest = new Map<string, LearnedPolicyEntry>();
  for (const d of decisions) {
    if (d.answer !== "allow-always" && d.answer !== "deny-always") continue;
    const r = d.req;
    const key = `${r.host ?? r.dst.ip}|${r.dst.port}|${r.proto}`;
    const when = new Date(d.ts).toISOString().replace(/\.\d+Z$/, "Z");
    byDest.delete(key);
    byDest.set(key, {
      ...(r.host ? { host: r.host } : { ip: r.dst.ip }),
      port: r.dst.port,
      proto: r.proto,
      kind: d.answer === "allow-always" ? "allow" : "deny",
      comment: `learned ${when} from ${describeProcess(r)}${r.argv?.length ? `: ${r.argv.join(" ").slice(0, 120)}` : ""}`,
    });
  }
  return [...byDest.values()];
}

const verb: Record<LearnedDecision["answer"], string> = {
  "allow-once": "allowed once",
  "allow-always": "always allow",
  "deny-once": "denied once",
  "deny-always": "always deny",
  kill: "killed the process tree",
  timeout: "no answer (policy default)",
  dropped: "dropped (tree ended)",
};

/** "2 questions answered, 1 dropped because the process tree ended". */
export function learnedHeadline(decisions: LearnedDecision[]): string {
  const dropped = decisions.filter((d) => d.answer === "dropped").length;
  const asked = decisions.length - dropped;
  return `${asked} question${asked === 1 ? "" : "s"} answered${dropped ? `, ${dropped} dropped because the process tree ended` : ""}`;
}

/** One line per answered question, oldest first. */
export function learnedSummary(decisions: LearnedDecision[]): string[] {
  return decisions.map((d) => `${verb[d.answer].padEnd(26)} ${destinationLabel(d.req)}/${d.req.proto}  ${describeProcess(d.req)}`);
}

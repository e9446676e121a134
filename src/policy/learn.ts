// Learning mode: writes approved destinations into a policy without disturbing the rest of it.
// Allowed destinations go to `learned:`; denied ones go to `deny:` with action block (the
// `learned:` section only ever widens what is allowed, so a denial cannot live there).
import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import type { Proto } from "../core/types.ts";
import { evaluate } from "./evaluate.ts";
import { normalizeHost } from "./hostname.ts";
import { normalizeIp } from "./ip.ts";
import { loadPolicyText } from "./load.ts";
import { getPreset, presetNames } from "./presets.ts";
import type { CompiledPolicy } from "./types.ts";

import type { LearnedEntry } from "../core/types.ts";
export type { LearnedEntry };

interface CleanEntry {
  host?: string;
  ip?: string;
  port?: number;
  proto?: Proto;
  comment: string;
  kind: "allow" | "deny";
}

function clean(e: LearnedEntry): CleanEntry | null {
  const host = e.host ? normalizeHost(e.host) : null;
  const ip = e.ip ? normalizeIp(e.ip) : null;
  if (!host && !ip) return null;
  const out: CleanEntry = { comment: oneLine(e.comment), kind: e.kind === "deny" ? "deny" : "allow" };
  if (host) out.host = host;
  else if (ip) out.ip = ip;
  if (typeof e.port === "number" && Number.isInteger(e.port) && e.port >= 0 && e.port <= 65535) out.port = e.port;
  if (e.proto === "tcp" || e.proto === "udp") out.proto = e.proto;
  return out;
}

function oneLine(text: unknown): string {
  return String(text ?? "").replace(/[\r\n]+/g, " ").slice(0, 300);
}

function ruleObject(e: CleanEntry): Record<string, unknown> {
  const rule: Record<string, unknown> = e.host ? { host: e.host } : { ip: e.ip };
  if (e.port !== undefined) rule.ports = [e.port];
  if (e.proto) rule.proto = e.proto;
  if (e.kind === "deny") rule.action = "block";
  return rule;
}

function sameRule(node: unknown, rule: Record<string, unknown>): boolean {
  if (!isMap(node)) return false;
  const js = node.toJSON() as Record<string, unknown>;
  return JSON.stringify(js) === JSON.stringify(rule);
}

/**
 * Appends entries to `learned:` (allow) or `deny:` (deny), each with its comment, keeping
 * existing comments and formatting. Duplicates and entries with neither a valid host nor a
 * valid IP are skipped. Throws if the input is not a valid policy (nothing is written then).
 */
export function addLearnedEntries(yamlText: string, entries: LearnedEntry[]): string {
  const before = loadPolicyText(yamlText, "policy.yaml", { cwd: "/" });
  if (!before.ok && yamlText.trim() !== "") {
    throw new Error(`the policy is not valid: ${before.errors.map((e) => `${e.line}:${e.column}: ${e.message}`).join("; ")}`);
  }
  const doc = yamlText.trim() === "" ? new Document({}) : parseDocument(yamlText);
  if (!isMap(doc.contents)) doc.contents = doc.createNode({}) as unknown as typeof doc.contents;
  for (const raw of entries) {
    const e = clean(raw);
    if (!e) continue;
    const key = e.kind === "deny" ? "deny" : "learned";
    let seq = doc.get(key, true);
    if (!isSeq(seq)) {
      seq = new YAMLSeq();
      doc.set(key, seq);
    }
    const rule = ruleObject(e);
    const list = seq as YAMLSeq;
    if (list.items.some((item) => sameRule(item, rule))) continue;
    list.flow = false;
    const node = doc.createNode(rule) as YAMLMap;
    for (const pair of node.items) {
      const v = (pair as { value?: unknown }).value;
      if (isSeq(v)) v.flow = true;
    }
    if (e.comment) node.commentBefore = ` ${e.comment}`;
    list.items.push(node);
  }
  const out = doc.toString({ lineWidth: 0 });
  const after = loadPolicyText(out, "policy.yaml", { cwd: "/" });
  if (!after.ok) throw new Error(`internal: learned policy does not validate: ${after.errors[0]?.message}`);
  return out;
}

export interface ObservedDestination {
  host?: string | null;
  ip?: string | null;
  port?: number | null;
  proto?: string | null;
  count?: number;
}

/**
 * A fresh policy proposal from observed destinations (`trustrun policy learn`): destinations an
 * allow preset covers become `extends: [preset:...]`, destinations on a deny preset become deny
 * rules, the rest become `learned:` entries; the default for anything new is alert.
 */
export function proposePolicy(destinations: ObservedDestination[], opts: { name?: string } = {}): string {
  const presets = presetNames().flatMap((name) => {
    const r = getPreset(name);
    if (!r?.ok) return [];
    const text = `extends: [preset:${name}]\ndefault: alert\n`;
    const loaded = loadPolicyText(text, "probe.yaml", { cwd: "/" });
    return loaded.ok ? [{ name, policy: loaded.policy, deny: (r.preset.doc.deny?.length ?? 0) > 0 }] : [];
  });
  const usedPresets = new Set<string>();
  // Resource names seen under a preset's pinnable wildcard, so the proposal pins the tenant.
  const resources = new Map<string, Set<string>>();
  const groups = new Map<string, { host?: string; ip?: string; ports: Set<number>; proto?: Proto; count: number; deny?: string }>();
  for (const d of destinations.slice(0, 100_000)) {
    const host = d.host ? normalizeHost(d.host) : null;
    const ip = d.ip ? normalizeIp(d.ip) : null;
    if (!host && !ip) continue;
    const port = typeof d.port === "number" && Number.isInteger(d.port) && d.port >= 0 && d.port <= 65535 ? d.port : null;
    const proto: Proto | undefined = d.proto === "tcp" || d.proto === "udp" ? d.proto : undefined;
    const facts = { host, ip, port, proto: proto ?? null };
    let covered = false;
    let deniedBy: string | undefined;
    for (const p of presets) {
      const decision = evaluate(facts, p.policy as CompiledPolicy);
      if (decision.rule && decision.verdict === "allow") {
        usedPresets.add(p.name);
        covered = true;
        const r = getPreset(p.name);
        const pins = r?.ok ? (r.preset.doc.parameters?.resources?.pins ?? []) : [];
        for (const pin of pins) {
          const suffix = pin.slice(1);
          if (host?.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".")) {
            const set = resources.get(p.name) ?? new Set<string>();
            set.add(host.slice(0, -suffix.length));
            resources.set(p.name, set);
          }
        }
      } else if (decision.rule && p.deny) deniedBy ??= p.name;
    }
    if (covered && !deniedBy) continue;
    const key = `${host ?? ip}|${proto ?? ""}`;
    const g = groups.get(key) ?? { ...(host ? { host } : { ip: ip! }), ports: new Set<number>(), proto, count: 0, deny: deniedBy };
    if (port !== null) g.ports.add(port);
    g.count += Math.max(1, Math.floor(d.count ?? 1));
    groups.set(key, g);
  }
  const lines: string[] = [
    "# Proposed by trustrun from observed connections. Review before use:",
    "# every entry below was seen, not necessarily intended.",
    `name: ${JSON.stringify(opts.name ?? "proposed")}`,
  ];
  if (usedPresets.size) lines.push(`extends: [${[...usedPresets].sort().map((p) => `"preset:${p}"`).join(", ")}]`);
  const pinned = [...resources].filter(([name]) => usedPresets.has(name)).sort(([a], [b]) => a.localeCompare(b));
  if (pinned.length) {
    lines.push("presets:");
    for (const [name, set] of pinned) lines.push(`  ${name}:`, `    resources: [${[...set].sort().join(", ")}]`);
  }
  lines.push("default: alert", "capture: metadata");
  const sorted = [...groups.values()].sort((a, b) => (a.host ?? a.ip ?? "").localeCompare(b.host ?? b.ip ?? ""));
  const entry = (g: (typeof sorted)[number], deny: boolean) => {
    const out = [`  # seen ${g.count} time${g.count === 1 ? "" : "s"}${g.deny ? `; listed by preset ${g.deny}` : ""}`];
    out.push(g.host ? `  - host: ${JSON.stringify(g.host)}` : `  - ip: ${JSON.stringify(g.ip)}`);
    if (g.ports.size) out.push(`    ports: [${[...g.ports].sort((a, b) => a - b).join(", ")}]`);
    if (g.proto) out.push(`    proto: ${g.proto}`);
    if (deny) out.push("    action: block");
    return out;
  };
  const denied = sorted.filter((g) => g.deny);
  const learned = sorted.filter((g) => !g.deny);
  if (denied.length) lines.push("deny:", ...denied.flatMap((g) => entry(g, true)));
  if (learned.length) lines.push("learned:", ...learned.flatMap((g) => entry(g, false)));
  return lines.join("\n") + "\n";
}

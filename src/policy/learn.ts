// Learning mode: writes approved destinations into a policy without disturbing the rest of it.
// Allowed destinations go to `learned:`; denied ones go to `deny:` with action block (the
// `learned:` section only ever widens what is allowed, so a denial cannot live there).
import { Document, isMap, isSeq, parseDocument, YAMLMap, YAMLSeq } from "yaml";
import type { Proto } from "../core/types.ts";
import { evaluate } from "./evaluate.ts";
import { normalizeHost } from "./hostname.ts";
import { addressFromHost, normalizeIp } from "./ip.ts";
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
  // A "host" that is an address (any form) is learned as that address.
  const hostIp = addressFromHost(e.host);
  const host = e.host && !hostIp ? normalizeHost(e.host) : null;
  const ip = (e.ip ? normalizeIp(e.ip) : null) ?? hostIp;
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
  /** The worst verdict the destination got in the session (allow, alert, block, kill); unknown when absent. */
  verdict?: string | null;
  /** The rule behind that verdict, if any. */
  rule?: string | null;
}

const verdictWords: Record<string, string> = { alert: "raised an alert", block: "was blocked", kill: "was killed", prompt: "was asked about" };

/**
 * A fresh policy proposal from observed destinations (`trustrun policy learn`): destinations an
 * allow preset covers become `extends: [preset:...]`, destinations on a deny preset become deny
 * rules, the rest become `learned:` entries; the default for anything new is alert.
 *
 * A destination that got anything but allow in the session is never pinned as a preset resource
 * (it may be another tenant's) nor learned when a rule denied it: it is listed as a comment for a
 * person to decide. A preset whose wildcard covers such a destination is only extended when
 * something else pins it; otherwise what it covered is listed under `learned:` one by one.
 */
export function proposePolicy(destinations: ObservedDestination[], opts: { name?: string } = {}): string {
  const presets = presetNames().flatMap((name) => {
    const r = getPreset(name);
    if (!r?.ok) return [];
    const text = `extends: [preset:${name}]\ndefault: alert\n`;
    const loaded = loadPolicyText(text, "probe.yaml", { cwd: "/" });
    // Parameters a proposal may fill in: the current ones, not those kept for compatibility.
    const params = Object.entries(r.preset.doc.parameters ?? {}).filter(([, d]) => d && !d.deprecated) as Array<[string, { pins: string[] }]>;
    return loaded.ok ? [{ name, policy: loaded.policy, deny: (r.preset.doc.deny?.length ?? 0) > 0, params }] : [];
  });
  type Group = { host?: string; ip?: string; ports: Set<number>; proto?: Proto; count: number; deny?: string; refused?: string };
  type Pin = { preset: string; param: string; name: string };
  interface Seen { key: string; group: Group; host: string | null; verdict: string; rule: string | null; covering: string[]; pins: Pin[] }
  const seen: Seen[] = [];
  for (const d of destinations.slice(0, 100_000)) {
    const hostIp = addressFromHost(d.host);
    const host = d.host && !hostIp ? normalizeHost(d.host) : null;
    const ip = (d.ip ? normalizeIp(d.ip) : null) ?? hostIp;
    if (!host && !ip) continue;
    const port = typeof d.port === "number" && Number.isInteger(d.port) && d.port >= 0 && d.port <= 65535 ? d.port : null;
    const proto: Proto | undefined = d.proto === "tcp" || d.proto === "udp" ? d.proto : undefined;
    const facts = { host, ip, port, proto: proto ?? null };
    const covering: string[] = [];
    const pins: Pin[] = [];
    let deniedBy: string | undefined;
    for (const p of presets) {
      const decision = evaluate(facts, p.policy as CompiledPolicy);
      if (decision.rule && decision.verdict === "allow") {
        const before = pins.length;
        for (const [param, decl] of p.params) {
          for (const pin of decl.pins) {
            const suffix = pin.slice(1);
            if (host?.endsWith(suffix) && !host.slice(0, -suffix.length).includes(".")) pins.push({ preset: p.name, param, name: host.slice(0, -suffix.length) });
          }
        }
        if (pins.length === before) covering.push(p.name);
      } else if (decision.rule && p.deny) deniedBy ??= p.name;
    }
    const group: Group = { ...(host ? { host } : { ip: ip! }), ports: new Set(port !== null ? [port] : []), proto, count: Math.max(1, Math.floor(d.count ?? 1)), deny: deniedBy };
    const verdict = typeof d.verdict === "string" && d.verdict ? d.verdict : "allow";
    seen.push({ key: `${host ?? ip}|${proto ?? ""}`, group, host, verdict, rule: typeof d.rule === "string" && d.rule ? d.rule : null, covering, pins });
  }

  // Resource names seen under a preset's pinnable wildcard, so the proposal pins the tenant; only
  // names whose connections were allowed. The others are listed, never pinned.
  const resources = new Map<string, Map<string, Set<string>>>();
  const flagged = new Map<string, Array<Pin & { host: string; verdict: string }>>();
  const usedPresets = new Set<string>();
  for (const s of seen) {
    if (s.group.deny) continue;
    for (const pin of s.pins) {
      if (s.verdict !== "allow") {
        const list = flagged.get(pin.preset) ?? [];
        if (!list.some((f) => f.param === pin.param && f.name === pin.name)) list.push({ ...pin, host: s.host!, verdict: s.verdict });
        flagged.set(pin.preset, list);
        continue;
      }
      const byParam = resources.get(pin.preset) ?? new Map<string, Set<string>>();
      byParam.set(pin.param, (byParam.get(pin.param) ?? new Set<string>()).add(pin.name));
      resources.set(pin.preset, byParam);
      usedPresets.add(pin.preset);
    }
  }
  // A destination only one preset covers selects it (api.example → its preset). A shared endpoint
  // (login.microsoftonline.com, oauth2.googleapis.com) selects none by itself.
  for (const s of seen) if (!s.group.deny && !s.pins.length && s.covering.length === 1) usedPresets.add(s.covering[0]);
  // A pinnable preset with nothing pinned would allow a flagged name through its wildcard: not extended.
  for (const name of [...usedPresets]) {
    const p = presets.find((x) => x.name === name);
    if (p?.params.length && !resources.has(name) && flagged.has(name)) usedPresets.delete(name);
  }

  const groups = new Map<string, Group>();
  for (const s of seen) {
    if (!s.group.deny) {
      if (s.pins.length) continue; // pinned, or listed as flagged
      if (s.covering.some((name) => usedPresets.has(name))) continue;
    }
    const g = groups.get(s.key) ?? { ...s.group, ports: new Set<number>(), count: 0 };
    for (const port of s.group.ports) g.ports.add(port);
    g.count += s.group.count;
    // Denied by a rule in the session (not merely new to it): not proposed as allowed.
    if (!g.deny && s.verdict !== "allow" && s.rule) g.refused = `${verdictWords[s.verdict] ?? `got ${s.verdict}`} by rule ${oneLine(s.rule).slice(0, 100)}`;
    groups.set(s.key, g);
  }
  const lines: string[] = [
    "# Proposed by trustrun from observed connections. Review before use:",
    "# every entry below was seen, not necessarily intended.",
    `name: ${JSON.stringify(opts.name ?? "proposed")}`,
  ];
  if (usedPresets.size) lines.push(`extends: [${[...usedPresets].sort().map((p) => `"preset:${p}"`).join(", ")}]`);
  const flagLine = (f: { name: string; verdict: string }, indent: string) =>
    `${indent}# ${f.name}: ${verdictWords[f.verdict] ?? `got ${f.verdict}`} (another tenant?) — add it here only if it is yours`;
  const pinned = [...resources].filter(([name]) => usedPresets.has(name)).sort(([a], [b]) => a.localeCompare(b));
  if (pinned.length) {
    lines.push("presets:");
    for (const [name, byParam] of pinned) {
      lines.push(`  ${name}:`);
      const flags = flagged.get(name) ?? [];
      for (const [param, set] of [...byParam].sort(([a], [b]) => a.localeCompare(b))) {
        lines.push(`    ${param}: [${[...set].sort().join(", ")}]`);
        for (const f of flags.filter((x) => x.param === param)) lines.push(flagLine(f, "    "));
      }
      for (const f of flags.filter((x) => !byParam.has(x.param))) lines.push(flagLine(f, "    ").replace("add it here", `add it as ${f.param}`));
    }
  }
  const unpinned = [...flagged].filter(([name]) => !usedPresets.has(name)).sort(([a], [b]) => a.localeCompare(b));
  for (const [name, flags] of unpinned) {
    lines.push(`# preset:${name} is not extended: its wildcard would also allow what follows. If one of these is yours,`);
    lines.push(`# extend it and pin it ('presets: { ${name}: { ${flags[0].param}: [NAME] } }').`);
    for (const f of flags) lines.push(`#   ${f.host}: ${verdictWords[f.verdict] ?? `got ${f.verdict}`} in the session`);
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
  const refused = sorted.filter((g) => !g.deny && g.refused);
  const learned = sorted.filter((g) => !g.deny && !g.refused);
  if (denied.length) lines.push("deny:", ...denied.flatMap((g) => entry(g, true)));
  if (learned.length) lines.push("learned:", ...learned.flatMap((g) => entry(g, false)));
  if (refused.length) {
    lines.push("# Not proposed: a rule denied these in the session. Add one to learned: only if it is meant.");
    for (const g of refused) lines.push(`#   ${g.host ?? g.ip}${g.ports.size ? `:${[...g.ports].sort((a, b) => a - b).join(",")}` : ""} ${g.refused}`);
  }
  return lines.join("\n") + "\n";
}

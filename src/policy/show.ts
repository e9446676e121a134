// Renders a compiled policy back as policy YAML, each rule annotated with where it came from.
// The output loads again as a policy (presets are inlined, so it stands alone).
import { Document, isSeq, type YAMLMap } from "yaml";
import type { CompiledPolicy, CompiledRule } from "./types.ts";

function ruleDoc(rule: CompiledRule): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rule.hosts?.length === 1) out.host = rule.hosts[0];
  else if (rule.hosts) out.hosts = rule.hosts;
  if (rule.cidrs?.length === 1) out.cidr = rule.cidrs[0];
  else if (rule.cidrs) out.cidrs = rule.cidrs;
  if (rule.ports) out.ports = rule.ports.map(([lo, hi]) => (lo === hi ? lo : `${lo}-${hi}`));
  if (rule.protos) out.proto = rule.protos.length === 1 ? rule.protos[0] : rule.protos;
  if (rule.methods) out.methods = rule.methods;
  if (rule.paths) out.paths = rule.paths;
  if (rule.tenants) {
    const one = (l: string[]) => (l.length === 1 ? l[0] : l);
    out.tenant = {
      ...(rule.tenants.awsAccounts ? { awsAccount: one(rule.tenants.awsAccounts) } : {}),
      ...(rule.tenants.azureTenants ? { azureTenant: one(rule.tenants.azureTenants) } : {}),
    };
  }
  if (rule.kind === "deny") out.action = rule.action;
  if (rule.description) out.description = rule.description;
  return out;
}

export function policyToYaml(policy: CompiledPolicy): string {
  const doc = new Document({});
  const header = [
    ` Effective policy: ${policy.name}`,
    ` Built from: ${policy.sources.join(", ") || "(nothing)"}`,
    ...(policy.observeOnly ? [" Built-in observe-only policy: every connection is recorded, nothing is alerted or blocked."] : []),
    ...policy.warnings.map((w) => ` warning: ${w}`),
  ];
  doc.commentBefore = header.join("\n");
  doc.set("name", policy.name);
  doc.set("default", policy.defaultAction);
  doc.set("capture", policy.capture);
  if (policy.signals) doc.set("signals", policy.signals);
  const sections: Record<"deny" | "allow", CompiledRule[]> = { deny: [], allow: [] };
  for (const rule of policy.rules) sections[rule.kind].push(rule);
  for (const key of ["deny", "allow"] as const) {
    if (!sections[key].length) continue;
    const seq = doc.createNode(sections[key].map(ruleDoc));
    if (!isSeq(seq)) continue;
    seq.items.forEach((item, i) => {
      const rule = sections[key][i];
      const where = rule.source ? ` (${rule.source.file}:${rule.source.line})` : "";
      (item as YAMLMap).commentBefore = ` ${rule.id}${rule.origin ? ` from ${rule.origin}` : ""}${where}`;
      for (const pair of (item as YAMLMap).items) {
        const v = (pair as { value?: unknown }).value;
        if (isSeq(v) && v.items.length <= 8) v.flow = true;
      }
    });
    doc.set(key, seq);
  }
  return doc.toString({ lineWidth: 0 });
}

// Validated YAML rules → CompiledRule: normalized hosts, CIDRs, port ranges and protocols.
import type { Proto } from "../core/types.ts";
import { normalizeHostPattern } from "./hostname.ts";
import { normalizeCidr } from "./ip.ts";
import { normalizePath } from "./http-path.ts";
import type { RuleDoc } from "./schema.ts";
import type { CompiledRule } from "./types.ts";

export type Section = "allow" | "deny" | "learned";

export interface RuleContext {
  idPrefix: string; // "" for the root file, "preset:NAME/" or "base.yaml/" otherwise
  origin: string;
  file: string;
  locate: (path: ReadonlyArray<PropertyKey>) => { line: number; column: number };
  /** Wildcard host → pinned hosts (preset parameters). */
  pins?: Map<string, string[]>;
}

export function compileRules(section: Section, rules: RuleDoc[] | undefined, ctx: RuleContext): CompiledRule[] {
  return (rules ?? []).map((rule, i) => compileRule(section, i, rule, ctx));
}

function compileRule(section: Section, index: number, rule: RuleDoc, ctx: RuleContext): CompiledRule {
  const out: CompiledRule = {
    id: `${ctx.idPrefix}${section}[${index}]`,
    kind: section === "deny" ? "deny" : "allow",
    action: section === "deny" ? (rule.action ?? "block") : "alert",
    source: { file: ctx.file, ...ctx.locate([section, index]) },
    origin: ctx.origin,
  };
  if (rule.description) out.description = rule.description;
  const hosts = [rule.host, ...(rule.hosts ?? [])].filter((h): h is string => h !== undefined);
  if (hosts.length) {
    const normalized = hosts.flatMap((h) => {
      const r = normalizeHostPattern(h);
      if (!("pattern" in r)) return []; // unreachable: the schema rejected it already
      return ctx.pins?.get(r.pattern) ?? [r.pattern];
    });
    out.hosts = [...new Set(normalized)];
  }
  const cidrs = [rule.ip, rule.cidr, ...(rule.cidrs ?? [])].filter((c): c is string => c !== undefined);
  if (cidrs.length) out.cidrs = [...new Set(cidrs.flatMap((c) => {
    const r = normalizeCidr(c);
    return "cidr" in r ? [r.cidr] : [];
  }))];
  if (rule.ports) out.ports = rule.ports.map(portRange);
  if (rule.proto) out.protos = [...new Set<Proto>(Array.isArray(rule.proto) ? rule.proto : [rule.proto])];
  if (rule.methods) out.methods = [...new Set(rule.methods)];
  if (rule.paths) out.paths = [...new Set(rule.paths.map((p) => normalizePath(p) ?? p))];
  if (rule.tenant) {
    const list = (v: string | string[] | undefined) => (v === undefined ? undefined : [...new Set(Array.isArray(v) ? v : [v])]);
    const awsAccounts = list(rule.tenant.awsAccount);
    const azureTenants = list(rule.tenant.azureTenant);
    out.tenants = { ...(awsAccounts ? { awsAccounts } : {}), ...(azureTenants ? { azureTenants } : {}) };
  }
  return out;
}

function portRange(p: number | string): [number, number] {
  if (typeof p === "number") return [p, p];
  const [lo, hi = lo] = p.split("-").map(Number);
  return [lo, hi];
}

// Validated YAML rules → CompiledRule: normalized hosts, CIDRs, port ranges and protocols.
import type { Proto } from "../core/types.ts";
import { normalizeHostPattern } from "./hostname.ts";
import { addressFromHost, normalizeCidr } from "./ip.ts";
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
  /** Load warnings about a rule (an address written as a host). */
  warn?: (message: string) => void;
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
  const written = [rule.host, ...(rule.hosts ?? [])].filter((h): h is string => h !== undefined);
  // An address written as a host ("169.254.169.254", "::1", "2852039166") is matched as an ip: a
  // connection's host is never an address (it becomes the connection's IP), so as a hostname it
  // would never match. The schema refuses it next to hostnames or ip/cidr keys.
  const hostAddresses = written.flatMap((h) => {
    const ip = addressFromHost(h);
    return ip ? [{ written: h, cidr: `${ip}/${ip.includes(":") ? 128 : 32}`, ip }] : [];
  });
  const hosts = written.filter((h) => !addressFromHost(h));
  if (hostAddresses.length) {
    const where = out.source ? ` (${out.source.file}:${out.source.line})` : "";
    ctx.warn?.(
      `${out.id}${where}: ${hostAddresses.map((a) => `'${a.written}'`).join(", ")} ${hostAddresses.length > 1 ? "are addresses" : "is an address"}, ` +
        `matched as ip: ${hostAddresses.map((a) => a.ip).join(", ")}; write ip: or cidr: to say so`,
    );
  }
  if (hosts.length) {
    const normalized = hosts.flatMap((h) => {
      const r = normalizeHostPattern(h);
      if (!("pattern" in r)) return []; // unreachable: the schema rejected it already
      return ctx.pins?.get(r.pattern) ?? [r.pattern];
    });
    out.hosts = [...new Set(normalized)];
    // Under amazonaws.com a '*' label also matches S3 bucket hosts (NAME.s3.amazonaws.com,
    // NAME.s3-website-REGION.amazonaws.com), and anyone can create a bucket.
    const aws = out.kind === "allow" ? out.hosts.filter((h) => /(^|\.)amazonaws\.com(\.cn)?$/.test(h) && h.split(".").includes("*")) : [];
    if (aws.length) {
      const where = out.source ? ` (${out.source.file}:${out.source.line})` : "";
      const p = aws[0];
      const instead = p.startsWith("*.") ? "name the hosts instead" : `name the regions instead (${p.replace("*", "us-east-1")})`;
      ctx.warn?.(`${out.id}${where}: '${p}' also matches S3 bucket hosts (${p.startsWith("*.") ? "NAME.s3.amazonaws.com" : p.replace("*", "s3")}), and anyone can create a bucket: ${instead}`);
    }
  }
  const cidrs = [rule.ip, rule.cidr, ...(rule.cidrs ?? [])].filter((c): c is string => c !== undefined);
  if (cidrs.length || hostAddresses.length) out.cidrs = [...new Set([...cidrs.flatMap((c) => {
    const r = normalizeCidr(c);
    return "cidr" in r ? [r.cidr] : [];
  }), ...hostAddresses.map((a) => a.cidr)])];
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

// The policy decision: a pure function of the connection facts and the compiled policy.
// Deny beats allow; among matching deny rules the strongest action wins (kill > block > alert),
// the first listed on a tie. Nothing here throws: malformed facts simply match less, and a
// malformed host never matches a host rule.
import type { Decision, Proto, RuleAction } from "../core/types.ts";
import { hostLabelsMatch, normalizeHost, patternLabels } from "./hostname.ts";
import { normalizePath, pathUnder } from "./http-path.ts";
import { addressFromHost, addressInCidr, endsInNumber, normalizeIp, parseAddress, type Addr } from "./ip.ts";
import type { CompiledPolicy, CompiledRule, ConnectionFacts } from "./types.ts";

interface Facts {
  host: string | null;
  rawHost: string | null; // what was given, for the reason when it was malformed
  ip: string | null;
  port: number | null;
  proto: Proto | null;
  method: string | null;
  path: string | null;
  awsAccount: string | null;
  azureTenant: string | null;
  hostLabels: string[] | null;
  addr: Addr | null;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const strength: Record<RuleAction, number> = { alert: 1, block: 2, kill: 3 };

export function evaluate(facts: ConnectionFacts, policy: CompiledPolicy): Decision {
  try {
    return decide(normalizeFacts(facts), policy);
  } catch {
    // Only reachable with a corrupted policy object; fail towards attention, not silence.
    const fallback = policy?.defaultAction === "block" || policy?.defaultAction === "kill" ? policy.defaultAction : "alert";
    return { verdict: fallback, rule: null, reason: "the policy could not be evaluated for this connection" };
  }
}

export function normalizeFacts(facts: ConnectionFacts): Facts {
  const f = (facts ?? {}) as Partial<ConnectionFacts>;
  const rawHost = typeof f.host === "string" ? f.host : null;
  let host = normalizeHost(rawHost);
  let ip = normalizeIp(f.ip);
  // A "hostname" that is an IP literal is an address, not a name: "169.254.169.254", "[::1]", and
  // the forms URL parsers and inet_aton read as IPv4 ("2852039166", "0xA9FEA9FE", "10.0.0.1.").
  const hostAsIp = addressFromHost(rawHost);
  if (hostAsIp) {
    host = null;
    ip ??= hostAsIp;
  } else if (host && endsInNumber(host)) {
    // "1.2.3.4.5", "999.1.1.1": URL parsers refuse these; they are no hostname a rule can name.
    host = null;
  }
  const port = typeof f.port === "number" && Number.isInteger(f.port) && f.port >= 0 && f.port <= 65535 ? f.port : null;
  const proto = f.proto === "tcp" || f.proto === "udp" ? f.proto : null;
  const http = f.http && typeof f.http === "object" ? f.http : undefined;
  const method = typeof http?.method === "string" && /^[A-Za-z]{1,16}$/.test(http.method) ? http.method.toUpperCase() : null;
  const path = normalizePath(http?.path);
  const tenant = http?.tenant && typeof http.tenant === "object" ? http.tenant : undefined;
  const awsAccount = typeof tenant?.awsAccount === "string" && /^\d{12}$/.test(tenant.awsAccount) ? tenant.awsAccount : null;
  const azureTenant = typeof tenant?.azureTenant === "string" && GUID.test(tenant.azureTenant) ? tenant.azureTenant.toLowerCase() : null;
  const hostLabels = host ? host.split(".") : null;
  return { host, rawHost: hostAsIp ? null : rawHost, ip, port, proto, method, path, awsAccount, azureTenant, hostLabels, addr: parseAddress(ip) };
}

export function ruleMatches(rule: CompiledRule, f: Facts): boolean {
  // Cheapest checks first.
  if (rule.ports && !(f.port !== null && rule.ports.some(([lo, hi]) => f.port! >= lo && f.port! <= hi))) return false;
  if (rule.protos && !(f.proto !== null && rule.protos.includes(f.proto))) return false;
  if (rule.hosts && !(f.hostLabels !== null && rule.hosts.some((p) => hostLabelsMatch(patternLabels(p), f.hostLabels!)))) return false;
  if (rule.cidrs && !(f.addr !== null && rule.cidrs.some((c) => addressInCidr(f.addr, c)))) return false;
  if (rule.methods && !(f.method !== null && rule.methods.includes(f.method))) return false;
  if (rule.paths && !(f.path !== null && rule.paths.some((p) => pathUnder(f.path!, p)))) return false;
  // Unknown tenant facts never match: a pinned account or tenant must be seen, not assumed.
  if (rule.tenants?.awsAccounts && !(f.awsAccount !== null && rule.tenants.awsAccounts.includes(f.awsAccount))) return false;
  if (rule.tenants?.azureTenants && !(f.azureTenant !== null && rule.tenants.azureTenants.includes(f.azureTenant))) return false;
  // A rule with no matcher at all never matches (the schema forbids it; this guards hand-built policies).
  return Boolean(rule.hosts || rule.cidrs || rule.ports || rule.protos || rule.methods || rule.paths);
}

function decide(f: Facts, policy: CompiledPolicy): Decision {
  let deny: CompiledRule | null = null;
  let allow: CompiledRule | null = null;
  for (const rule of policy.rules) {
    if (rule.kind === "deny") {
      if ((!deny || strength[rule.action] > strength[deny.action]) && ruleMatches(rule, f)) deny = rule;
    } else if (!allow && !deny && ruleMatches(rule, f)) allow = rule;
  }
  const subject = describe(f);
  if (deny) return { verdict: deny.action, rule: deny.id, reason: `${subject} matches deny rule ${ruleText(deny)}` };
  if (allow) return { verdict: "allow", rule: allow.id, reason: `${subject} matches allow rule ${ruleText(allow)}` };
  const malformed = f.rawHost !== null && f.host === null ? ` (hostname ${JSON.stringify(f.rawHost.slice(0, 80))} is not valid, so no host rule can match it)` : "";
  if (policy.observeOnly) {
    return { verdict: "allow", rule: null, reason: `${subject} recorded by the observe-only policy (no rules)${malformed}` };
  }
  const action = policy.defaultAction;
  const verdict = action === "allow" || action === "alert" || action === "block" || action === "kill" || action === "prompt" ? action : "alert";
  return { verdict, rule: null, reason: `${subject} matches no rule; the policy default is ${verdict}${malformed}` };
}

function ruleText(rule: CompiledRule): string {
  const desc = rule.description ? ` (${rule.description})` : "";
  const origin = rule.origin ? ` in ${rule.origin}` : "";
  return `'${rule.id}'${desc}${origin}`;
}

function describe(f: Facts): string {
  const port = f.port !== null ? `:${f.port}` : "";
  const ipText = f.ip === null ? null : f.ip.includes(":") ? `[${f.ip}]` : f.ip;
  const whose = [f.awsAccount ? `AWS account ${f.awsAccount}` : "", f.azureTenant ? `Entra tenant ${f.azureTenant}` : ""].filter(Boolean).join(", ");
  const forWhom = whose ? ` for ${whose}` : "";
  if (f.host && ipText) return `${f.host} (${ipText}${port})${forWhom}`;
  if (f.host) return `${f.host}${port}${forWhom}`;
  if (ipText) return `${ipText}${port}${forWhom}`;
  return "a connection with no known destination";
}

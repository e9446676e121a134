import type { CaptureLevel, DefaultAction, Proto, RuleAction } from "../core/types.ts";

/** What the engine needs to know about one connection. Anything may be missing. */
export interface ConnectionFacts {
  host: string | null; // hostname meant (from DNS/SNI/proxy/sentinel), if known
  ip: string | null;
  port: number | null;
  proto: Proto | null;
  http?: { method?: string; path?: string; headers?: Record<string, string>; tenant?: { awsAccount?: string; azureTenant?: string } };
}

/** A rule after loading: one matcher and one action. */
export interface CompiledRule {
  id: string; // stable, human: "deny[0]", "allow[3]", "preset:public-ai-apis/deny[1]", "learned[2]"
  kind: "allow" | "deny";
  action: RuleAction; // for deny rules; allow rules carry "alert" but it is unused
  description?: string;
  source: { file: string; line: number; column: number } | null;
  // Matchers: a rule matches when every matcher it has matches.
  hosts?: string[]; // normalized ASCII lower-case patterns
  cidrs?: string[];
  ports?: Array<[number, number]>;
  protos?: Proto[];
  methods?: string[];
  paths?: string[]; // path prefixes
  /** Whose account the request is for (proxy facts): every list given must contain the request's value. */
  tenants?: { awsAccounts?: string[]; azureTenants?: string[] };
  /** Where the rule came from, for humans: "preset public-ai-apis", "file ./base.yaml". */
  origin?: string;
}

/** Matchers only the proxy can check (it sees each request): method, path and tenant. */
export function needsRequestFacts(rule: CompiledRule): boolean {
  return Boolean(rule.methods || rule.paths || rule.tenants);
}

export interface CompiledPolicy {
  name: string;
  /** Every file and preset that went into it, outermost first. */
  sources: string[];
  defaultAction: DefaultAction;
  capture: CaptureLevel;
  rules: CompiledRule[];
  /** Human warnings produced while loading (e.g. a tenant wildcard in azure-openai). */
  warnings: string[];
  /** True for the built-in observe-only default. */
  observeOnly: boolean;
  /**
   * Learning mode: what a question nobody answers becomes (the policy's own default before
   * learning turned it into `prompt`; `alert` for the observe-only default).
   */
  unanswered?: DefaultAction;
  /** A line to tell the user which policy is in use when none was named (./trustrun.yaml or the built-in default). */
  notice?: string;
  /** Sentinel signal kind → action; kinds not listed use DEFAULT_SIGNAL_ACTIONS. */
  signals?: Record<string, "ignore" | "alert" | "kill">;
  /** Preset parameters that were applied, by preset name (shown by `policy show`). */
  presetParams?: Record<string, Partial<Record<string, string[]>>>;
}

export interface PolicyError {
  file: string;
  line: number;
  column: number;
  message: string;
}

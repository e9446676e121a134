// The YAML policy format as a zod schema. Objects are strict: an unknown key (a typo such as
// `hots:`) is an error, because silently ignoring it could widen a policy.
import type { z as Z } from "zod";
import { normalizeHostPattern } from "./hostname.ts";
import { addressFromHost, endsInNumber, normalizeCidr } from "./ip.ts";
import { closest } from "./yaml-source.ts";

export const ruleActions = ["alert", "block", "kill"] as const;
export const defaultActions = ["alert", "block", "kill", "prompt", "allow"] as const;
export const captureLevels = ["metadata", "headers", "full"] as const;
export const protos = ["tcp", "udp"] as const;
export const signalActions = ["ignore", "alert", "kill"] as const;
export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"] as const;
/**
 * Sentinel signal kinds a policy can map to an action (docs/sentinel.md). A kind not listed here
 * is a typo: `signals:` refuses it rather than ignore it.
 */
export const signalKinds = [
  "runtime", "runtime-binary", "runtime-flags", "integrity", "event-loop", "event-loop-drift", "event-loop-stall",
  "child-process", "child-process-anomaly", "request-shape", "artifact-drift", "sentinel-error",
] as const;
/** Preset parameters: lists of resource names a preset's wildcard hosts are replaced with. */
export const presetParamNames = ["resources", "fhirServices", "dicomServices", "apiForFhirAccounts"] as const;
export const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,62}$/;
const PORT_TEXT = /^\d{1,5}(-\d{1,5})?$/;

/** Why a host pattern is refused, or null. An address literal is accepted (it compiles to an ip matcher). */
export function hostPatternError(value: string): string | null {
  if (addressFromHost(value)) return null;
  const r = normalizeHostPattern(value);
  if (!("error" in r)) {
    if (endsInNumber(r.pattern)) return `'${value}' ends in a number, so it is no hostname and not an IP address either: it would never match`;
    return null;
  }
  if (value.includes("/") && "cidr" in normalizeCidr(value)) return `'${value}' is a CIDR, not a hostname: use cidr:`;
  return r.error;
}

// Built on first use, not at import: constructing the schemas costs several milliseconds that a
// command with no policy file (a scan on the built-in default, --help) never needs to pay.
function build() {
  // Required here, not imported at the top: evaluating zod itself is part of that cost.
  const { z } = require("zod") as { z: typeof Z };
  const hostPattern = z
    .string()
    .min(1)
    .max(253)
    .superRefine((value, ctx) => {
      const error = hostPatternError(value);
      if (error) ctx.addIssue({ code: "custom", message: error });
    })
    .describe("Hostname: exact, '*.example.com' (any subdomain) or with a '*' label (exactly one label); an IP address here is matched as ip:");

  const cidr = z
    .string()
    .min(1)
    .max(64)
    .superRefine((value, ctx) => {
      const r = normalizeCidr(value);
      if ("error" in r) ctx.addIssue({ code: "custom", message: r.error });
    })
    .describe("IPv4/IPv6 address or CIDR, e.g. 10.0.0.0/8 or 2001:db8::/32");

  const portRange = z
    .union([
      z.number().int().min(0).max(65535),
      z.string().regex(PORT_TEXT, "expected a port (443) or a range ('8000-8080')").superRefine((value, ctx) => {
        if (!PORT_TEXT.test(value)) return; // reported by the regex; "443-" is not also a backwards range
        const [lo, hi = lo] = value.split("-").map(Number);
        if (lo > 65535 || hi > 65535) ctx.addIssue({ code: "custom", message: `'${value}': ports go up to 65535` });
        else if (lo > hi) ctx.addIssue({ code: "custom", message: `'${value}': the range runs backwards` });
      }),
    ])
    .describe("A port number or a range 'LOW-HIGH'");

  const path = z
    .string()
    .min(1)
    .max(2048)
    .regex(/^\/[^\s?#]*$/, "expected a path starting with '/' (no query string)")
    .describe("URL path prefix, matched on whole segments");

  const method = z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(httpMethods))
    .describe("HTTP method");

  const awsAccount = z.string().regex(/^\d{12}$/, "expected an AWS account id (12 digits, quoted)").describe("AWS account id");
  const azureTenant = z
    .string()
    .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, "expected an Entra ID tenant id (a GUID)")
    .transform((t) => t.toLowerCase())
    .describe("Entra ID (Azure AD) tenant id");
  const oneOrMany = <T extends Z.ZodTypeAny>(item: T) => z.union([item, z.array(item).min(1).max(1000)]);
  const tenant = z
    .strictObject({
      awsAccount: oneOrMany(awsAccount).optional().describe("The request must be for this AWS account (an ARN in the path or x-amz-expected-bucket-owner)"),
      azureTenant: oneOrMany(azureTenant).optional().describe("The request's bearer token must be issued by this Entra ID tenant (its tid claim)"),
    })
    .refine((t) => t.awsAccount !== undefined || t.azureTenant !== undefined, "a tenant matcher needs awsAccount or azureTenant")
    .describe("Whose account a request is for, read by the proxy (capture level headers or full); without those facts the rule does not match");

  const matcherKeys = ["host", "hosts", "ip", "cidr", "cidrs", "ports"] as const;

  const ruleFields = {
    host: hostPattern.optional(),
    hosts: z.array(hostPattern).min(1).max(10_000).optional(),
    ip: cidr.optional(),
    cidr: cidr.optional(),
    cidrs: z.array(cidr).min(1).max(10_000).optional(),
    ports: z.array(portRange).min(1).max(1000).optional(),
    proto: z.union([z.enum(protos), z.array(z.enum(protos)).min(1)]).optional(),
    methods: z.array(method).min(1).max(16).optional(),
    paths: z.array(path).min(1).max(1000).optional(),
    tenant: tenant.optional(),
    description: z.string().max(1000).optional(),
  };
  type RuleShape = { host?: string; hosts?: string[]; ip?: string; cidr?: string; cidrs?: string[]; ports?: unknown[] };
  const checkRule = (rule: RuleShape, ctx: Z.RefinementCtx) => {
    // A rule made only of an action or a description would match every connection.
    if (!matcherKeys.some((k) => rule[k] !== undefined)) {
      ctx.addIssue({ code: "custom", message: `a rule needs at least one of ${matcherKeys.join(", ")}` });
    }
    // An address given as a host is matched as an ip. Alongside hostnames (any of them may match)
    // or ip/cidr keys (every matcher must match) that would change what the rule means: refused.
    const hosts: Array<[PropertyKey[], string]> = [
      ...(rule.host !== undefined ? [[["host"], rule.host] as [PropertyKey[], string]] : []),
      ...(rule.hosts ?? []).map((h, i) => [["hosts", i], h] as [PropertyKey[], string]),
    ];
    const addresses = hosts.filter(([, h]) => addressFromHost(h));
    if (addresses.length && (addresses.length < hosts.length || rule.ip !== undefined || rule.cidr !== undefined || rule.cidrs !== undefined)) {
      for (const [path, h] of addresses) {
        ctx.addIssue({ code: "custom", path, message: `'${h}' is an address: use ip: or cidr: (in a rule of its own when the rule also names hostnames)` });
      }
    }
  };
  // Allow and learned rules have no action (a match allows): `action:` there is an error, not ignored.
  const allowRuleSchema = z
    .strictObject(ruleFields)
    .superRefine(checkRule)
    .describe("One allow rule; it matches when every matcher it has matches");
  const ruleSchema = z
    .strictObject({
      ...ruleFields,
      action: z.enum(ruleActions).optional().describe("What a match does: alert, block or kill; default block"),
    })
    .superRefine(checkRule)
    .describe("One deny rule; it matches when every matcher it has matches");

  // DNS names are case-insensitive: resource names are kept in lower case, as --preset NAME=RES does.
  const resourceList = z
    .array(z.string().regex(RESOURCE_NAME, "expected a resource name (letters, digits, '-')").transform((r) => r.toLowerCase()))
    .min(1)
    .max(1000);
  const presetParams = z
    .strictObject({
      resources: resourceList.optional().describe("Resource (tenant) names that replace the preset's wildcard hosts"),
      fhirServices: resourceList.optional().describe("azure-health-data-services: FHIR services (WORKSPACE-SERVICE → WORKSPACE-SERVICE.fhir.azurehealthcareapis.com)"),
      dicomServices: resourceList.optional().describe("azure-health-data-services: DICOM services (WORKSPACE-SERVICE → WORKSPACE-SERVICE.dicom.azurehealthcareapis.com)"),
      apiForFhirAccounts: resourceList.optional().describe("azure-health-data-services: Azure API for FHIR accounts (ACCOUNT → ACCOUNT.azurehealthcareapis.com)"),
    })
    .describe("Parameters for a preset; 'trustrun policy presets' lists which preset takes which");

  const policySchema = z
    .strictObject({
      name: z.string().max(200).optional(),
      description: z.string().max(2000).optional(),
      extends: z
        .array(z.string().min(1).max(4096))
        .max(64)
        .optional()
        .describe("Presets ('preset:NAME') and policy files (paths relative to this file) to build on"),
      presets: z.record(z.string().min(1).max(100), presetParams).optional().describe("Preset parameters by preset name"),
      default: z.enum(defaultActions).optional().describe("Verdict for a connection no rule matches"),
      capture: z.enum(captureLevels).optional().describe("How much of each connection to record"),
      allow: z.array(allowRuleSchema).max(100_000).optional(),
      deny: z.array(ruleSchema).max(100_000).optional(),
      learned: z.array(allowRuleSchema).max(100_000).optional().describe("Destinations approved in learning mode (allow rules)"),
      signals: z
        .partialRecord(z.enum(signalKinds), z.enum(signalActions))
        .optional()
        .describe("What a sentinel signal kind does: ignore, alert or kill (the target tree)"),
    })
    .describe("TrustRun network policy");

  /** Presets add their documentation sources and declared parameters. */
  const presetSchema = z.strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().min(1),
    sources: z.array(z.url()).min(1),
    /** What {region} in a host stands for (expanded when the preset is parsed). */
    regions: z.array(z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, "expected a region name such as us-east-1")).min(1).optional(),
    parameters: z
      .partialRecord(
        z.enum(presetParamNames),
        z.strictObject({
          description: z.string(),
          // The wildcard host patterns that a list of resource names replaces.
          pins: z.array(z.string()).min(1),
          // Still accepted, with a warning saying what to use instead.
          deprecated: z.string().optional(),
        }),
      )
      .optional(),
    allow: z.array(allowRuleSchema).optional(),
    deny: z.array(ruleSchema).optional(),
  });
  return { ruleSchema, allowRuleSchema, policySchema, presetSchema, presetParams };
}

type Schemas = ReturnType<typeof build>;
let built: Schemas | null = null;
export function schemas(): Schemas {
  return (built ??= build());
}

export type PolicyDoc = Z.infer<Schemas["policySchema"]>;
export type RuleDoc = Z.infer<Schemas["ruleSchema"]>;
export type PresetDoc = Z.infer<Schemas["presetSchema"]>;
export type PresetParams = Z.infer<Schemas["presetParams"]>;

// The YAML policy format as a zod schema. Objects are strict: an unknown key (a typo such as
// `hots:`) is an error, because silently ignoring it could widen a policy.
import type { z as Z } from "zod";
import { normalizeHostPattern } from "./hostname.ts";
import { normalizeCidr } from "./ip.ts";

export const ruleActions = ["alert", "block", "kill"] as const;
export const defaultActions = ["alert", "block", "kill", "prompt", "allow"] as const;
export const captureLevels = ["metadata", "headers", "full"] as const;
export const protos = ["tcp", "udp"] as const;
export const signalActions = ["ignore", "alert", "kill"] as const;
export const httpMethods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "CONNECT", "TRACE"] as const;

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
      const r = normalizeHostPattern(value);
      if ("error" in r) ctx.addIssue({ code: "custom", message: r.error });
    })
    .describe("Hostname: exact, '*.example.com' (any subdomain) or with a '*' label (exactly one label)");

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
      z.string().regex(/^\d{1,5}(-\d{1,5})?$/, "expected a port (443) or a range ('8000-8080')").superRefine((value, ctx) => {
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

  const ruleSchema = z
    .strictObject({
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
      action: z.enum(ruleActions).optional().describe("What a match does (deny rules): alert, block or kill; default block"),
      description: z.string().max(1000).optional(),
    })
    .superRefine((rule, ctx) => {
      // A rule made only of an action or a description would match every connection.
      if (!matcherKeys.some((k) => rule[k] !== undefined)) {
        ctx.addIssue({ code: "custom", message: `a rule needs at least one of ${matcherKeys.join(", ")}` });
      }
    })
    .describe("One rule; it matches when every matcher it has matches");


  const presetParams = z
    .strictObject({
      resources: z
        .array(z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,62})$/i, "expected a resource name (letters, digits, '-')"))
        .min(1)
        .max(1000)
        .optional()
        .describe("Resource (tenant) names that replace the preset's wildcard hosts"),
    })
    .describe("Parameters for a preset");

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
      allow: z.array(ruleSchema).max(100_000).optional(),
      deny: z.array(ruleSchema).max(100_000).optional(),
      learned: z.array(ruleSchema).max(100_000).optional().describe("Destinations approved in learning mode (allow rules)"),
      signals: z
        .record(z.string().regex(/^[a-z][a-z-]*$/, "a signal kind such as child-process-anomaly"), z.enum(signalActions))
        .optional()
        .describe("What a sentinel signal kind does: ignore, alert or kill (the target tree)"),
    })
    .describe("TrustRun network policy");

  /** Presets add their documentation sources and declared parameters. */
  const presetSchema = z.strictObject({
    name: z.string().regex(/^[a-z0-9-]+$/),
    description: z.string().min(1),
    sources: z.array(z.url()).min(1),
    parameters: z
      .strictObject({
        resources: z.strictObject({
          description: z.string(),
          // The wildcard host patterns that a list of resource names replaces.
          pins: z.array(z.string()).min(1),
        }),
      })
      .optional(),
    allow: z.array(ruleSchema).optional(),
    deny: z.array(ruleSchema).optional(),
  });
  return { ruleSchema, policySchema, presetSchema, presetParams };
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

// JSON Schema of the policy format, generated from the zod schema and then given what zod cannot
// say in JSON Schema, so an editor refuses what the loader refuses: a rule needs a matcher, methods
// are the known ones in any case, a tenant names an account or tenant, ports stop at 65535, host
// wildcards are whole labels, presets and their parameters are the built-in ones.
// What stays the loader's alone (a JSON Schema cannot check it): CIDR host bits, backwards port
// ranges, an address next to hostnames in one rule, a host that ends in a number, and what other
// files hold (extends cycles, missing files). test/policy/json-schema.test.ts keeps that list honest.
import { z } from "zod";
import { getPreset, presetNames } from "./presets.ts";
import { httpMethods, schemas } from "./schema.ts";

type Json = Record<string, unknown>;

/** 0-65535 as a regular expression (leading zeros up to four digits, as the loader reads them). */
const PORT = "(?:6553[0-5]|655[0-2][0-9]|65[0-4][0-9]{2}|6[0-4][0-9]{3}|[1-5][0-9]{4}|[0-9]{1,4})";
const MATCHERS = ["host", "hosts", "ip", "cidr", "cidrs", "ports"];

/** "GET" → "[Gg][Ee][Tt]": JSON Schema patterns have no case-insensitive flag. */
function anyCase(word: string): string {
  return [...word].map((c) => (/[a-z]/i.test(c) ? `[${c.toUpperCase()}${c.toLowerCase()}]` : c)).join("");
}

function fixRule(rule: Json | undefined): void {
  const props = rule?.properties as Record<string, Json> | undefined;
  if (!rule || !props) return;
  rule.anyOf = MATCHERS.map((k) => ({ required: [k] }));
  const hostPattern = {
    // Each label is '*' or has no '*'; a bare '*' is refused.
    pattern: "^(?:\\*|[^*.]+)(?:\\.(?:\\*|[^*.]+))*\\.?$",
    not: { const: "*" },
  };
  if (props.host) Object.assign(props.host, hostPattern);
  const hostsItems = props.hosts?.items as Json | undefined;
  if (hostsItems) Object.assign(hostsItems, hostPattern);
  const methodItems = props.methods?.items as Json | undefined;
  if (methodItems) methodItems.pattern = `^(?:${httpMethods.map(anyCase).join("|")})$`;
  if (props.tenant) props.tenant.anyOf = [{ required: ["awsAccount"] }, { required: ["azureTenant"] }];
  const portOptions = (props.ports?.items as Json | undefined)?.anyOf as Json[] | undefined;
  const portText = portOptions?.find((o) => o.type === "string");
  if (portText) portText.pattern = `^${PORT}(?:-${PORT})?$`;
}

function fixPresets(presets: Json | undefined): void {
  const generic = (presets?.additionalProperties as Json | undefined)?.properties as Record<string, Json> | undefined;
  if (!presets || !generic) return;
  const properties: Record<string, Json> = {};
  for (const name of presetNames()) {
    const loaded = getPreset(name);
    if (!loaded?.ok) continue;
    const params = loaded.preset.doc.parameters ?? {};
    const own: Record<string, Json> = {};
    for (const [param, decl] of Object.entries(params)) {
      if (!decl || !generic[param]) continue;
      own[param] = { ...generic[param], description: decl.deprecated ? `${decl.description} (deprecated: ${decl.deprecated})` : decl.description };
    }
    properties[name] = {
      type: "object",
      description: `Parameters for preset ${name}${Object.keys(own).length ? "" : " (it takes none)"}`,
      properties: own,
      additionalProperties: false,
    };
  }
  delete presets.propertyNames;
  presets.properties = properties;
  presets.additionalProperties = false;
}

function fixExtends(ext: Json | undefined): void {
  const items = ext?.items as Json | undefined;
  if (!items) return;
  // A file path, or one of the built-in presets.
  items.anyOf = [{ not: { pattern: "^preset:" } }, { enum: presetNames().map((n) => `preset:${n}`) }];
}

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(schemas().policySchema, { io: "input", unrepresentable: "any" }) as Json;
  const props = schema.properties as Record<string, Json>;
  for (const section of ["allow", "deny", "learned"]) fixRule(props[section]?.items as Json | undefined);
  fixPresets(props.presets);
  fixExtends(props.extends);
  return { ...schema, title: "TrustRun policy" };
}

// Built-in presets: embedded YAML, validated with the same parser and schema as user policies.
import { presetTexts } from "./preset-texts.ts";
import { schemas, type PresetDoc } from "./schema.ts";
import type { PolicyError } from "./types.ts";
import { parseYaml, zodErrors, type ParsedYaml } from "./yaml-source.ts";

export interface PresetInfo {
  name: string;
  description: string;
  sources: string[];
  kind: "allow" | "deny" | "mixed";
  parameters: string[];
}

export interface LoadedPreset {
  doc: PresetDoc;
  parsed: ParsedYaml;
  file: string;
}

const cache = new Map<string, { ok: true; preset: LoadedPreset } | { ok: false; errors: PolicyError[] }>();

export function presetNames(): string[] {
  return Object.keys(presetTexts).sort();
}

/** A preset parsed and validated; errors only if a built-in preset is broken. */
export function getPreset(name: string): { ok: true; preset: LoadedPreset } | { ok: false; errors: PolicyError[] } | null {
  if (!Object.hasOwn(presetTexts, name)) return null;
  const hit = cache.get(name);
  if (hit) return hit;
  const file = `presets/${name}.yaml`;
  const result = parsePreset(presetTexts[name], file);
  if (result.ok && result.preset.doc.name !== name) {
    const bad = { ok: false as const, errors: [{ file, line: 1, column: 1, message: `preset file declares name '${result.preset.doc.name}'` }] };
    cache.set(name, bad);
    return bad;
  }
  cache.set(name, result);
  return result;
}

/** The token a preset host uses for "each region in the preset's regions list". */
export const REGION_TOKEN = "{region}";

/**
 * Presets only: a host containing {region} stands for one host per entry of the preset's
 * `regions:` list. Expanded before validation, so rules hold plain hostnames everywhere
 * (the proxy, the sentinel agent) and a region label matches nothing but a listed region.
 */
function expandRegions(value: unknown): { value: unknown } | { error: string; path: PropertyKey[] } {
  if (!value || typeof value !== "object" || Array.isArray(value)) return { value };
  const doc = value as Record<string, unknown>;
  const regions = Array.isArray(doc.regions) ? doc.regions.filter((r): r is string => typeof r === "string") : [];
  const out: Record<string, unknown> = { ...doc };
  for (const section of ["allow", "deny"] as const) {
    const rules = doc[section];
    if (!Array.isArray(rules)) continue;
    const expanded: unknown[] = [];
    for (const [i, rule] of rules.entries()) {
      if (!rule || typeof rule !== "object" || Array.isArray(rule)) {
        expanded.push(rule);
        continue;
      }
      const r = { ...(rule as Record<string, unknown>) };
      for (const key of ["host", "hosts"] as const) {
        const list = key === "host" ? (typeof r.host === "string" ? [r.host] : null) : Array.isArray(r.hosts) ? r.hosts : null;
        if (!list || !list.some((h) => typeof h === "string" && h.includes(REGION_TOKEN))) continue;
        if (!regions.length) return { error: `a host uses ${REGION_TOKEN} but the preset lists no regions`, path: [section, i, key] };
        const hosts = list.flatMap((h) => (typeof h === "string" && h.includes(REGION_TOKEN) ? regions.map((region) => h.split(REGION_TOKEN).join(region)) : [h]));
        if (key === "host") {
          delete r.host;
          r.hosts = [...hosts, ...(Array.isArray(r.hosts) ? r.hosts : [])];
        } else r.hosts = hosts;
      }
      expanded.push(r);
    }
    out[section] = expanded;
  }
  return { value: out };
}

export function parsePreset(text: string, file: string): { ok: true; preset: LoadedPreset } | { ok: false; errors: PolicyError[] } {
  const y = parseYaml(text, file);
  if (!y.ok) return y;
  const { presetSchema, ruleSchema } = schemas();
  const expanded = expandRegions(y.parsed.value);
  if ("error" in expanded) return { ok: false, errors: [{ file, ...y.parsed.locate(expanded.path), message: expanded.error }] };
  const r = presetSchema.safeParse(expanded.value);
  if (!r.success) {
    const keys = (path: ReadonlyArray<PropertyKey>) =>
      Object.keys(path.length === 0 ? presetSchema.shape : ruleSchema.shape);
    return { ok: false, errors: zodErrors(r.error, y.parsed, file, keys) };
  }
  return { ok: true, preset: { doc: r.data, parsed: y.parsed, file } };
}

export function listPresets(): PresetInfo[] {
  return presetNames().flatMap((name) => {
    const r = getPreset(name);
    if (!r || !r.ok) return [];
    const { doc } = r.preset;
    const hasAllow = (doc.allow?.length ?? 0) > 0;
    const hasDeny = (doc.deny?.length ?? 0) > 0;
    return [{
      name,
      description: doc.description,
      sources: doc.sources,
      kind: hasAllow && hasDeny ? "mixed" : hasDeny ? "deny" : "allow",
      // Deprecated parameters still load (with a warning) but are not offered.
      parameters: Object.entries(doc.parameters ?? {}).filter(([, d]) => d && !d.deprecated).map(([k]) => k),
    }];
  });
}

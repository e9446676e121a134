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

export function parsePreset(text: string, file: string): { ok: true; preset: LoadedPreset } | { ok: false; errors: PolicyError[] } {
  const y = parseYaml(text, file);
  if (!y.ok) return y;
  const { presetSchema, ruleSchema } = schemas();
  const r = presetSchema.safeParse(y.parsed.value);
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
      parameters: Object.keys(doc.parameters ?? {}),
    }];
  });
}

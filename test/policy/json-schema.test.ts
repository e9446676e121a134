// `trustrun policy schema` and the loader agree: every valid/ fixture passes both, every invalid/
// fixture fails both, except the few checks a JSON Schema cannot express (listed below, and
// checked to still be the only ones).
import { describe, expect, test } from "bun:test";
import Ajv2020 from "ajv/dist/2020";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { loadPolicyText } from "../../src/policy/load.ts";
import { policyJsonSchema } from "../../src/policy/schema-json.ts";

const here = import.meta.dir;
const list = (d: string) => readdirSync(join(here, d)).filter((f) => f.endsWith(".yaml")).sort();
const validate = new Ajv2020({ strict: false, allErrors: true }).compile(policyJsonSchema());

/** Invalid fixtures only the loader can refuse, and why. */
const loaderOnly: Record<string, string> = {
  "alias-bomb.yaml": "a YAML parser limit",
  "syntax.yaml": "not YAML at all",
  "cycle.yaml": "what another file holds",
  "missing-extends.yaml": "whether a file exists",
  "cidr-host-bits.yaml": "CIDR arithmetic",
  "port-range.yaml": "a range that runs backwards",
  "address-with-hostnames.yaml": "which host entries are addresses",
  "host-ends-in-number.yaml": "whether a name ends in a number",
};

function yamlValue(text: string): { value: unknown } | null {
  try {
    return { value: parse(text, { maxAliasCount: 100 }) };
  } catch {
    return null;
  }
}

const loads = (text: string, file: string) => loadPolicyText(text, file, { cwd: join(here, "valid") }).ok;

describe("JSON Schema and loader agree on the fixtures", () => {
  test.each(list("valid").map((f) => [f]))("valid/%s: both accept", (file) => {
    const text = readFileSync(join(here, "valid", file), "utf8");
    expect(loads(text, file)).toBe(true);
    const parsed = yamlValue(text);
    expect(validate(parsed?.value)).toBe(true);
  });
  test.each(list("invalid").map((f) => [f]))("invalid/%s: both refuse", (file) => {
    const text = readFileSync(join(here, "invalid", file), "utf8");
    expect(loadPolicyText(text, file, { cwd: join(here, "invalid") }).ok).toBe(false);
    const parsed = yamlValue(text);
    if (file in loaderOnly) {
      // Still beyond the schema (if the schema learns it, move the fixture out of the list).
      if (parsed) expect(validate(parsed.value)).toBe(true);
      return;
    }
    expect(parsed).not.toBeNull();
    expect(validate(parsed!.value)).toBe(false);
  });
});

describe("the cases QA found", () => {
  const cases: Array<[string, string, boolean]> = [
    ["a rule with only a description", "allow: [{description: x}]\n", false],
    ["an unknown method", "deny: [{host: a.example, methods: [FETCH]}]\n", false],
    ["a method in lower case", "deny: [{host: a.example, methods: [post]}]\n", true],
    ["an empty tenant", "allow: [{host: a.example, tenant: {}}]\n", false],
    ["a port over 65535", "allow: [{host: a.example, ports: [\"99999\"]}]\n", false],
    ["an open range", "allow: [{host: a.example, ports: [\"443-\"]}]\n", false],
    ["the top port", "allow: [{host: a.example, ports: [\"65535\", \"1-65535\"]}]\n", true],
    ["mixed-case resources", "extends: [preset:azure-openai]\npresets: {azure-openai: {resources: [Contoso]}}\n", true],
    ["a parameter the preset does not take", "presets: {azure-openai: {fhirServices: [x]}}\n", false],
    ["an unknown preset's parameters", "presets: {nope: {resources: [x]}}\n", false],
    ["an unknown preset in extends", "extends: [preset:nope]\n", false],
    ["action on an allow rule", "allow: [{host: a.example, action: kill}]\n", false],
    ["action on a learned rule", "learned: [{host: a.example, action: block}]\n", false],
    ["action on a deny rule", "deny: [{host: a.example, action: kill}]\n", true],
    ["an unknown signal kind", "signals: {child-proces-anomaly: kill}\n", false],
    ["a partial wildcard", "allow: [{host: \"api*.example.com\"}]\n", false],
    ["a bare wildcard", "allow: [{hosts: [\"*\"]}]\n", false],
    ["an address as a host", "deny: [{host: 169.254.169.254, action: kill}]\n", true],
  ];
  test.each(cases)("%s", (_name, text, ok) => {
    expect(loads(text, "t.yaml")).toBe(ok);
    expect(validate(parse(text))).toBe(ok);
  });
});

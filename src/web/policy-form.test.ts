import { describe, expect, test } from "bun:test";
import { parse } from "yaml";
import { addDenyRules, addPresetToYaml, rowsFromForm, visualFromYaml, yamlFromVisual } from "./policy-form.ts";
import { loadPolicyText } from "../policy/load.ts";

const sample = `# my policy
name: clinic
extends: ["preset:aws-bedrock"]
default: block
allow:
  - host: api.example.com
    ports: [443]
    proto: tcp
  - cidrs: [10.0.0.0/8]
deny:
  - hosts: ["*.evil.test"]
    action: kill
    description: never
`;

describe("policy form", () => {
  test("YAML → rows → YAML keeps every rule, including keys the rows do not show", () => {
    const v = visualFromYaml(sample);
    if (!v.ok) throw new Error(v.error);
    expect(v.policy.name).toBe("clinic");
    expect(v.policy.extends).toEqual(["preset:aws-bedrock"]);
    expect(v.policy.rows.map((r) => [r.section, r.hosts, r.cidrs, r.ports, r.action])).toEqual([
      ["allow", "api.example.com", "", "443", ""],
      ["allow", "", "10.0.0.0/8", "", ""],
      ["deny", "*.evil.test", "", "", "kill"],
    ]);
    const out = yamlFromVisual(v.policy, sample);
    expect(out).toContain("# my policy");
    const doc = parse(out);
    expect(doc.allow[0]).toEqual({ hosts: ["api.example.com"], ports: [443], proto: "tcp" });
    expect(doc.deny[0]).toEqual({ hosts: ["*.evil.test"], action: "kill", description: "never" });
    expect(loadPolicyText(out, "p.yaml", { cwd: "/" }).ok).toBe(true);
  });

  test("tenant matchers ride along through the rows unchanged", () => {
    const text = `name: t\ndefault: block\nallow:\n  - host: bedrock-runtime.*.amazonaws.com\n    tenant: { awsAccount: "123456789012" }\n`;
    const v = visualFromYaml(text);
    if (!v.ok) throw new Error(v.error);
    const back = loadPolicyText(yamlFromVisual(v.policy, text), "b.yaml", { cwd: "/nonexistent" });
    if (!back.ok) throw new Error("reload");
    expect(back.policy.rules[0].tenants).toEqual({ awsAccounts: ["123456789012"] });
  });
  test("edited rows: empty rows dropped, ranges kept as strings, a bad value is left for validation", () => {
    const rows = rowsFromForm({
      section: ["allow", "deny", "allow"],
      hosts: ["a.test, b.test", "", ""],
      cidrs: ["", "192.0.2.0/24", ""],
      ports: ["443 8000-8080", "", ""],
      action: ["", "block", ""],
      extra: ["", "", ""],
    });
    const out = yamlFromVisual({ name: "x", description: "", defaultAction: "alert", capture: "", extends: [], rows });
    const doc = parse(out);
    expect(doc).toEqual({ name: "x", default: "alert", allow: [{ hosts: ["a.test", "b.test"], ports: [443, "8000-8080"] }], deny: [{ cidrs: ["192.0.2.0/24"], action: "block" }] });
    const bad = yamlFromVisual({ name: "x", description: "", defaultAction: "", capture: "", extends: [], rows: [{ ...rows[1], cidrs: "300.1.1.1" }] });
    const r = loadPolicyText(bad, "p.yaml", { cwd: "/" });
    expect(r.ok).toBe(false);
  });

  test("malformed input never throws", () => {
    for (const text of ["", ":", "[1,2", "a: [", "- x", "allow: 3", "allow: [3]", "\u0000\u0001", "{".repeat(1000), "hots: [a]"]) {
      const v = visualFromYaml(text);
      expect(typeof v.ok).toBe("boolean");
    }
    expect(visualFromYaml("hots: [a]")).toEqual({ ok: false, error: expect.stringContaining("hots") });
    expect(rowsFromForm({ extra: ["{not json"], hosts: ["a.test"] })).toHaveLength(1);
    expect(parse(yamlFromVisual({ name: "", description: "", defaultAction: "", capture: "", extends: [], rows: rowsFromForm({ extra: ["{not json"], hosts: ["a.test"] }) }, "[broken"))).toEqual({ allow: [{ hosts: ["a.test"] }] });
  });

  test("adding a preset keeps the text and does not duplicate", () => {
    const r = addPresetToYaml(sample, "telemetry");
    if (!r.ok) throw new Error(r.error);
    expect(parse(r.yaml).extends).toEqual(["preset:aws-bedrock", "preset:telemetry"]);
    expect(r.yaml).toContain("# my policy");
    const again = addPresetToYaml(r.yaml, "telemetry");
    expect(again.ok && parse(again.yaml).extends).toEqual(["preset:aws-bedrock", "preset:telemetry"]);
    expect(addPresetToYaml("- a", "x").ok).toBe(false);
  });

  test("denied destinations become block rules", () => {
    const out = addDenyRules("name: p\n", [{ host: "evil.test", ip: "192.0.2.1", port: 443 }, { host: null, ip: "192.0.2.9", port: null }]);
    expect(parse(out).deny).toEqual([{ hosts: ["evil.test"], ports: [443], action: "block" }, { cidrs: ["192.0.2.9"], action: "block" }]);
    expect(loadPolicyText(out, "p.yaml", { cwd: "/" }).ok).toBe(true);
  });
});

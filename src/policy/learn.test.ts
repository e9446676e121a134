import { describe, expect, test } from "bun:test";
import { evaluate } from "./evaluate.ts";
import { addLearnedEntries, proposePolicy } from "./learn.ts";
import { loadPolicyText } from "./load.ts";

const load = (text: string) => {
  const r = loadPolicyText(text, "p.yaml", { cwd: "/nonexistent" });
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.policy;
};

describe("addLearnedEntries", () => {
  const original = `# clinic policy\nname: clinic # the name\ndefault: prompt\nallow:\n  - host: a.example.com # keep me\n`;
  test("appends with comments, keeps existing comments, validates and takes effect", () => {
    const out = addLearnedEntries(original, [
      { host: "API.Example.org.", port: 443, proto: "tcp", comment: "approved 2026-01-01", kind: "allow" },
      { ip: "::ffff:10.1.2.3", port: 5432, proto: "tcp", comment: "db", kind: "allow" },
      { host: "api.openai.com", port: 443, proto: "tcp", comment: "denied in TUI", kind: "deny" },
    ]);
    expect(out).toContain("# clinic policy");
    expect(out).toContain("# keep me");
    expect(out).toContain("# approved 2026-01-01");
    expect(out).toContain("# denied in TUI");
    const p = load(out);
    const ev = (host: string | null, ip: string | null, port: number) => evaluate({ host, ip, port, proto: "tcp" }, p);
    expect(ev("api.example.org", null, 443)).toMatchObject({ verdict: "allow", rule: "learned[0]" });
    expect(ev(null, "10.1.2.3", 5432)).toMatchObject({ verdict: "allow", rule: "learned[1]" });
    expect(ev("api.openai.com", null, 443)).toMatchObject({ verdict: "block", rule: "deny[0]" });
    expect(ev("other.example.org", null, 443).verdict).toBe("prompt");
  });
  test("duplicates and invalid entries are skipped; comments cannot inject YAML", () => {
    const once = addLearnedEntries(original, [{ host: "x.example.org", port: 443, comment: "c", kind: "allow" }]);
    const twice = addLearnedEntries(once, [
      { host: "x.example.org", port: 443, comment: "c", kind: "allow" },
      { host: "evil.com/x", comment: "bad", kind: "allow" },
      { host: "y.example.org", comment: "line\ndefault: allow", kind: "allow" },
    ]);
    const p = load(twice);
    expect(p.rules.filter((r) => r.id.startsWith("learned")).length).toBe(2);
    expect(p.defaultAction).toBe("prompt");
  });
  test("an empty file becomes a valid policy; an invalid one is refused", () => {
    expect(load(addLearnedEntries("", [{ host: "a.b.c", comment: "x", kind: "allow" }])).rules.length).toBe(1);
    expect(() => addLearnedEntries("allow:\n  - hots: x\n", [{ host: "a.b.c", comment: "x", kind: "allow" }])).toThrow();
  });
});

describe("proposePolicy", () => {
  test("uses presets where they cover, pins tenants, lists the rest; the result loads", () => {
    const text = proposePolicy([
      { host: "contoso.openai.azure.com", port: 443, proto: "tcp", count: 9 },
      { host: "api.openai.com", port: 443, proto: "tcp" },
      { host: "foo.example.com", port: 443, proto: "tcp", count: 3 },
      { host: "foo.example.com", port: 8443, proto: "tcp" },
      { ip: "10.0.0.5", port: 5432, proto: "tcp" },
      { host: "not a host", port: 1 },
    ]);
    const p = load(text);
    expect(p.sources).toContain("preset:azure-openai");
    expect(p.warnings).toEqual([]);
    const ev = (host: string | null, ip: string | null, port: number) => evaluate({ host, ip, port, proto: "tcp" }, p);
    expect(ev("contoso.openai.azure.com", null, 443).verdict).toBe("allow");
    expect(ev("other.openai.azure.com", null, 443).verdict).toBe("alert");
    expect(ev("foo.example.com", null, 8443).verdict).toBe("allow");
    expect(ev(null, "10.0.0.5", 5432).verdict).toBe("allow");
    expect(ev("api.openai.com", null, 443).verdict).toBe("block");
    expect(text).toContain("seen 4 times"); // foo.example.com: 3 + 1
  });
});

describe("proposePolicy: what raised an alert is never pinned", () => {
  test("another tenant's resource that raised an alert is listed as a comment, not pinned", () => {
    const text = proposePolicy([
      { host: "contoso-east.openai.azure.com", port: 443, proto: "tcp", verdict: "allow" },
      { host: "fabrikam.openai.azure.com", port: 443, proto: "tcp", verdict: "alert" },
    ]);
    expect(text).toContain("resources: [contoso-east]");
    expect(text).toContain("# fabrikam: raised an alert (another tenant?) — add it here only if it is yours");
    const p = load(text);
    expect(evaluate({ host: "fabrikam.openai.azure.com", ip: null, port: 443, proto: "tcp" }, p).verdict).toBe("alert");
    expect(evaluate({ host: "contoso-east.openai.azure.com", ip: null, port: 443, proto: "tcp" }, p).verdict).toBe("allow");
  });
  test("when only flagged names would pin a preset, the preset is not extended (its wildcard would allow them)", () => {
    const text = proposePolicy([
      { host: "fabrikam.openai.azure.com", port: 443, proto: "tcp", verdict: "alert" },
      { host: "login.microsoftonline.com", port: 443, proto: "tcp", verdict: "allow" },
    ]);
    const p = load(text);
    expect(p.sources).not.toContain("preset:azure-openai");
    expect(text).toContain("fabrikam.openai.azure.com: raised an alert");
    expect(evaluate({ host: "fabrikam.openai.azure.com", ip: null, port: 443, proto: "tcp" }, p).verdict).toBe("alert");
    expect(evaluate({ host: "login.microsoftonline.com", ip: null, port: 443, proto: "tcp" }, p).verdict).toBe("allow");
  });
  test("a destination a rule denied is not learned; one that was only new (the default) is", () => {
    const text = proposePolicy([
      { host: "evil.example", port: 443, proto: "tcp", verdict: "block", rule: "deny[2]" },
      { host: "new.example", port: 443, proto: "tcp", verdict: "alert", rule: null },
    ]);
    const p = load(text);
    expect(text).toContain("evil.example:443 was blocked by rule deny[2]");
    expect(evaluate({ host: "evil.example", ip: null, port: 443, proto: "tcp" }, p).verdict).toBe("alert");
    expect(evaluate({ host: "new.example", ip: null, port: 443, proto: "tcp" }, p).verdict).toBe("allow");
  });
  test("a shared sign-in endpoint alone does not extend every preset that lists it", () => {
    const p = load(proposePolicy([{ host: "login.microsoftonline.com", port: 443, proto: "tcp" }]));
    expect(p.sources.filter((s) => s.startsWith("preset:"))).toEqual([]);
  });
  test("azure-health-data-services names are pinned per kind of service", () => {
    const text = proposePolicy([{ host: "ws-fhir1.fhir.azurehealthcareapis.com", port: 443, proto: "tcp", verdict: "allow" }]);
    expect(text).toContain("fhirServices: [ws-fhir1]");
    expect(text).not.toContain("resources:");
    expect(load(text).warnings).toEqual([]);
  });
});

test("a host that is an address (any form) is learned and proposed as that address", () => {
  const p = load(addLearnedEntries("", [{ host: "0xA9FEA9FE", port: 80, comment: "c", kind: "allow" }]));
  expect(p.rules[0].cidrs).toEqual(["169.254.169.254/32"]);
  expect(p.warnings).toEqual([]);
  const proposed = proposePolicy([{ host: "2852039166", port: 80, proto: "tcp" }]);
  expect(proposed).toContain(`- ip: "169.254.169.254"`);
});

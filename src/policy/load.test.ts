import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluate } from "./evaluate.ts";
import { loadPolicy, loadPolicyText, resolveDefaultPolicy } from "./load.ts";
import { prng } from "../core/prng.test-helper.ts";
import type { PolicyError } from "./types.ts";

const dir = mkdtempSync(join(tmpdir(), "trustrun-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const path = join(dir, name);
  mkdirSync(join(path, ".."), { recursive: true });
  writeFileSync(path, text);
  return path;
};
const errorsOf = (text: string): PolicyError[] => {
  const r = loadPolicyText(text, "t.yaml", { cwd: dir });
  if (r.ok) throw new Error("expected errors");
  return r.errors;
};

describe("positioned errors", () => {
  test("unknown key: points at the key and suggests the right one", () => {
    const [e, ...rest] = errorsOf(`name: x\nallow:\n  - host: a.example.com\n  - hots: b.example.com\n`);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ file: "./t.yaml", line: 4, column: 5 });
    expect(e.message).toContain("unknown key 'hots'");
    expect(e.message).toMatch(/did you mean 'hosts?'/);
  });
  test("bad enum value names what was expected", () => {
    const [e] = errorsOf(`default: allw\n`);
    expect(e).toMatchObject({ line: 1, column: 10 });
    expect(e.message).toContain("default");
    expect(e.message).toMatch(/alert.*block.*kill.*prompt.*allow/);
  });
  test("bad host pattern, CIDR, port and proto", () => {
    const errs = errorsOf(`deny:\n  - host: "a*.example.com"\n  - cidr: 10.0.0.1/8\n  - ports: [70000]\n  - host: x.com\n    proto: icmp\n  - ports: ["90-80"]\n`);
    expect(errs.map((e) => e.line)).toEqual([2, 3, 4, 6, 7]);
    expect(errs[0].message).toContain("whole label");
    expect(errs[1].message).toContain("did you mean 10.0.0.0/8");
    expect(errs[2].message).toContain("port");
    expect(errs[3].message).toContain("tcp, udp");
    expect(errs[4].message).toContain("backwards");
  });
  test("a rule without a matcher is an error (it would match everything)", () => {
    const [e] = errorsOf(`deny:\n  - action: kill\n    description: oops\n`);
    expect(e.line).toBe(2);
    expect(e.message).toContain("at least one of host");
  });
  test("YAML syntax error is positioned", () => {
    const [e] = errorsOf(`name: x\nallow:\n  - host: [a.com\n`);
    expect(e.line).toBeGreaterThanOrEqual(3);
    expect(e.file).toBe("./t.yaml");
  });
  test("empty file, a list, a scalar", () => {
    expect(errorsOf("")[0].message).toContain("empty");
    expect(errorsOf("# only a comment\n")[0].message).toContain("empty");
    expect(errorsOf("- a\n- b\n")[0].message).toContain("expected a mapping");
    expect(errorsOf("hello\n")[0].message).toContain("expected a mapping");
  });
  test("duplicate keys are errors", () => {
    const [e] = errorsOf(`default: block\ndefault: allow\n`);
    expect(e.line).toBe(2);
  });
});

describe("extends and precedence", () => {
  test("files and presets merge; outermost default/capture win; deny anywhere beats allow anywhere", () => {
    write("base.yaml", `default: allow\ncapture: full\nallow:\n  - host: api.openai.com\ndeny:\n  - host: evil.example.com\n`);
    const root = write("root.yaml", `name: root\nextends: [./base.yaml, "preset:public-ai-apis"]\ndefault: block\n`);
    const r = loadPolicy({ files: [root], presets: [], cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policy.name).toBe("root");
    expect(r.policy.defaultAction).toBe("block");
    expect(r.policy.capture).toBe("full");
    expect(r.policy.sources).toEqual(["./root.yaml", "./base.yaml", "preset:public-ai-apis"]);
    expect(evaluate({ host: "api.openai.com", ip: null, port: 443, proto: "tcp" }, r.policy)).toMatchObject({
      verdict: "block",
      rule: "preset:public-ai-apis/deny[0]",
    });
    expect(evaluate({ host: "evil.example.com", ip: null, port: 443, proto: "tcp" }, r.policy).rule).toBe("./base.yaml/deny[0]");
    const denyRule = r.policy.rules.find((x) => x.id === "./base.yaml/deny[0]")!;
    expect(denyRule.source).toEqual({ file: "./base.yaml", line: 6, column: 5 });
  });
  test("a cycle is a positioned error", () => {
    write("c1.yaml", `extends: [./c2.yaml]\n`);
    write("c2.yaml", `name: c2\nextends:\n  - ./c1.yaml\n`);
    const r = loadPolicy({ files: [join(dir, "c1.yaml")], presets: [], cwd: dir });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ file: "./c2.yaml", line: 3, column: 5 });
    expect(r.errors[0].message).toContain("cycle");
  });
  test("a diamond is fine (each file once)", () => {
    write("d/leaf.yaml", `allow:\n  - host: leaf.example.com\n`);
    write("d/a.yaml", `extends: [./leaf.yaml]\n`);
    write("d/b.yaml", `extends: [./leaf.yaml]\n`);
    const root = write("d/root.yaml", `extends: [./a.yaml, ./b.yaml]\n`);
    const r = loadPolicy({ files: [root], presets: [], cwd: dir });
    expect(r.ok && r.policy.rules.length).toBe(1);
  });
  test("missing file and unknown preset are positioned errors", () => {
    const r = loadPolicyText(`extends:\n  - ./nope.yaml\n  - preset:nope\n`, "t.yaml", { cwd: dir });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.column])).toEqual([[2, 5], [3, 5]]);
    expect(r.errors[0].message).toContain("not found");
    expect(r.errors[1].message).toContain("unknown preset 'nope'");
  });
  test("a missing --policy file is an error, not an empty policy", () => {
    const r = loadPolicy({ files: [join(dir, "absent.yaml")], presets: [], cwd: dir });
    expect(r.ok).toBe(false);
  });
  test("an invalid extended file fails the whole load", () => {
    write("bad.yaml", `allow:\n  - hots: x\n`);
    const r = loadPolicyText(`extends: [./bad.yaml]\ndefault: block\n`, "t.yaml", { cwd: dir });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ file: "./bad.yaml", line: 2 });
  });
});

describe("extends containment (extendsWithin, the web view) and files that are not policies", () => {
  const secret = "root:*:20228:0:99999:7::\nSECRETTOKEN1234567890: x\n";
  const outside = mkdtempSync(join(tmpdir(), "trustrun-outside-"));
  afterAll(() => rmSync(outside, { recursive: true, force: true }));
  const shadow = join(outside, "shadow.yaml");
  writeFileSync(shadow, secret);
  const within = (text: string) => loadPolicyText(text, "w.yaml", { cwd: join(dir, "proj"), extendsWithin: join(dir, "proj") });
  const messages = (r: ReturnType<typeof within>) => (r.ok ? [] : r.errors.map((e) => e.message)).join("\n");

  test("outside the directory, through '..', absolute, a link out, or not YAML: refused before reading", () => {
    write("proj/base.yaml", "allow:\n  - host: a.example\n");
    write("proj/.env", "OPENAI_API_KEY=sk-SECRET\n");
    require("node:fs").symlinkSync(shadow, join(dir, "proj", "link.yaml"));
    expect(within(`extends: [./base.yaml, "preset:telemetry"]\n`).ok).toBe(true);
    for (const entry of [`../../../../../../..${shadow}`, shadow, "./link.yaml", "./.env", "../base-outside.yaml"]) {
      const r = within(`name: x\nextends: ["${entry}"]\n`);
      expect(r.ok).toBe(false);
      const text = messages(r);
      expect(text).toContain(`extends '${entry}'`);
      expect(text).toMatch(/outside the policy directory|only \.yaml and \.yml/);
      expect(text).not.toContain("root:");
      expect(text).not.toContain("SECRET");
      if (!r.ok) expect(r.errors[0]).toMatchObject({ file: "./w.yaml", line: 2 });
    }
    // An extended file extends further: the same rule applies.
    write("proj/hop.yaml", `extends: ["${shadow}"]\n`);
    expect(messages(within(`extends: [./hop.yaml]\n`))).toContain("outside the policy directory");
  });

  test("without extendsWithin (the CLI) any readable file may be extended", () => {
    write("proj/cli-base.yaml", `extends: ["${join(dir, "ok-outside.yaml")}"]\n`);
    write("ok-outside.yaml", "deny:\n  - host: evil.example\n");
    const r = loadPolicy({ files: [join(dir, "proj/cli-base.yaml")], presets: [], cwd: dir });
    expect(r.ok && r.policy.rules.length).toBe(1);
  });

  test("a file reached through extends that is not a policy is never quoted", () => {
    write("proj/shadow-copy.yaml", secret);
    write("proj/alias.yaml", "a: *SECRETALIAS\n");
    write("proj/tokens.yaml", "- a\nb: SECRETVALUE\n");
    write("proj/half.yaml", "name: x\nSECRETKEYNAME: 1\nallow:\n  - hots: x\n");
    for (const [file, via] of [["shadow-copy.yaml", within], ["alias.yaml", within], ["tokens.yaml", within], ["half.yaml", within]] as const) {
      for (const load of [via, (t: string) => loadPolicyText(t, "w.yaml", { cwd: join(dir, "proj") })]) {
        const r = load(`extends: [./${file}]\n`);
        expect(r.ok).toBe(false);
        const text = messages(r);
        expect(text).not.toContain("SECRET");
        expect(text).not.toContain("root:");
      }
    }
    expect(messages(within(`extends: [./shadow-copy.yaml]\n`))).toContain("./shadow-copy.yaml is not a TrustRun policy");
    const half = within(`extends: [./half.yaml]\n`);
    if (half.ok) throw new Error("expected errors");
    // A policy with a typo still gets positions and the hint, without the unknown key's name.
    expect(half.errors.map((e) => [e.file, e.line])).toEqual([["./half.yaml", 4], ["./half.yaml", 2]]);
    expect(half.errors[0].message).toContain("did you mean 'hosts'");
    // The file named directly (the editor's own text) is still quoted: it is the user's.
    expect(messages(within("SECRETKEYNAME: 1\n"))).toContain("unknown key 'SECRETKEYNAME'");
  });
});

describe("preset parameters", () => {
  const check = (policy: Parameters<typeof evaluate>[1], host: string) => evaluate({ host, ip: null, port: 443, proto: "tcp" }, policy).verdict;
  test("azure-openai without resources warns that the wildcard proves the provider only", () => {
    const r = loadPolicy({ files: [], presets: ["azure-openai"], cwd: dir });
    if (!r.ok) throw new Error();
    expect(r.policy.warnings.join("\n")).toContain("proves the provider, not your tenant");
    expect(check(r.policy, "anyone.openai.azure.com")).toBe("allow");
  });
  test("resources in the policy pin the tenant", () => {
    const r = loadPolicyText(`extends: [preset:azure-openai]\npresets:\n  azure-openai: { resources: [contoso-east] }\ndefault: block\n`, "t.yaml", { cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policy.warnings).toEqual([]);
    expect(check(r.policy, "contoso-east.openai.azure.com")).toBe("allow");
    expect(check(r.policy, "contoso-west.openai.azure.com")).toBe("block");
    expect(check(r.policy, "x.contoso-east.openai.azure.com")).toBe("block");
  });
  test("--preset NAME=RES pins too, and beats the file's parameters", () => {
    const f = write("pin.yaml", `extends: [preset:azure-openai]\npresets:\n  azure-openai: { resources: [filetenant] }\ndefault: block\n`);
    const r = loadPolicy({ files: [f], presets: ["azure-openai=clitenant"], cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(check(r.policy, "clitenant.openai.azure.com")).toBe("allow");
    expect(check(r.policy, "filetenant.openai.azure.com")).toBe("block");
  });
  test("parameters for a preset that takes none, or an unknown preset, are errors", () => {
    expect(loadPolicy({ files: [], presets: ["aws-bedrock=x"], cwd: dir }).ok).toBe(false);
    const r = loadPolicyText(`presets:\n  nope: { resources: [x] }\n`, "t.yaml", { cwd: dir });
    expect(!r.ok && r.errors[0].line).toBe(2);
    expect(loadPolicy({ files: [], presets: ["bad name!"], cwd: dir }).ok).toBe(false);
  });
});

describe("preset parameters: case and per-service pins", () => {
  const check = (policy: Parameters<typeof evaluate>[1], host: string) => evaluate({ host, ip: null, port: 443, proto: "tcp" }, policy).verdict;
  test("resource names in a file are compared case-insensitively, as on the command line", () => {
    const r = loadPolicyText(`extends: [preset:azure-openai]\npresets:\n  azure-openai: { resources: [Contoso-East] }\ndefault: block\n`, "t.yaml", { cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(check(r.policy, "contoso-east.openai.azure.com")).toBe("allow");
    expect(check(r.policy, "CONTOSO-EAST.openai.azure.com")).toBe("allow");
    expect(r.policy.presetParams).toEqual({ "azure-openai": { resources: ["contoso-east"] } });
  });
  test("azure-health-data-services: each kind of service has its own parameter", () => {
    const r = loadPolicyText(
      `extends: [preset:azure-health-data-services]\npresets:\n  azure-health-data-services: { fhirServices: [ws-fhir1], apiForFhirAccounts: [Contoso] }\ndefault: block\n`,
      "t.yaml",
      { cwd: dir },
    );
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policy.warnings).toEqual([]);
    expect(check(r.policy, "ws-fhir1.fhir.azurehealthcareapis.com")).toBe("allow");
    expect(check(r.policy, "contoso.azurehealthcareapis.com")).toBe("allow");
    // Not named as a FHIR service, a DICOM service or an API for FHIR account: not allowed.
    expect(check(r.policy, "ws-fhir1.azurehealthcareapis.com")).toBe("block");
    expect(check(r.policy, "ws-fhir1.dicom.azurehealthcareapis.com")).toBe("block");
    expect(check(r.policy, "contoso.fhir.azurehealthcareapis.com")).toBe("block");
    expect(check(r.policy, "login.microsoftonline.com")).toBe("allow");
  });
  test("azure-health-data-services=NAME (resources) is deprecated and never pins NAME.azurehealthcareapis.com", () => {
    const r = loadPolicy({ files: [], presets: ["azure-health-data-services=ws-fhir1"], cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policy.warnings.join("\n")).toContain("'resources' is deprecated");
    expect(check(r.policy, "ws-fhir1.fhir.azurehealthcareapis.com")).toBe("allow");
    expect(check(r.policy, "ws-fhir1.dicom.azurehealthcareapis.com")).toBe("allow");
    expect(check(r.policy, "ws-fhir1.azurehealthcareapis.com")).toBe("alert");
  });
  test("--preset NAME.PARAM=RES gives one parameter; several add up; a parameter the preset does not take is an error", () => {
    const r = loadPolicy({ files: [], presets: ["azure-health-data-services.dicomServices=WS-Dicom1", "azure-health-data-services.fhirServices=ws-fhir1"], cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(check(r.policy, "ws-dicom1.dicom.azurehealthcareapis.com")).toBe("allow");
    expect(check(r.policy, "ws-fhir1.fhir.azurehealthcareapis.com")).toBe("allow");
    const bad = loadPolicy({ files: [], presets: ["azure-openai.fhirServices=x"], cwd: dir });
    expect(!bad.ok && bad.errors[0].message).toContain("takes no fhirServices (it takes resources)");
    const [e] = errorsOf(`extends: [preset:aws-bedrock]\npresets:\n  aws-bedrock:\n    resources: [x]\n`);
    expect(e).toMatchObject({ line: 4, column: 5 });
    expect(e.message).toContain("takes no parameters");
  });
});

describe("typos that must not pass", () => {
  test("an unknown signal kind, with the kind it resembles", () => {
    const [e, ...rest] = errorsOf(`signals:\n  child-proces-anomaly: kill\n`);
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ line: 2, column: 3 });
    expect(e.message).toContain("unknown signal kind 'child-proces-anomaly'; did you mean 'child-process-anomaly'?");
  });
  test("every kind with a default action is a known kind", async () => {
    const { DEFAULT_SIGNAL_ACTIONS } = await import("../capture/signal-policy.ts");
    const { signalKinds } = await import("./schema.ts");
    for (const kind of Object.keys(DEFAULT_SIGNAL_ACTIONS)) expect(signalKinds as readonly string[]).toContain(kind);
  });
  test("action on an allow or learned rule", () => {
    const errs = errorsOf(`allow:\n  - host: a.example.com\n    action: kill\nlearned:\n  - host: b.example.com\n    action: block\n`);
    expect(errs.map((e) => [e.line, e.column])).toEqual([[3, 5], [6, 5]]);
    expect(errs[0].message).toContain("allow rules have no action");
    expect(errs[1].message).toContain("learned rules have no action");
  });
  test("an open port range is one error, not also a backwards range", () => {
    const errs = errorsOf(`allow:\n  - host: a.example.com\n    ports: ["443-"]\n`);
    expect(errs.length).toBe(1);
    expect(errs[0].message).not.toContain("backwards");
  });
  test("an address as a host is matched as an ip, with a warning; next to hostnames or a cidr it is an error", () => {
    const r = loadPolicyText(`deny:\n  - host: 169.254.169.254\n    action: kill\n`, "t.yaml", { cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policy.rules[0].cidrs).toEqual(["169.254.169.254/32"]);
    expect(r.policy.rules[0].hosts).toBeUndefined();
    expect(r.policy.warnings.join("\n")).toContain("is an address, matched as ip: 169.254.169.254");
    const [e] = errorsOf(`deny:\n  - hosts: [a.example.com, "::1"]\n`);
    expect(e.message).toContain("'::1' is an address: use ip: or cidr:");
    expect(errorsOf(`deny:\n  - host: 10.0.0.1\n    cidr: 10.0.0.0/8\n`)[0].line).toBe(2);
    expect(errorsOf(`deny:\n  - host: 10.0.0.0/8\n`)[0].message).toContain("use cidr:");
  });
  test("a '*' under amazonaws.com in an allow rule warns that it also matches S3 bucket hosts", () => {
    const r = loadPolicyText(`allow:\n  - host: bedrock-runtime.*.amazonaws.com\n`, "t.yaml", { cwd: dir });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(r.policy.warnings.join("\n")).toContain("also matches S3 bucket hosts (bedrock-runtime.s3.amazonaws.com)");
  });
});

describe("default policy", () => {
  test("no files, no presets, no ./trustrun.yaml → observe-only, and it says so", () => {
    const empty = mkdtempSync(join(dir, "empty-"));
    const r = loadPolicy({ files: [], presets: [], cwd: empty });
    expect(r.ok && r.policy.observeOnly).toBe(true);
    if (r.ok) {
      expect(r.policy.defaultAction).toBe("allow");
      expect(r.policy.notice).toContain("observe-only");
    }
  });
  test("./trustrun.yaml is used when present", () => {
    const d = mkdtempSync(join(dir, "cwd-"));
    writeFileSync(join(d, "trustrun.yaml"), `name: local\ndefault: kill\n`);
    const r = resolveDefaultPolicy(d);
    expect(r.ok && r.policy.name).toBe("local");
    expect(r.ok && r.policy.notice).toContain("trustrun.yaml");
    const viaLoad = loadPolicy({ files: [], presets: [], cwd: d });
    expect(viaLoad.ok && viaLoad.policy.defaultAction).toBe("kill");
  });
  test("a broken ./trustrun.yaml is an error, never the permissive default", () => {
    const d = mkdtempSync(join(dir, "broken-"));
    writeFileSync(join(d, "trustrun.yaml"), `default: [\n`);
    expect(loadPolicy({ files: [], presets: [], cwd: d }).ok).toBe(false);
  });
});

describe("fuzz: the loader never throws and never yields allow-everything", () => {
  const allowsEverything = (text: string) => {
    const r = loadPolicyText(text, "f.yaml", { cwd: dir });
    if (!r.ok) {
      for (const e of r.errors) {
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(typeof e.message).toBe("string");
      }
      return false;
    }
    // Valid documents must not silently allow a random destination unless they say default: allow.
    const d = evaluate({ host: "random-target.example", ip: "198.51.100.7", port: 443, proto: "tcp" }, r.policy);
    return d.verdict === "allow" && !/default:\s*allow/.test(text) && !r.policy.rules.some((x) => x.kind === "allow" && x.ports);
  };
  const hostile = [
    `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n`,
    `allow:\n  - &r { host: a.example.com }\n  - *r\n`,
    "allow: " + "[".repeat(5000) + "]".repeat(5000),
    "allow:\n" + "  - ".repeat(2000) + "x\n",
    `default: 1e999\n`,
    `allow:\n  - ports: [1e999]\n`,
    `allow:\n  - ports: [99999999999999999999999]\n`,
    `allow:\n  - host: 12345\n`,
    `allow: {host: x.com}\n`,
    `allow:\n  - host: x.com\n    <<: {action: kill}\n`,
    `allow:\n  - hosts: []\n`,
    `allow:\n  - hosts: ["*"]\n`,
    `!!js/function "() => 1"\n`,
    `allow:\n  - host: !!binary aGVsbG8=\n`,
    `--- \nname: a\n---\nname: b\n`,
    `\u0000\u0001\u0002`,
    `default: allow\0`,
    `"` + "a".repeat(10000),
    `? [a, b]\n: c\n`,
    `__proto__: {default: allow}\n`,
    `constructor: {prototype: {x: 1}}\n`,
    `allow:\n  - host: "x.com"\n    __proto__: {host: y.com}\n`,
  ];
  test.each(hostile.map((h, i) => [i, h]))("hostile document #%p", (_i, text) => {
    expect(allowsEverything(text as string)).toBe(false);
  });
  test("random mutations of a valid policy (seeded)", () => {
    const r = prng(31337);
    const base = `name: t\nextends: [preset:public-ai-apis]\ndefault: block\ncapture: metadata\nallow:\n  - host: "*.openai.azure.com"\n    ports: [443, "8000-8080"]\n    proto: tcp\n  - cidr: 10.0.0.0/8\ndeny:\n  - host: api.openai.com\n    action: kill\nlearned:\n  - host: api.example.org\n`;
    const junk = ["", " ", "\n", ":", "-", "[", "]", "{", "}", "*", "&a", "*a", "!", "#", "'", '"', "\t", "\u00ff", "0", "allow", "default: allow\n"];
    const started = performance.now();
    for (let i = 0; i < 1500 && performance.now() - started < 10_000; i++) {
      let text = base;
      for (let k = r.int(1, 4); k > 0; k--) {
        const at = r.int(0, text.length);
        const op = r.int(0, 2);
        if (op === 0) text = text.slice(0, at) + r.pick(junk) + text.slice(at);
        else if (op === 1) text = text.slice(0, at) + text.slice(at + r.int(1, 8));
        else text = text.slice(0, at);
      }
      expect(allowsEverything(text)).toBe(false);
    }
  });
});

describe("signals", () => {
  test("signal actions load, outermost wins, and unknown actions are positioned errors", async () => {
    const { mkdtempSync, writeFileSync } = await import("node:fs");
    const { join } = await import("node:path");
    const { tmpdir } = await import("node:os");
    const dir = mkdtempSync(join(tmpdir(), "trustrun-signals-"));
    writeFileSync(join(dir, "base.yaml"), "signals:\n  child-process-anomaly: alert\n  integrity: alert\n");
    writeFileSync(join(dir, "top.yaml"), "extends: [./base.yaml]\nsignals:\n  child-process-anomaly: kill\n");
    const ok = loadPolicy({ files: [join(dir, "top.yaml")], presets: [] });
    expect(ok.ok && ok.policy.signals).toEqual({ "child-process-anomaly": "kill", integrity: "alert" });
    writeFileSync(join(dir, "bad.yaml"), "signals:\n  integrity: explode\n");
    const bad = loadPolicy({ files: [join(dir, "bad.yaml")], presets: [] });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0].line).toBe(2);
  });
});

import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { main } from "../main.ts";
import { loadPolicyText } from "../../policy/load.ts";
import { policyFromArgs, parseTarget } from "./policy.ts";
import { CliError } from "../command.ts";

const dir = mkdtempSync(join(tmpdir(), "trustrun-cli-policy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const good = join(dir, "good.yaml");
writeFileSync(good, `name: good\nextends: [preset:public-ai-apis]\ndefault: block\nallow:\n  - host: "*.openai.azure.com"\n  - cidr: 10.0.0.0/8\n    ports: [5432]\n`);
const bad = join(dir, "bad.yaml");
writeFileSync(bad, `name: bad\nallow:\n  - hots: a.example.com\n`);

describe("trustrun policy validate", () => {
  test("valid → exit 0", async () => {
    const r = await run("policy", "validate", good);
    expect(r.code).toBe(0);
    expect(r.out).toContain("valid");
  });
  test("invalid → exit 1 with file:line:col", async () => {
    const r = await run("policy", "validate", good, bad);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`bad.yaml:3:5: unknown key 'hots'`);
  });
  test("--json", async () => {
    const r = await run("policy", "validate", bad, "--json");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    expect(j[0]).toMatchObject({ ok: false, errors: [{ line: 3, column: 5 }] });
  });
  test("no file is a usage error", async () => {
    expect((await run("policy", "validate")).code).toBe(2);
  });
});

describe("trustrun policy check", () => {
  test("deny from a preset → exit 1 with rule and reason", async () => {
    const r = await run("policy", "check", "api.openai.com", "--preset", "public-ai-apis");
    expect(r.code).toBe(1);
    expect(r.out).toContain("block");
    expect(r.out).toContain("preset:public-ai-apis/deny[0]");
  });
  test("--json gives {verdict, rule, reason}; allow → exit 0", async () => {
    const r = await run("policy", "check", "contoso.openai.azure.com:443", "--policy", good, "--json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(Object.keys(j)).toEqual(["verdict", "rule", "reason"]);
    expect(j).toMatchObject({ verdict: "allow", rule: "allow[0]" });
  });
  test("--ip matches CIDR rules, port respected", async () => {
    expect((await run("policy", "check", "db.internal:5432", "--ip", "10.2.3.4", "--policy", good)).code).toBe(0);
    expect((await run("policy", "check", "db.internal:5433", "--ip", "10.2.3.4", "--policy", good)).code).toBe(1);
    expect((await run("policy", "check", "10.2.3.4:5432", "--policy", good, "--json")).code).toBe(0);
    expect((await run("policy", "check", "[::ffff:10.2.3.4]:5432", "--policy", good)).code).toBe(0);
  });
  test("pinned tenant via --preset NAME=RES", async () => {
    expect((await run("policy", "check", "contoso.openai.azure.com", "--preset", "azure-openai=contoso")).code).toBe(0);
    const other = await run("policy", "check", "fabrikam.openai.azure.com", "--preset", "azure-openai=contoso", "--json");
    expect(JSON.parse(other.out)).toMatchObject({ verdict: "alert", rule: null });
  });
  test("--aws-account and --azure-tenant check tenant rules; malformed ids are usage errors", async () => {
    const pinned = join(dir, "tenant.yaml");
    writeFileSync(pinned, "name: t\ndefault: block\nallow:\n  - host: bedrock-runtime.*.amazonaws.com\n    tenant: { awsAccount: \"123456789012\" }\n");
    const host = "bedrock-runtime.us-east-1.amazonaws.com";
    expect((await run("policy", "check", host, "--policy", pinned, "--aws-account", "123456789012")).code).toBe(0);
    const other = await run("policy", "check", host, "--policy", pinned, "--aws-account", "999999999999", "--json");
    expect(other.code).toBe(1);
    expect(JSON.parse(other.out).reason).toContain("for AWS account 999999999999");
    expect((await run("policy", "check", host, "--policy", pinned)).code).toBe(1); // no tenant seen: not the pinned one
    expect((await run("policy", "check", host, "--policy", pinned, "--aws-account", "12345")).code).toBe(2);
    expect((await run("policy", "check", host, "--policy", pinned, "--azure-tenant", "nope")).code).toBe(2);
  });
  test("invalid policy → exit 2 with positioned errors, no stack", async () => {
    const r = await run("policy", "check", "a.example.com", "--policy", bad);
    expect(r.code).toBe(2);
    expect(r.err).toContain("bad.yaml:3:5");
    expect(r.err).not.toContain("    at ");
  });
  test("bad port and bad --ip are usage errors", async () => {
    expect((await run("policy", "check", "a.example.com:99999")).code).toBe(2);
    expect((await run("policy", "check", "a.example.com", "--ip", "nope")).code).toBe(2);
    expect((await run("policy", "check", "a.example.com", "--proto", "icmp")).code).toBe(2);
  });
  test("path rules: matrix parameters do not hide a path; bad --path and --method are usage errors", async () => {
    const paths = join(dir, "paths.yaml");
    writeFileSync(paths, "default: allow\ndeny:\n  - host: up.example\n    methods: [POST]\n    paths: [/v1/upload]\n");
    for (const p of ["/v1/upload;x", "/v1/upload;jsessionid=1/part", "/v1/x/..;/upload"]) {
      const r = await run("policy", "check", "up.example", "--method", "POST", "--path", p, "--policy", paths, "--json");
      expect([p, JSON.parse(r.out).verdict]).toEqual([p, "block"]);
    }
    expect((await run("policy", "check", "https://up.example/v1/upload;x?y=1", "--method", "post", "--policy", paths)).code).toBe(1);
    expect((await run("policy", "check", "https://up.example/v1/other", "--method", "POST", "--policy", paths)).code).toBe(0);
    const noSlash = await run("policy", "check", "up.example", "--path", "v1/upload", "--policy", paths);
    expect(noSlash.code).toBe(2);
    expect(noSlash.err).toContain("must start with '/'");
    const url = await run("policy", "check", "up.example", "--path", "https://up.example/v1/upload", "--policy", paths);
    expect(url.code).toBe(2);
    expect(url.err).toContain("not a URL");
    const method = await run("policy", "check", "up.example", "--method", "BAD METHOD", "--policy", paths);
    expect(method.code).toBe(2);
    expect(method.err).toContain("is not an HTTP method");
    expect(method.err).not.toContain("warning:"); // refused before the policy is loaded
    expect((await run("policy", "check", "ftp://up.example/x", "--policy", paths)).code).toBe(2);
  });
  test("IPv4 in any form a URL parser reads is the address: cidr rules match", async () => {
    const meta = join(dir, "meta.yaml");
    writeFileSync(meta, "default: allow\ndeny:\n  - cidr: 169.254.0.0/16\n    action: kill\n  - host: 10.0.0.1\n");
    for (const t of ["2852039166", "0xA9FEA9FE", "http://2852039166/", "http://0xA9FEA9FE/", "169.254.169.254.", "[::ffff:a9fe:a9fe]:443", "0251.0376.0251.0376:80"]) {
      const r = await run("policy", "check", t, "--policy", meta, "--json");
      expect([t, JSON.parse(r.out).verdict]).toEqual([t, "kill"]);
    }
    expect(JSON.parse((await run("policy", "check", "10.0.0.1.", "--policy", meta, "--json")).out)).toMatchObject({ verdict: "block", rule: "deny[1]" });
  });
  test("parseTarget", () => {
    expect(parseTarget("10.0.0.1.")).toEqual({ host: null, ip: "10.0.0.1", port: null });
    expect(parseTarget("http://0xA9FEA9FE:8080/a;b")).toEqual({ host: null, ip: "169.254.169.254", port: 8080, path: "/a;b" });
    expect(parseTarget("https://Example.COM")).toEqual({ host: "example.com", ip: null, port: 443, path: "/" });
    expect(parseTarget("a.b:80")).toEqual({ host: "a.b", ip: null, port: 80 });
    expect(parseTarget("2001:db8::1")).toEqual({ host: null, ip: "2001:db8::1", port: null });
    expect(parseTarget("[2001:db8::1]:8443")).toEqual({ host: null, ip: "2001:db8::1", port: 8443 });
  });
});

describe("trustrun policy presets / show / schema", () => {
  test("presets lists every preset with a description", async () => {
    const r = await run("policy", "presets");
    expect(r.code).toBe(0);
    for (const name of ["azure-openai", "aws-bedrock", "public-ai-apis", "gcp-vertex-ai"]) expect(r.out).toContain(name);
    const j = JSON.parse((await run("policy", "presets", "--json")).out);
    expect(j.every((p: { sources: string[] }) => p.sources.length > 0)).toBe(true);
  });
  test("show prints the merged policy as YAML that loads again with the same verdicts", async () => {
    const r = await run("policy", "show", "--policy", good, "--preset", "azure-openai=contoso");
    expect(r.code).toBe(0);
    expect(r.out).toContain("preset:public-ai-apis/deny[0] from preset public-ai-apis");
    const doc = parse(r.out);
    expect(doc.default).toBe("block");
    const again = loadPolicyText(r.out, "shown.yaml", { cwd: dir });
    if (!again.ok) throw new Error(JSON.stringify(again.errors));
    expect(again.policy.rules.length).toBeGreaterThan(10);
  });
  test("show with nothing says observe-only", async () => {
    const empty = mkdtempSync(join(dir, "e-"));
    const cwd = process.cwd();
    process.chdir(empty);
    try {
      const r = await run("policy", "show");
      expect(r.code).toBe(0);
      expect(r.err).toContain("observe-only");
      expect(r.out).toContain("default: allow");
    } finally {
      process.chdir(cwd);
    }
  });
  test("schema is JSON Schema of the format", async () => {
    const r = await run("policy", "schema");
    const s = JSON.parse(r.out);
    expect(s.$schema).toContain("json-schema.org");
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(["extends", "default", "capture", "allow", "deny", "learned"]));
    expect(s.additionalProperties).toBe(false);
  });
});

describe("policyFromArgs", () => {
  test("throws CliError with positioned errors", () => {
    expect(() => policyFromArgs({ policy: [bad] }, dir)).toThrow(CliError);
    try {
      policyFromArgs({ policy: [bad] }, dir);
    } catch (e) {
      expect((e as Error).message).toContain("bad.yaml:3:5");
    }
  });
  test("prints notice and warnings when given io", () => {
    let err = "";
    const p = policyFromArgs({ preset: ["azure-openai"] }, dir, { stdout: () => {}, stderr: (t) => void (err += t) });
    expect(p.rules.length).toBeGreaterThan(0);
    expect(err).toContain("warning: preset azure-openai");
  });
});

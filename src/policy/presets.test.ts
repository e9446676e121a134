import { describe, expect, test } from "bun:test";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { evaluate } from "./evaluate.ts";
import { loadPolicy } from "./load.ts";
import { getPreset, listPresets, parsePreset, presetNames } from "./presets.ts";

const presetDir = join(import.meta.dir, "../../presets");

describe("presets", () => {
  test("every presets/*.yaml file is embedded", () => {
    const files = readdirSync(presetDir).filter((f) => f.endsWith(".yaml")).map((f) => f.replace(/\.yaml$/, "")).sort();
    expect(presetNames()).toEqual(files);
  });

  const required = [
    "azure-openai", "azure-ai-services", "azure-health-data-services", "aws-bedrock", "aws-healthlake",
    "aws-comprehend-medical", "aws-transcribe-medical", "gcp-vertex-ai", "gcp-healthcare-api", "public-ai-apis", "telemetry",
  ];
  test.each(required.map((n) => [n]))("%s exists", (name) => expect(presetNames()).toContain(name));

  test.each(presetNames().map((n) => [n]))("%s loads, cites https sources and has rules", (name) => {
    const r = getPreset(name);
    if (!r || !r.ok) throw new Error(JSON.stringify(r && !r.ok ? r.errors : "missing"));
    expect(r.preset.doc.sources.length).toBeGreaterThan(0);
    for (const s of r.preset.doc.sources) expect(s).toMatch(/^https:\/\//);
    expect((r.preset.doc.allow?.length ?? 0) + (r.preset.doc.deny?.length ?? 0)).toBeGreaterThan(0);
    const loaded = loadPolicy({ files: [], presets: [name], cwd: "/nonexistent" });
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
    expect(loaded.policy.sources).toEqual([`preset:${name}`]);
  });

  test("listPresets describes each", () => {
    const all = listPresets();
    expect(all.map((p) => p.name)).toEqual(presetNames());
    expect(all.find((p) => p.name === "public-ai-apis")?.kind).toBe("deny");
    expect(all.find((p) => p.name === "azure-openai")?.parameters).toEqual(["resources"]);
  });

  test("a broken preset text is reported with a position", () => {
    const r = parsePreset(`name: x\ndescription: d\nsources: [https://e.com]\nallow:\n  - hots: a\n`, "presets/x.yaml");
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0].line).toBe(5);
  });

  const cases: Array<[string, string, number, "allow" | "block" | "alert"]> = [
    ["aws-bedrock", "bedrock-runtime.us-east-1.amazonaws.com", 443, "allow"],
    ["aws-bedrock", "bedrock-runtime-fips.us-east-1.amazonaws.com", 443, "allow"],
    ["aws-bedrock", "bedrock-agent-runtime.eu-central-1.amazonaws.com", 443, "allow"],
    ["aws-bedrock", "bedrock-agent-runtime-fips.us-west-2.amazonaws.com", 443, "allow"],
    ["aws-bedrock", "bedrock-runtime.us-east-1.amazonaws.com.evil.com", 443, "alert"],
    ["aws-bedrock", "s3.us-east-1.amazonaws.com", 443, "alert"],
    ["aws-healthlake", "healthlake.us-east-1.amazonaws.com", 443, "allow"],
    ["aws-comprehend-medical", "comprehendmedical-fips.us-east-1.amazonaws.com", 443, "allow"],
    ["aws-transcribe-medical", "transcribestreaming.us-east-1.amazonaws.com", 8443, "allow"],
    ["aws-transcribe-medical", "transcribe.us-east-1.amazonaws.com", 8443, "alert"],
    ["gcp-vertex-ai", "us-central1-aiplatform.googleapis.com", 443, "allow"],
    ["gcp-vertex-ai", "generativelanguage.googleapis.com", 443, "alert"],
    ["gcp-healthcare-api", "healthcare.googleapis.com", 443, "allow"],
    ["azure-health-data-services", "ws-fhir1.fhir.azurehealthcareapis.com", 443, "allow"],
    ["aws-bedrock", "bedrock.us-gov-west-1.amazonaws.com", 443, "allow"],
    ["aws-sts", "sts.amazonaws.com", 443, "allow"],
    ["aws-sts", "sts.eu-central-2.amazonaws.com", 443, "allow"],
    ["aws-transcribe-medical", "fips.transcribe.us-east-1.amazonaws.com", 443, "allow"],
    ["azure-ai-services", "myres.cognitiveservices.azure.com", 443, "allow"],
    ["azure-openai", "contoso.openai.azure.com", 443, "allow"],
    ["azure-openai", "contoso.openai.azure.com", 80, "alert"],
    ["azure-openai", "openai.azure.com.evil.com", 443, "alert"],
    ["public-ai-apis", "api.openai.com", 443, "block"],
    ["public-ai-apis", "API.ANTHROPIC.COM.", 443, "block"],
    ["public-ai-apis", "generativelanguage.googleapis.com", 443, "block"],
    ["public-ai-apis", "api.mistral.ai", 443, "block"],
    ["public-ai-apis", "openrouter.ai", 443, "block"],
    ["public-ai-apis", "api.openai.co", 443, "alert"],
    ["telemetry", "o123.ingest.us.sentry.io", 443, "alert"],
    ["telemetry", "api.segment.io", 443, "alert"],
  ];
  test.each(cases)("%s: %s:%d → %s", (preset, host, port, verdict) => {
    const r = loadPolicy({ files: [], presets: [preset], cwd: "/nonexistent" });
    if (!r.ok) throw new Error();
    const d = evaluate({ host, ip: null, port, proto: "tcp" }, r.policy);
    expect(d.verdict).toBe(verdict);
    if (verdict !== "alert" || preset === "telemetry") expect(d.rule).toStartWith(`preset:${preset}/`);
  });

  // Anyone can create an S3 bucket called "bedrock" or "sts": its hosts must not pass an AWS preset.
  const buckets = (prefix: string) => [
    `${prefix}.s3.amazonaws.com`, `${prefix}.s3-website-us-east-1.amazonaws.com`, `${prefix}.s3-us-west-2.amazonaws.com`,
    `${prefix}.s3-accelerate.amazonaws.com`, `${prefix}.s3-external-1.amazonaws.com`, `${prefix}.execute-api.amazonaws.com`,
  ];
  const awsPrefixes: Array<[string, string]> = [
    ["aws-bedrock", "bedrock"], ["aws-bedrock", "bedrock-runtime"], ["aws-bedrock", "bedrock-agent-runtime-fips"], ["aws-bedrock", "bedrock-data-automation"],
    ["aws-sts", "sts"], ["aws-sts", "sts-fips"], ["aws-healthlake", "healthlake"], ["aws-comprehend-medical", "comprehendmedical"],
    ["aws-transcribe-medical", "transcribe"], ["aws-transcribe-medical", "fips.transcribe"], ["aws-transcribe-medical", "transcribestreaming"],
  ];
  test.each(awsPrefixes)("%s: S3 bucket and other non-region hosts under %s.* are not allowed", (preset, prefix) => {
    const r = loadPolicy({ files: [], presets: [preset], cwd: "/nonexistent" });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    for (const host of buckets(prefix)) expect(evaluate({ host, ip: null, port: 443, proto: "tcp" }, r.policy).verdict).toBe("alert");
    expect(evaluate({ host: `${prefix}.us-east-1.amazonaws.com`, ip: null, port: 443, proto: "tcp" }, r.policy).verdict).toBe("allow");
  });

  test("no preset host has a '*' label after the first (it would match any label, such as an S3 bucket's)", () => {
    for (const name of presetNames()) {
      const r = loadPolicy({ files: [], presets: [name], cwd: "/nonexistent" });
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      for (const rule of r.policy.rules) for (const h of rule.hosts ?? []) expect(h.split(".").slice(1)).not.toContain("*");
    }
  });

  test("{region} in a preset host stands for each listed region; without a regions list it is an error", () => {
    const ok = parsePreset(`name: x\ndescription: d\nsources: [https://e.com]\nregions: [us-east-1, eu-west-1]\nallow:\n  - host: svc.{region}.amazonaws.com\n`, "presets/x.yaml");
    if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
    expect(ok.preset.doc.allow?.[0].hosts).toEqual(["svc.us-east-1.amazonaws.com", "svc.eu-west-1.amazonaws.com"]);
    const bad = parsePreset(`name: x\ndescription: d\nsources: [https://e.com]\nallow:\n  - hosts: [svc.{region}.amazonaws.com]\n`, "presets/x.yaml");
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors[0]).toMatchObject({ line: 5 });
  });
});

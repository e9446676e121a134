import { describe, expect, test } from "bun:test";
import { evaluate } from "../policy/evaluate.ts";
import { loadPolicy, loadPolicyText } from "../policy/load.ts";
import { factsOf, policyVerdict, verdictFromDecision } from "./verdict.ts";

describe("verdictFromDecision", () => {
  test("the mapping", () => {
    expect(verdictFromDecision({ verdict: "allow", rule: "allow[0]", reason: "" }, false)).toBe("allowed");
    for (const v of ["alert", "block", "kill"] as const) {
      expect(verdictFromDecision({ verdict: v, rule: "deny[0]", reason: "" }, false)).toBe("violation");
    }
    expect(verdictFromDecision({ verdict: "allow", rule: null, reason: "" }, true)).toBe("unknown");
    expect(verdictFromDecision({ verdict: "block", rule: null, reason: "" }, false)).toBe("violation");
    expect(verdictFromDecision({ verdict: "kill", rule: null, reason: "" }, false)).toBe("violation");
    expect(verdictFromDecision({ verdict: "alert", rule: null, reason: "" }, false)).toBe("unknown");
    expect(verdictFromDecision({ verdict: "allow", rule: null, reason: "" }, false)).toBe("allowed");
    expect(verdictFromDecision({ verdict: "prompt", rule: null, reason: "" }, false)).toBe("unknown");
  });
  test("facts: hostnames vs IPs; secrets have none", () => {
    expect(factsOf({ host: "api.x.io", port: 443 })).toEqual({ host: "api.x.io", ip: null, port: 443, proto: "tcp" });
    expect(factsOf({ host: "10.1.2.3", port: null })).toEqual({ host: null, ip: "10.1.2.3", port: 443, proto: "tcp" }); // no port: judged as HTTPS
    expect(factsOf({ host: null })).toBeNull();
  });
});

describe("with the real policy engine", () => {
  test("public-ai-apis preset makes api.openai.com a violation, others unknown", () => {
    const r = loadPolicy({ files: [], presets: ["public-ai-apis"], cwd: process.cwd() });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const v = policyVerdict(evaluate, r.policy);
    expect(v({ host: "api.openai.com", ip: null, port: 443, proto: "tcp" })).toBe("violation");
    expect(v({ host: "api.anthropic.com", ip: null, port: 443, proto: "tcp" })).toBe("violation");
    expect(v({ host: "myres.openai.azure.com", ip: null, port: 443, proto: "tcp" })).toBe("unknown");
  });
  test("a bare host in a config file is judged as HTTPS, so a preset's allow rules (ports: [443]) match it", () => {
    const r = loadPolicy({ files: [], presets: ["azure-openai=contoso"], cwd: process.cwd() });
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const v = policyVerdict(evaluate, { ...r.policy, defaultAction: "block" });
    expect(v(factsOf({ host: "contoso.openai.azure.com", port: null })!)).toBe("allowed");
    expect(v(factsOf({ host: "contoso.openai.azure.com", port: 8080 })!)).toBe("violation");
  });
  test("allow list with default block", () => {
    const r = loadPolicyText("name: t\ndefault: block\nallow:\n  - host: '*.acme.io'\n", "t.yaml");
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const v = policyVerdict(evaluate, r.policy);
    expect(v({ host: "api.acme.io", ip: null, port: 443, proto: "tcp" })).toBe("allowed");
    expect(v({ host: "api.acme.io.evil.com", ip: null, port: 443, proto: "tcp" })).toBe("violation");
  });
});

import { describe, expect, test } from "bun:test";
import { hostMatches as policyHostMatches, normalizeHost as policyNormalizeHost } from "../policy/hostname.ts";
import type { CompiledPolicy, CompiledRule } from "../policy/types.ts";
import { loadAgentHelpers } from "./agent-module.ts";
import { sentinelPolicyFromCompiled, type SentinelPolicy } from "./policy.ts";

const agent = loadAgentHelpers();

const hosts = [
  "api.openai.com", "API.OpenAI.com.", "openai.com", "evilopenai.com", "openai.com.evil.com", "a.b.openai.com",
  "bedrock-runtime.us-east-1.amazonaws.com", "bedrock-runtime.amazonaws.com", "x.bedrock-runtime.us-east-1.amazonaws.com",
  "myres.openai.azure.com", "openai.azure.com.evil.com", "evilopenai.azure.com", "ex ample.com", "a/b.com", "", "bücher.de",
  "xn--bcher-kva.de", "under_score.example.com", "-bad.com", "localhost", "127.0.0.1",
];
const patterns = ["api.openai.com", "*.openai.com", "bedrock-runtime.*.amazonaws.com", "*.openai.azure.com", "localhost", "xn--bcher-kva.de", "*.example.com"];

describe("agent hostname matching follows src/policy", () => {
  test("normalizeHost agrees", () => {
    for (const h of hosts) expect(agent.normalizeHost(h)).toBe(policyNormalizeHost(h));
  });
  test("hostMatches agrees on every pattern × host", () => {
    for (const p of patterns) {
      for (const h of hosts) {
        const n = policyNormalizeHost(h);
        if (!n) continue;
        expect([p, h, agent.hostMatches(p, n)]).toEqual([p, h, policyHostMatches(p, n)]);
      }
    }
  });
  test("look-alikes never match", () => {
    expect(agent.hostMatches("*.openai.azure.com", "openai.azure.com.evil.com")).toBe(false);
    expect(agent.hostMatches("*.openai.azure.com", "evilopenai.azure.com")).toBe(false);
    expect(agent.hostMatches("*.openai.com", "openai.com")).toBe(false);
  });
});

describe("agent decide", () => {
  const policy: SentinelPolicy = {
    enforce: true, defaultAction: "deny", askFallback: "deny",
    rules: [
      { id: "deny[0]", kind: "deny", action: "block", hosts: ["*.evil.com"] },
      { id: "deny[1]", kind: "deny", action: "alert", hosts: ["noisy.example"] },
      { id: "deny[2]", kind: "deny", action: "block", cidrs: ["10.0.0.0/8", "fd00::/8"] },
      { id: "allow[0]", kind: "allow", action: "alert", hosts: ["api.openai.com", "*.evil.com"] },
      { id: "allow[1]", kind: "allow", action: "alert", hosts: ["db.internal"], ports: [[5432, 5432]] },
      { id: "allow[2]", kind: "allow", action: "alert", cidrs: ["127.0.0.0/8", "::1/128"] },
    ],
  };
  test("deny wins over allow, then allow, then the default", () => {
    expect(agent.decide(policy, "x.evil.com", 443)).toMatchObject({ verdict: "deny", rule: "deny[0]" });
    expect(agent.decide(policy, "API.openai.com.", 443)).toMatchObject({ verdict: "allow", rule: "allow[0]" });
    expect(agent.decide(policy, "noisy.example", 80)).toMatchObject({ verdict: "alert", rule: "deny[1]" });
    expect(agent.decide(policy, "db.internal", 5432)).toMatchObject({ verdict: "allow", rule: "allow[1]" });
    expect(agent.decide(policy, "db.internal", 5433)).toMatchObject({ verdict: "deny", rule: "default" });
    expect(agent.decide(policy, "10.1.2.3", 80)).toMatchObject({ verdict: "deny", rule: "deny[2]" });
    expect(agent.decide(policy, "fd12::1", 80)).toMatchObject({ verdict: "deny", rule: "deny[2]" });
    expect(agent.decide(policy, "127.0.0.1", 80)).toMatchObject({ verdict: "allow", rule: "allow[2]" });
    expect(agent.decide(policy, "::ffff:127.0.0.1", 80)).toMatchObject({ verdict: "allow", rule: "allow[2]" });
    expect(agent.decide(policy, "[::1]", 80)).toMatchObject({ verdict: "allow", rule: "allow[2]" });
    expect(agent.decide(policy, "11.0.0.1", 80)).toMatchObject({ verdict: "deny", rule: "default" });
    expect(agent.decide(policy, "bad host", 80)).toMatchObject({ verdict: "deny", rule: "default" });
  });
  test("observe-only never refuses; ask is returned for learning mode", () => {
    expect(agent.decide({ ...policy, enforce: false }, "x.evil.com", 443).verdict).toBe("allow");
    expect(agent.decide({ ...policy, defaultAction: "ask" }, "new.example", 443).verdict).toBe("ask");
    expect(agent.decide(null, "x.evil.com", 443).verdict).toBe("allow");
    expect(agent.decide({ enforce: true, rules: "junk" }, "x", 1).verdict).toBe("allow");
  });
  test("cidrContains handles v4 edges and v6 prefixes", () => {
    expect(agent.cidrContains("0.0.0.0/0", "8.8.8.8")).toBe(true);
    expect(agent.cidrContains("192.168.1.0/24", "192.168.2.1")).toBe(false);
    expect(agent.cidrContains("192.168.1.7/32", "192.168.1.7")).toBe(true);
    expect(agent.cidrContains("2001:db8::/32", "2001:db8:1::1")).toBe(true);
    expect(agent.cidrContains("2001:db8::/33", "2001:db8:8000::1")).toBe(false);
    expect(agent.cidrContains("10.0.0.0/8", "::1")).toBe(false);
  });
});

describe("addresses in every form the resolver accepts", () => {
  test("ipLiteral gives the address getaddrinfo reaches", () => {
    const v4: Array<[string, string]> = [
      ["10.77.0.30", "10.77.0.30"], ["10.77.30", "10.77.0.30"], ["10.5046302", "10.77.0.30"], ["0x0a4d001e", "10.77.0.30"],
      ["0X0A4D001E", "10.77.0.30"], ["172818462", "10.77.0.30"], ["167595038", "9.253.76.30"], ["012.0115.0.036", "10.77.0.30"], ["0xa.0x4d.0.0x1e", "10.77.0.30"],
      ["010.077.0.036", "8.63.0.30"], ["00000000127.0.0.1", "87.0.0.1"], ["127.1", "127.0.0.1"], ["0177.0.0.1", "127.0.0.1"],
      ["0", "0.0.0.0"], ["4294967295", "255.255.255.255"], ["127.256", "127.0.1.0"],
      ["::ffff:10.77.0.30", "10.77.0.30"], ["::ffff:a4d:1e", "10.77.0.30"], ["[::ffff:a4d:1e]", "10.77.0.30"], ["0:0:0:0:0:ffff:a4d:1e", "10.77.0.30"],
    ];
    for (const [host, ip] of v4) expect([host, agent.ipLiteral(host)]).toEqual([host, ip]);
    for (const host of ["4294967296", "0x100000000", "08", "127.0.0.08", "0x", "1.2.3.4.5", "1.2.3.256", "1..2", "127.0.0.1.", "127.0.0.1 ", " 127.0.0.1", "1.2.3.4x", "api.example.com", "1password.com", ""]) {
      expect([host, agent.ipLiteral(host)]).toEqual([host, null]);
    }
    expect(agent.ipLiteral("::1%lo")).toBe("0:0:0:0:0:0:0:1");
    expect(agent.ipLiteral("[fe80::1%25eth0]")).toBe("fe80:0:0:0:0:0:0:1");
    expect(agent.ipLiteral("64:ff9b::10.0.0.1")).toBe("64:ff9b:0:0:0:0:a00:1");
  });
  test("IP and CIDR rules hold whatever form the program writes the address in", () => {
    const policy: SentinelPolicy = {
      enforce: true, defaultAction: "allow", askFallback: "allow",
      rules: [
        { id: "deny[0]", kind: "deny", action: "block", cidrs: ["10.77.0.30/32"] },
        { id: "deny[1]", kind: "deny", action: "block", cidrs: ["::ffff:192.168.0.0/112"] },
        { id: "deny[2]", kind: "deny", action: "block", cidrs: ["::1/128"] },
      ],
    };
    for (const host of ["10.77.30", "0x0a4d001e", "172818462", "012.0115.0.036", "::ffff:a4d:1e", "１０.77.0.30"]) {
      expect([host, agent.decide(policy, host, 80).rule]).toEqual([host, "deny[0]"]);
    }
    expect(agent.decide(policy, "192.168.7.9", 80).rule).toBe("deny[1]");
    expect(agent.decide(policy, "::1%lo", 80).rule).toBe("deny[2]");
    expect(agent.decide(policy, "010.077.0.036", 80).verdict).toBe("allow"); // 8.63.0.30
  });
});

describe("a polluted Object.prototype", () => {
  const keys = ["cidrs", "ports", "hosts", "enforce", "defaultAction", "rules", "kind", "action"] as const;
  const values: Record<(typeof keys)[number], unknown> = {
    cidrs: ["192.0.2.1/32"], ports: [[1, 1]], hosts: ["nothing.example"], enforce: false, defaultAction: "allow", rules: [], kind: "allow", action: "alert",
  };
  test("neither adds conditions to a rule nor changes the policy", () => {
    const policy = JSON.parse(JSON.stringify({
      enforce: true, defaultAction: "deny", askFallback: "deny",
      rules: [{ id: "deny[0]", kind: "deny", action: "block", hosts: ["localhost"] }, { id: "allow[0]", kind: "allow", action: "alert", hosts: ["api.example.com"] }],
    }));
    const proto = Object.prototype as Record<string, unknown>;
    for (const k of keys) {
      proto[k] = values[k];
      try {
        expect([k, agent.decide(policy, "localhost", 80).rule]).toEqual([k, "deny[0]"]);
        expect([k, agent.decide(policy, "api.example.com", 443).rule]).toEqual([k, "allow[0]"]);
        expect([k, agent.decide(policy, "other.example", 443).rule]).toEqual([k, "default"]);
      } finally {
        delete proto[k];
      }
    }
  });
});

function rule(r: Partial<CompiledRule> & Pick<CompiledRule, "id" | "kind">): CompiledRule {
  return { action: "block", source: null, ...r };
}
function compiled(rules: CompiledRule[], defaultAction: CompiledPolicy["defaultAction"], observeOnly = false): CompiledPolicy {
  return { name: "t", sources: [], defaultAction, capture: "metadata", rules, warnings: [], observeOnly };
}

describe("sentinelPolicyFromCompiled", () => {
  test("keeps host/IP/port rules and drops what cannot be decided before connect", () => {
    const p = sentinelPolicyFromCompiled(compiled([
      rule({ id: "deny[0]", kind: "deny", hosts: ["*.evil.com"] }),
      rule({ id: "deny[1]", kind: "deny", hosts: ["api.x.com"], paths: ["/admin"] }),
      rule({ id: "deny[2]", kind: "deny", hosts: ["dns.x.com"], protos: ["udp"] }),
      rule({ id: "allow[0]", kind: "allow", action: "alert", hosts: ["api.x.com"], methods: ["GET"] }),
      rule({ id: "allow[1]", kind: "allow", action: "alert", cidrs: ["10.0.0.0/8"], ports: [[443, 443]] }),
      rule({ id: "deny[3]", kind: "deny", methods: ["DELETE"] }),
      rule({ id: "deny[4]", kind: "deny", hosts: ["*.amazonaws.com"], tenants: { awsAccounts: ["999999999999"] } }),
      rule({ id: "allow[2]", kind: "allow", action: "alert", hosts: ["bedrock-runtime.*.amazonaws.com"], tenants: { awsAccounts: ["123456789012"] } }),
    ], "block"));
    // A tenant-limited deny must not refuse the whole host before connect (the proxy judges it).
    expect(p.rules.map((r) => r.id)).toEqual(["deny[0]", "allow[0]", "allow[1]", "allow[2]"]);
    expect(p.defaultAction).toBe("deny");
    expect(p.enforce).toBe(true);
    expect(p.rules[2].ports).toEqual([[443, 443]]);
  });
  test("maps the default action", () => {
    expect(sentinelPolicyFromCompiled(compiled([], "prompt")).defaultAction).toBe("ask");
    expect(sentinelPolicyFromCompiled(compiled([], "prompt")).askFallback).toBe("deny");
    expect(sentinelPolicyFromCompiled(compiled([], "kill")).defaultAction).toBe("deny");
    expect(sentinelPolicyFromCompiled(compiled([], "alert")).defaultAction).toBe("allow");
    expect(sentinelPolicyFromCompiled(compiled([], "allow", true)).enforce).toBe(false);
  });
  test("the agent decides a converted policy as intended", () => {
    const p = sentinelPolicyFromCompiled(compiled([
      rule({ id: "deny[0]", kind: "deny", hosts: ["*.tracker.io"] }),
      rule({ id: "allow[0]", kind: "allow", action: "alert", hosts: ["api.openai.com"] }),
    ], "block"));
    expect(agent.decide(p, "eu.tracker.io", 443).rule).toBe("deny[0]");
    expect(agent.decide(p, "api.openai.com", 443).verdict).toBe("allow");
    expect(agent.decide(p, "api.openai.com.evil.com", 443)).toMatchObject({ verdict: "deny", rule: "default" });
  });
});

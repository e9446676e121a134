import { describe, expect, test } from "bun:test";
import { evaluate } from "./evaluate.ts";
import { loadPolicyText } from "./load.ts";
import { observeOnlyPolicy } from "./default-policy.ts";
import { prng } from "../core/prng.test-helper.ts";
import type { CompiledPolicy, ConnectionFacts } from "./types.ts";

function policy(yaml: string): CompiledPolicy {
  const r = loadPolicyText(yaml, "p.yaml", { cwd: "/nonexistent" });
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.column} ${e.message}`).join("\n"));
  return r.policy;
}
const facts = (f: Partial<ConnectionFacts>): ConnectionFacts => ({ host: null, ip: null, port: 443, proto: "tcp", ...f });

const P = policy(`
name: test
default: block
allow:
  - host: "*.openai.azure.com"
  - host: bedrock-runtime.*.amazonaws.com
    ports: [443]
  - host: api.example.com
  - cidr: 10.0.0.0/8
    ports: [443, "8000-8080"]
    proto: tcp
  - ip: 2001:db8::1
  - host: dns.example.net
    proto: udp
    ports: [53]
  - host: upload.example.org
    methods: [get]
    paths: [/v1/files]
deny:
  - host: api.openai.com
    action: block
    description: Public OpenAI API is not BAA-covered
  - host: bad.openai.azure.com
    action: kill
  - cidr: 10.66.0.0/16
    action: alert
  - host: upload.example.org
    methods: [POST]
    paths: [/v1/upload]
`);

describe("evaluate: rule kinds", () => {
  test.each<[string, Partial<ConnectionFacts>, string, string | null]>([
    ["wildcard allow", { host: "contoso.openai.azure.com" }, "allow", "allow[0]"],
    ["apex of wildcard falls to default", { host: "openai.azure.com" }, "block", null],
    ["look-alike suffix", { host: "openai.azure.com.evil.com" }, "block", null],
    ["look-alike prefix", { host: "evilopenai.azure.com" }, "block", null],
    ["middle label wildcard", { host: "bedrock-runtime.us-east-1.amazonaws.com" }, "allow", "allow[1]"],
    ["middle label wildcard, wrong port", { host: "bedrock-runtime.us-east-1.amazonaws.com", port: 80 }, "block", null],
    ["exact deny with trailing dot and case", { host: "API.OpenAI.com." }, "block", "deny[0]"],
    ["api.openai.co is not api.openai.com", { host: "api.openai.co" }, "block", null],
    ["deny beats allow (kill)", { host: "bad.openai.azure.com" }, "kill", "deny[1]"],
    ["cidr + port", { ip: "10.1.2.3", port: 443 }, "allow", "allow[3]"],
    ["cidr + port range", { ip: "10.1.2.3", port: 8080 }, "allow", "allow[3]"],
    ["cidr, port outside range", { ip: "10.1.2.3", port: 8081 }, "block", null],
    ["cidr, wrong proto", { ip: "10.1.2.3", proto: "udp" }, "block", null],
    ["cidr deny beats cidr allow", { ip: "10.66.1.1" }, "alert", "deny[2]"],
    ["IPv4-mapped IPv6 hits the IPv4 rule", { ip: "::ffff:10.66.1.1" }, "alert", "deny[2]"],
    ["single IPv6", { ip: "2001:db8::1" }, "allow", "allow[4]"],
    ["IPv6 neighbour", { ip: "2001:db8::2" }, "block", null],
    ["udp rule", { host: "dns.example.net", proto: "udp", port: 53 }, "allow", "allow[5]"],
    ["udp rule, tcp conn", { host: "dns.example.net", proto: "tcp", port: 53 }, "block", null],
    ["bare IP with known hostname matches host rules", { ip: "203.0.113.9", host: "api.example.com" }, "allow", "allow[2]"],
    ["bare IP without hostname", { ip: "203.0.113.9" }, "block", null],
    ["host given as an IP literal matches IP rules", { host: "10.1.2.3" }, "allow", "allow[3]"],
    ["method+path deny", { host: "upload.example.org", http: { method: "post", path: "/v1/upload/x?y=1" } }, "block", "deny[3]"],
    ["path deny normalizes dot segments and escapes", { host: "upload.example.org", http: { method: "POST", path: "/v1/./files/../%75pload" } }, "block", "deny[3]"],
    ["path prefix is segment-aware", { host: "upload.example.org", http: { method: "POST", path: "/v1/uploads" } }, "block", null],
    ["method+path allow", { host: "upload.example.org", http: { method: "GET", path: "/v1/files/1" } }, "allow", "allow[6]"],
    ["path rule without HTTP facts does not match", { host: "upload.example.org" }, "block", null],
  ])("%s", (_name, f, verdict, rule) => {
    const d = evaluate(facts(f), P);
    expect(d.verdict).toBe(verdict as never);
    expect(d.rule).toBe(rule);
    expect(d.reason.length).toBeGreaterThan(10);
  });

  test("the reason names the rule, its description and origin", () => {
    const d = evaluate(facts({ host: "api.openai.com" }), P);
    expect(d.reason).toBe("api.openai.com:443 matches deny rule 'deny[0]' (Public OpenAI API is not BAA-covered) in policy ./p.yaml");
  });

  test("the strongest matching deny wins", () => {
    const p = policy(`deny:\n  - ports: [443]\n    action: alert\n  - host: x.example.com\n    action: kill\n  - host: x.example.com\n    action: block\n`);
    expect(evaluate(facts({ host: "x.example.com" }), p)).toMatchObject({ verdict: "kill", rule: "deny[1]" });
    expect(evaluate(facts({ host: "y.example.com" }), p)).toMatchObject({ verdict: "alert", rule: "deny[0]" });
  });
});

describe("evaluate: defaults", () => {
  test.each(["alert", "block", "kill", "prompt", "allow"] as const)("default %s applies when nothing matches", (action) => {
    const p = policy(`default: ${action}\nallow:\n  - host: a.example.com\n`);
    const d = evaluate(facts({ host: "b.example.com" }), p);
    expect(d).toMatchObject({ verdict: action, rule: null });
    expect(d.reason).toContain(`default is ${action}`);
  });
  test("prompt is only returned when the default is prompt", () => {
    const p = policy(`default: alert\nallow:\n  - host: a.example.com\n`);
    for (const host of ["a.example.com", "b.example.com", "", "x".repeat(300)]) {
      expect(evaluate(facts({ host }), p).verdict).not.toBe("prompt");
    }
  });
  test("learned entries allow", () => {
    const p = policy(`default: block\nlearned:\n  - host: api.example.org\n    ports: [443]\n`);
    expect(evaluate(facts({ host: "api.example.org" }), p)).toMatchObject({ verdict: "allow", rule: "learned[0]" });
  });
  test("observe-only allows and says so", () => {
    const d = evaluate(facts({ host: "anything.example" }), observeOnlyPolicy());
    expect(d.verdict).toBe("allow");
    expect(d.reason).toContain("observe-only");
  });
});

describe("evaluate: hostile input", () => {
  const hostile: unknown[] = [
    null, undefined, 42, {}, [], "", ".", "*", "*.openai.azure.com", "contoso.openai.azure.com/evil", "contoso.openai.azure.com:443",
    "contoso.openai.azure.com\u0000", "user@contoso.openai.azure.com", "contoso.openai.azure.com evil", "x".repeat(100_000),
    "a.".repeat(200) + "openai.azure.com", "%63ontoso.openai.azure.com", "contoso..openai.azure.com",
  ];
  test.each(hostile.map((h) => [h]))("malformed host %p never matches an allow rule and never throws", (host) => {
    const d = evaluate({ host: host as string, ip: null, port: 443, proto: "tcp" }, P);
    expect(d.verdict).toBe("block");
    expect(d.rule).toBeNull();
  });
  test("garbage facts objects never throw", () => {
    const r = prng(99);
    const values: unknown[] = [null, undefined, NaN, -1, 70000, 1.5, "tcp", "udp", "icmp", {}, [], "10.0.0.1", "::1", "a.b", Symbol("x"), () => 1];
    for (let i = 0; i < 2000; i++) {
      const f = { host: r.pick(values), ip: r.pick(values), port: r.pick(values), proto: r.pick(values), http: r.pick([undefined, {}, { method: r.pick(values), path: r.pick(values) }]) };
      const d = evaluate(f as unknown as ConnectionFacts, P);
      expect(["allow", "alert", "block", "kill", "prompt"]).toContain(d.verdict);
    }
    expect(evaluate(null as unknown as ConnectionFacts, P).verdict).toBe("block");
  });
  test("a corrupted policy object yields a non-allow decision", () => {
    const d = evaluate(facts({ host: "a.example.com" }), { rules: 5 } as unknown as CompiledPolicy);
    expect(d.verdict).toBe("alert");
  });
  test("random subdomains of the allowed wildcard allow; random suffixes never do (seeded)", () => {
    const r = prng(4242);
    for (let i = 0; i < 1000; i++) {
      const sub = Array.from({ length: r.int(1, 3) }, () => r.label()).join(".");
      if (sub === "bad" || sub.endsWith(".bad")) continue;
      expect(evaluate(facts({ host: `${sub}.openai.azure.com` }), P).verdict).toBe("allow");
      expect(evaluate(facts({ host: `${sub}.openai.azure.com.${r.label()}.${r.label(2, 3)}` }), P).verdict).toBe("block");
      expect(evaluate(facts({ host: `${r.label()}openai.azure.com` }), P).verdict).toBe("block");
    }
  });
});

describe("evaluate: tenant rules (facts from the proxy)", () => {
  const T = policy(`
name: tenants
default: block
allow:
  - host: bedrock-runtime.*.amazonaws.com
    tenant: { awsAccount: ["123456789012", "210987654321"] }
  - host: "*.openai.azure.com"
    tenant: { azureTenant: 72F988BF-86F1-41AF-91AB-2D7CD011DB47 }
deny:
  - host: "*.amazonaws.com"
    tenant: { awsAccount: "999999999999" }
    action: kill
`);
  const bedrock = (tenant?: Record<string, unknown>) =>
    evaluate(facts({ host: "bedrock-runtime.us-east-1.amazonaws.com", http: { method: "POST", path: "/model/x/invoke", ...(tenant ? { tenant } : {}) } }), T);

  test("a pinned account is allowed; another account, or none seen, falls to the default", () => {
    expect(bedrock({ awsAccount: "123456789012" })).toMatchObject({ verdict: "allow", rule: "allow[0]" });
    expect(bedrock({ awsAccount: "210987654321" }).verdict).toBe("allow");
    expect(bedrock({ awsAccount: "555555555555" })).toMatchObject({ verdict: "block", rule: null });
    expect(bedrock({ awsAccount: "555555555555" }).reason).toContain("for AWS account 555555555555");
    expect(bedrock().verdict).toBe("block"); // unknown tenant never matches a pinned rule
    expect(evaluate(facts({ host: "bedrock-runtime.us-east-1.amazonaws.com" }), T).verdict).toBe("block");
  });

  test("a deny rule on an account wins over the host's allow", () => {
    expect(bedrock({ awsAccount: "999999999999" })).toMatchObject({ verdict: "kill", rule: "deny[0]" });
  });

  test("Entra tenants compare case-insensitively; API-key calls (no token tenant) are not pinned ones", () => {
    const azure = (azureTenant?: string) => evaluate(facts({ host: "contoso.openai.azure.com", http: { path: "/openai/deployments/x/chat/completions", ...(azureTenant ? { tenant: { azureTenant } } : {}) } }), T);
    expect(azure("72f988bf-86f1-41af-91ab-2d7cd011db47").verdict).toBe("allow");
    expect(azure("72F988BF-86F1-41AF-91AB-2D7CD011DB47").verdict).toBe("allow");
    expect(azure("00000000-0000-4000-8000-000000000000").verdict).toBe("block");
    expect(azure().verdict).toBe("block");
  });

  test("malformed tenant facts match nothing and never throw", () => {
    for (const bad of [{ awsAccount: "12345678901" }, { awsAccount: 123456789012 }, { awsAccount: "123456789012x" }, { azureTenant: "not-a-guid" }, null, "x", 5, []]) {
      expect(evaluate(facts({ host: "bedrock-runtime.us-east-1.amazonaws.com", http: { tenant: bad as never } }), T).verdict).toBe("block");
    }
  });
});

describe("evaluate: addresses in any form", () => {
  const M = policy(`
default: allow
deny:
  - host: "169.254.169.254"
    action: kill
  - cidr: 10.0.0.0/8
  - hosts: ["fd00:ec2::254"]
    action: alert
`);
  test("an address written as a host matches the connection's address", () => {
    expect(evaluate(facts({ host: null, ip: "169.254.169.254" }), M)).toMatchObject({ verdict: "kill", rule: "deny[0]" });
    expect(evaluate(facts({ host: "169.254.169.254" }), M)).toMatchObject({ verdict: "kill", rule: "deny[0]" });
    expect(evaluate(facts({ host: "metadata.internal", ip: "169.254.169.254" }), M).verdict).toBe("kill");
    expect(evaluate(facts({ host: "[FD00:EC2::254]" }), M)).toMatchObject({ verdict: "alert", rule: "deny[2]" });
    expect(M.warnings.join("\n")).toContain("'169.254.169.254' is an address, matched as ip: 169.254.169.254");
  });
  test.each([["2852039166"], ["0xA9FEA9FE"], ["0251.0376.0251.0376"], ["169.254.43518"], ["169.254.169.254."], ["::ffff:a9fe:a9fe"]])(
    "host %p is 169.254.169.254",
    (host) => expect(evaluate(facts({ host }), M)).toMatchObject({ verdict: "kill", rule: "deny[0]" }),
  );
  test("10.0.0.1. (a trailing dot after an IP) is the IP; a name that ends in a number and is no IP matches no host rule", () => {
    expect(evaluate(facts({ host: "10.0.0.1." }), M)).toMatchObject({ verdict: "block", rule: "deny[1]" });
    expect(evaluate(facts({ host: "0x0a000001" }), M).verdict).toBe("block");
    const H = policy(`default: block\nallow:\n  - host: "*.example.com"\n`);
    expect(evaluate(facts({ host: "1.2.3.4.5" }), H).reason).toContain("is not valid");
  });
});

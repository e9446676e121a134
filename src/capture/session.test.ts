import { expect, test } from "bun:test";
import type { ConnectionEvent, PromptAnswer, TrustRunEvent } from "../core/types.ts";
import { loadPolicyText } from "../policy/load.ts";
import type { Enforcer } from "./enforce/index.ts";
import type { Probe, RawConnect } from "./probe.ts";
import { createCaptureSession } from "./session.ts";

function policy(text: string) {
  const loaded = loadPolicyText(text, "p.yaml", { cwd: "/nonexistent" });
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  return loaded.policy;
}

/** An enforcer that keeps its rules in a set, and a probe that remembers what it was told. */
function harness(policyText: string, opts: { inScope?: boolean | null; answers?: PromptAnswer[] } = {}) {
  const rules = new Set<string>();
  const calls: string[] = [];
  const enforcer: Enforcer = {
    canBlock: true, canKill: true, notes: [],
    block: (ip, port, proto) => (rules.add(`${ip}|${port}|${proto}`), calls.push(`block ${ip}:${port}`), "rejected by the cgroup firewall (T)"),
    blockStatic: (cidr) => (calls.push(`static ${cidr}`), true),
    unblock: (ip, port, proto) => (rules.delete(`${ip}|${port}|${proto}`), calls.push(`unblock ${ip}:${port}`), true),
    inScope: () => opts.inScope ?? true,
    killTree: () => "killed", hold: () => true, stop: () => {},
  };
  const told: string[] = [];
  const probe: Probe = {
    name: "ebpf", complete: true,
    start: async () => {}, stop: async () => {},
    release: (pid) => told.push(`release ${pid}`),
    allowDestination: (ip, port) => told.push(`allow ${ip}:${port}`),
    allowName: (name) => told.push(`name ${name}`),
  };
  const events: TrustRunEvent[] = [];
  const answers = [...(opts.answers ?? [])];
  const session = createCaptureSession({
    id: "s", policy: policy(policyText), probes: [probe], enforcer, emit: (e) => events.push(e), joinDelayMs: 1,
    prompt: answers.length ? async () => answers.shift() ?? "allow-once" : undefined,
    promptTimeoutMs: 1000,
  });
  const connect = async (ip: string, port: number, extra: Partial<RawConnect> = {}) => {
    session.sink.connect({ ts: Date.now(), pid: process.pid, proto: "tcp", dst: { ip, port }, probe: "ebpf", ...extra });
    for (let i = 0; i < 200; i++) {
      await Bun.sleep(2);
      const n = events.filter((e) => e.type === "connection").length;
      if (n > 0 && n >= seen + 1) break;
    }
    seen = events.filter((e) => e.type === "connection").length;
    return events.filter((e): e is ConnectionEvent => e.type === "connection").at(-1)!;
  };
  let seen = 0;
  const dns = (name: string, ip: string) => {
    // A DNS answer as the session gets it from a probe that parsed it.
    session.sink.dns({ ts: Date.now(), pid: process.pid, name, answers: [ip], probe: "pcap" });
  };
  return { session, rules, calls, told, events, connect, dns };
}

test("a block says it was held only when it was; a rule that already existed refused it", async () => {
  const h = harness("name: t\ndefault: alert\ndeny:\n  - ip: 10.0.0.9\n    action: block\n");
  const held = await h.connect("10.0.0.9", 443, { held: true });
  expect(held.enforced).toBe("rejected by the cgroup firewall (T)");
  expect(h.told).toContain(`release ${process.pid}`);
  const again = await h.connect("10.0.0.9", 443);
  expect(again.enforced).toBe("rejected by the cgroup firewall (T)"); // the rule was there first
  const fresh = await h.connect("10.0.0.9", 8443); // not held, no rule yet
  expect(fresh.enforced).toContain("added after this connection was made (it was not held)");
  const syn = await h.connect("10.0.0.9", 9443, { atSyn: true });
  expect(syn.enforced).toContain("not held");
});

test("a process that left the session's cgroup is not claimed as blocked", async () => {
  const h = harness("name: t\ndefault: alert\ndeny:\n  - ip: 10.0.0.9\n    action: block\n", { inScope: false });
  const ev = await h.connect("10.0.0.9", 443, { held: true });
  expect(ev.verdict).toBe("block");
  expect(ev.enforced).toContain("left the session's cgroup");
});

test("deny once, then allow: the firewall rule added for that destination is lifted (the connection that met it says so)", async () => {
  const h = harness("name: t\ndefault: prompt\n", { answers: ["deny-once", "allow-once", "allow-once"] });
  const first = await h.connect("10.0.0.7", 443, { held: true });
  expect(first.verdict).toBe("block");
  expect(h.rules.has("10.0.0.7|443|tcp")).toBe(true);
  const second = await h.connect("10.0.0.7", 443, { held: true });
  expect(second.verdict).toBe("allow");
  expect(second.enforced).toContain("still in place when it connected; lifted now");
  expect(h.calls).toContain("unblock 10.0.0.7:443");
  expect(h.rules.size).toBe(0);
  const third = await h.connect("10.0.0.7", 443, { held: true });
  expect(third.verdict).toBe("allow");
  expect(third.enforced).toBeUndefined();
});

test("an allowed name on an address blocked for another name is refused, and the record says which", async () => {
  const h = harness("name: t\ndefault: alert\nallow:\n  - host: cdn.example.org\ndeny:\n  - host: api.openai.com\n    action: block\n");
  h.dns("api.openai.com", "10.88.0.20");
  const blocked = await h.connect("10.88.0.20", 443, { held: true });
  expect(blocked).toMatchObject({ host: "api.openai.com", verdict: "block" });
  h.dns("cdn.example.org", "10.88.0.20");
  const allowed = await h.connect("10.88.0.20", 443, { held: true });
  expect(allowed).toMatchObject({ host: "cdn.example.org", verdict: "allow" });
  expect(allowed.enforced).toContain("refused anyway");
  expect(allowed.enforced).toContain("api.openai.com");
  expect(h.rules.has("10.88.0.20|443|tcp")).toBe(true); // kept: the blocked name may use it too
});

test("names the policy allows (as HTTPS) are told to the probe; others are not", async () => {
  const h = harness("name: t\ndefault: block\nallow:\n  - host: cdn.example.org\n    ports: [443]\n");
  h.session.sink.dns({ ts: Date.now(), pid: process.pid, name: "cdn.example.org", probe: "ebpf" });
  h.session.sink.dns({ ts: Date.now(), pid: process.pid, name: "api.openai.com", probe: "ebpf" });
  h.session.sink.dns({ ts: Date.now(), pid: process.pid, name: "CDN.example.org.", probe: "ebpf" });
  expect(h.told.filter((t) => t.startsWith("name "))).toEqual(["name cdn.example.org"]);
});

test("deny rules of addresses only are firewall rules before the program starts; host rules are not", async () => {
  const h = harness("name: t\ndefault: alert\ndeny:\n  - ip: 10.0.0.9\n    ports: [443]\n    action: block\n  - host: api.openai.com\n    action: block\n  - cidr: 10.1.0.0/16\n    action: alert\n");
  await h.session.start({ mode: "run", rootPid: process.pid, initialPids: [] });
  expect(h.calls.filter((c) => c.startsWith("static"))).toEqual(["static 10.0.0.9/32"]);
  const ev = await h.connect("10.0.0.9", 443, { atSyn: true }); // not held, yet refused from the start
  expect(ev.enforced).toContain("was in place before the program started");
  expect(ev.enforced).not.toContain("not held");
});

test("learning: a question nobody answers gets the policy's own default, recorded as the default's", async () => {
  const { learningPolicy } = await import("../cli/commands/policy-learn.ts");
  const { answerDecision } = await import("./session.ts");
  const strict = learningPolicy(policy("name: t\ndefault: block\n"));
  expect(strict).toMatchObject({ defaultAction: "prompt", unanswered: "block" });
  expect(answerDecision("no-ui", strict.unanswered)).toMatchObject({ verdict: "block", reason: expect.stringContaining("the policy default (block) applies") });
  expect(answerDecision("timeout", strict.unanswered).verdict).toBe("block");
  expect(answerDecision("timeout", learningPolicy(policy("name: t\ndefault: alert\n")).unanswered).verdict).toBe("alert");
  const observe = learningPolicy({ ...policy("name: t\ndefault: allow\n"), observeOnly: true });
  expect(answerDecision("no-ui", observe.unanswered).verdict).toBe("alert");
  expect(answerDecision("allow-once", "block").verdict).toBe("allow");

  const events: TrustRunEvent[] = [];
  const session = createCaptureSession({
    id: "s", policy: strict, probes: [], emit: (e) => events.push(e), joinDelayMs: 1, prompt: async () => "timeout",
    enforcer: { canBlock: false, canKill: false, notes: [], block: () => null, blockStatic: () => false, unblock: () => true, inScope: () => null, killTree: () => null, hold: () => true, stop: () => {} },
  });
  session.sink.connect({ ts: Date.now(), pid: process.pid, proto: "tcp", dst: { ip: "10.0.0.3", port: 443 }, probe: "ebpf" });
  for (let i = 0; i < 100 && !events.some((e) => e.type === "connection"); i++) await Bun.sleep(5);
  expect(events.find((e) => e.type === "decision")).toMatchObject({ answer: "timeout", by: "default" });
  expect(events.find((e) => e.type === "connection")).toMatchObject({ verdict: "block" });
});

test("under the jail, a direct connection the policy blocks is said to be refused by the jail, not by a firewall rule", async () => {
  const { createEnforcer } = await import("./enforce/index.ts");
  const enforcer = createEnforcer({ sessionId: "jail0000test", mode: "run", cgroup: null, jailed: true, firewallCheck: () => ({ ok: false, reason: "unused" }) });
  const events: TrustRunEvent[] = [];
  const session = createCaptureSession({ id: "s", policy: policy("name: t\ndefault: block\n"), probes: [], enforcer, emit: (e) => events.push(e), joinDelayMs: 1 });
  await session.start({ mode: "run", rootPid: process.pid, initialPids: [] });
  session.sink.connect({ ts: Date.now(), pid: process.pid, proto: "tcp", dst: { ip: "10.77.0.10", port: 80 }, probe: "ebpf" });
  for (let i = 0; i < 100 && !events.some((e) => e.type === "connection"); i++) await Bun.sleep(5);
  const ev = events.find((e): e is ConnectionEvent => e.type === "connection")!;
  expect(ev.verdict).toBe("block");
  expect(ev.enforced).toBe("refused by the jail: the program's network has no way out except through the proxy");
});

test("a request the sentinel saw that a method/path rule denies is an alert that says it was not blocked", async () => {
  const events: TrustRunEvent[] = [];
  const session = createCaptureSession({
    id: "s", policy: policy("name: t\ndefault: allow\ndeny:\n  - host: allowed.example.com\n    methods: [POST]\n    paths: [/v1/upload]\n    action: block\n"),
    probes: [], emit: (e) => events.push(e), joinDelayMs: 1,
    enforcer: { canBlock: true, canKill: false, notes: [], block: () => null, blockStatic: () => false, unblock: () => true, inScope: () => null, killTree: () => null, hold: () => true, stop: () => {} },
  });
  session.request({ pid: 7, host: "allowed.example.com", port: 443, method: "GET", path: "/v1/upload/abc", package: "pkg-a", ts: 1 });
  expect(events).toHaveLength(0); // GET is not denied
  session.request({ pid: 7, host: "allowed.example.com", port: 443, method: "POST", path: "/v1/upload/abc", package: "pkg-a", ts: 2 });
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({ type: "alert", rule: "deny[0]", severity: "high", host: "allowed.example.com" });
  expect((events[0] as { message: string }).message).toContain("not blocked");
  expect((events[0] as { message: string }).message).toContain("package pkg-a");
  expect(session.counts().violations).toBe(1);
});

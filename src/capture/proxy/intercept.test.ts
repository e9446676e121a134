import { expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionEvent, TrustRunEvent } from "../../core/types.ts";
import { loadPolicyText } from "../../policy/load.ts";
import { createCaptureSession } from "../session.ts";
import type { Enforcer } from "../enforce/index.ts";
import { learnedOverride, passthroughMatcher, toObserved } from "./intercept.ts";
import { proxyEnv, NO_PROXY_LIST } from "./env.ts";
import { jailPlan, jailUnavailable } from "./jail.ts";
import type { ProxyRecord } from "./proxy.ts";

test("passthrough patterns match like policy host rules", () => {
  const m = passthroughMatcher(["*.pinned.example", "bank.example.com"]);
  expect(m("api.pinned.example")).toBe(true);
  expect(m("BANK.example.com.")).toBe(true);
  expect(m("pinned.example.evil")).toBe(false);
  expect(m("notbank.example.com")).toBe(false);
});

test("proxy environment: every proxy variable, loopback-only NO_PROXY, CA variables", () => {
  const env = proxyEnv({ PATH: "/bin", NO_PROXY: "api.openai.com", UNSET: undefined }, "http://127.0.0.1:9", "/tmp/b.pem");
  for (const k of ["HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "https_proxy"]) expect(env[k]).toBe("http://127.0.0.1:9");
  expect(env.NO_PROXY).toBe(NO_PROXY_LIST);
  expect(env.NODE_USE_ENV_PROXY).toBe("1");
  for (const k of ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO"]) expect(env[k]).toBe("/tmp/b.pem");
  expect("UNSET" in env).toBe(false);
  expect(proxyEnv({}, "http://x:1", null).SSL_CERT_FILE).toBeUndefined();
});

test("jail wraps the argv in unshare and keeps the target argv intact", () => {
  const root = jailPlan({ isRoot: true, relayArgv: ["/bin/trustrun", "jail", "relay"], readyFile: "/tmp/r" }).wrap(["cmd", "a b", "c"]);
  expect(root.slice(0, 3)).toEqual(["unshare", "-n", "--"]);
  expect(root.slice(-3)).toEqual(["cmd", "a b", "c"]);
  const user = jailPlan({ isRoot: false, relayArgv: ["x"], readyFile: "/tmp/r" }).wrap(["cmd"]);
  expect(user.slice(0, 4)).toEqual(["unshare", "-r", "-n", "--"]);
  expect(() => jailPlan({ isRoot: false, relayArgv: ["a\tb"], readyFile: "/tmp/r" })).toThrow();
  const why = jailUnavailable(process.getuid?.() === 0);
  if (why) console.log(`jail unavailable here: ${why}`);
  else expect(why).toBeNull();
});

test("a proxied request reaches the session with its HTTP facts; the policy judges method and path", async () => {
  const loaded = loadPolicyText(`name: t\ndefault: alert\nallow:\n  - host: api.example.com\ndeny:\n  - host: api.example.com\n    methods: [POST]\n    paths: [/v1/files]\n    action: block\n`, "p.yaml", { cwd: "/nonexistent" });
  if (!loaded.ok) throw new Error("policy");
  const events: TrustRunEvent[] = [];
  const blocked: string[] = [];
  const enforcer: Enforcer = {
    canBlock: true, canKill: false, notes: [],
    block: (ip) => (blocked.push(ip), "firewall"), blockStatic: () => false, unblock: () => true, inScope: () => null, killTree: () => null, hold: () => true, stop: () => {},
  };
  const session = createCaptureSession({ id: "s", policy: loaded.policy, probes: [], enforcer, emit: (e) => events.push(e), joinDelayMs: 1 });
  session.exempt({ ip: "127.0.0.1", port: 3128 });
  const rec = (path: string, method: string, refused: boolean): ProxyRecord => ({
    ts: Date.now(), pid: null, host: "api.example.com", ip: "10.0.0.1", port: 443, mode: "intercept",
    http: { method, path, status: refused ? 403 : 200, headers: { authorization: "[REDACTED]" } },
    decision: { verdict: refused ? "block" : "allow", rule: null, reason: "" }, refused,
  });
  session.observe(toObserved(rec("/v1/chat", "POST", false), 4242));
  session.observe(toObserved(rec("/v1/files/x", "POST", true), 4242), { enforcedBy: "refused by the TrustRun proxy (403)" });
  session.sink.connect({ ts: Date.now(), pid: 4242, proto: "tcp", dst: { ip: "127.0.0.1", port: 3128 }, probe: "ebpf" }); // the proxy itself
  await session.stop();
  const conns = events.filter((e): e is ConnectionEvent => e.type === "connection");
  expect(conns).toHaveLength(2);
  expect(conns[0]).toMatchObject({ pid: 4242, host: "api.example.com", hostSource: "proxy", probe: "proxy", verdict: "allow", http: { path: "/v1/chat" } });
  expect(conns[1]).toMatchObject({ verdict: "block", rule: "deny[0]", enforced: "refused by the TrustRun proxy (403)" });
  expect(blocked).toEqual([]); // the proxy enforced it; no firewall rule for the whole IP
});

test("the session judges a proxied request's tenant facts as the proxy did", async () => {
  const loaded = loadPolicyText(`name: t\ndefault: block\nallow:\n  - host: bedrock-runtime.*.amazonaws.com\n    tenant: { awsAccount: "123456789012" }\n`, "p.yaml", { cwd: "/nonexistent" });
  if (!loaded.ok) throw new Error("policy");
  const events: TrustRunEvent[] = [];
  const enforcer: Enforcer = { canBlock: true, canKill: false, notes: [], block: () => "firewall", blockStatic: () => false, unblock: () => true, inScope: () => null, killTree: () => null, hold: () => true, stop: () => {} };
  const session = createCaptureSession({ id: "s", policy: loaded.policy, probes: [], enforcer, emit: (e) => events.push(e), joinDelayMs: 1 });
  const rec = (awsAccount: string): ProxyRecord => ({
    ts: Date.now(), pid: 7, host: "bedrock-runtime.us-east-1.amazonaws.com", ip: "10.0.0.2", port: 443, mode: "intercept",
    http: { method: "POST", path: "/model/m/invoke", tenant: { awsAccount } }, decision: { verdict: "allow", rule: null, reason: "" }, refused: false,
  });
  session.observe(toObserved(rec("123456789012"), 7));
  session.observe(toObserved(rec("999999999999"), 7));
  await session.stop();
  const conns = events.filter((e): e is ConnectionEvent => e.type === "connection");
  expect(conns.map((c) => [c.http?.tenant?.awsAccount, c.verdict, c.rule])).toEqual([
    ["123456789012", "allow", "allow[0]"],
    ["999999999999", "block", null],
  ]);
});

test("a deny-always answer in learning mode makes the proxy refuse that destination from then on", async () => {
  const loaded = loadPolicyText(`name: t\ndefault: prompt\n`, "p.yaml", { cwd: "/nonexistent" });
  if (!loaded.ok) throw new Error("policy");
  const enforcer: Enforcer = { canBlock: false, canKill: false, notes: [], block: () => null, blockStatic: () => false, unblock: () => true, inScope: () => null, killTree: () => null, hold: () => true, stop: () => {} };
  const asked: string[] = [];
  const session = createCaptureSession({
    id: "s", policy: loaded.policy, probes: [], enforcer, emit: () => {}, joinDelayMs: 1,
    prompt: async (req) => (asked.push(req.host ?? ""), "deny-always"),
  });
  const override = learnedOverride(() => session);
  expect(override("api.example.com", "10.0.0.1", 443)).toBeNull();
  const rec: ProxyRecord = {
    ts: Date.now(), pid: 1, host: "api.example.com", ip: "10.0.0.1", port: 443, mode: "intercept",
    http: { method: "GET", path: "/" }, decision: { verdict: "prompt", rule: null, reason: "" }, refused: false,
  };
  session.observe(toObserved(rec, 1));
  await session.stop();
  expect(asked).toEqual(["api.example.com"]);
  expect(override("api.example.com", "10.0.0.1", 443)).toMatchObject({ verdict: "block", rule: "learned (this session)" });
  expect(override("other.example.com", "10.0.0.1", 443)).toBeNull();
});

test("learning mode through the proxy: decide() asks once per destination, holds the tree, and the recorded request is not asked again", async () => {
  const loaded = loadPolicyText(`name: t\ndefault: prompt\n`, "p.yaml", { cwd: "/nonexistent" });
  if (!loaded.ok) throw new Error("policy");
  const holds: boolean[] = [];
  const enforcer: Enforcer = { canBlock: false, canKill: false, notes: [], block: () => null, blockStatic: () => false, unblock: () => true, inScope: () => null, killTree: () => null, hold: (_pid, on) => (holds.push(on), true), stop: () => {} };
  const asked: string[] = [];
  let answer: (a: "allow-once" | "deny-once") => void = () => {};
  const events: TrustRunEvent[] = [];
  const session = createCaptureSession({
    id: "s", policy: loaded.policy, probes: [], enforcer, emit: (e) => events.push(e), joinDelayMs: 1,
    prompt: (req) => (asked.push(req.host ?? ""), new Promise((resolve) => (answer = resolve))),
  });
  await session.start({ mode: "run", rootPid: 999999, initialPids: [] });
  // Two requests to one destination while the question is open: one question, the tree held once.
  const first = session.decide({ pid: null, host: "api.example.com", ip: "10.0.0.1", port: 443 });
  const second = session.decide({ pid: null, host: "api.example.com", ip: "10.0.0.1", port: 443 });
  await Bun.sleep(20);
  expect(asked).toEqual(["api.example.com"]);
  expect(holds).toEqual([true]);
  answer("deny-once");
  const [d1, d2] = await Promise.all([first, second]);
  expect(d1).toMatchObject({ verdict: "block", reason: "learning: answered deny-once" });
  expect(d2.verdict).toBe("block");
  expect(holds).toEqual([true, false]); // released once, after the last open question
  const rec: ProxyRecord = {
    ts: Date.now(), pid: 1, host: "api.example.com", ip: "10.0.0.1", port: 443, mode: "intercept",
    http: { method: "GET", path: "/", status: 403 }, decision: d1, refused: true, asked: true,
  };
  session.observe(toObserved(rec, 1), { enforcedBy: "refused by the TrustRun proxy (403)", decided: d1 });
  await session.stop();
  expect(asked).toHaveLength(1); // the record carried the answer
  const conns = events.filter((e): e is ConnectionEvent => e.type === "connection");
  expect(conns).toHaveLength(1);
  expect(conns[0]).toMatchObject({ verdict: "block", reason: "learning: answered deny-once", enforced: "refused by the TrustRun proxy (403)" });
  expect(events.filter((e) => e.type === "decision")).toHaveLength(1);
});

test("where user namespaces are disabled, --jail says so and how to enable them", () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-fake-unshare-"));
  writeFileSync(join(dir, "unshare"), "#!/bin/sh\necho 'unshare: unshare failed: Operation not permitted' >&2\nexit 1\n", { mode: 0o755 });
  writeFileSync(join(dir, "ip"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  const path = `${dir}:${process.env.PATH}`;
  const why = jailUnavailable(false, path)!;
  expect(why).toContain("unprivileged user namespaces are disabled");
  expect(why).toContain("Operation not permitted");
  expect(why).toContain("kernel.unprivileged_userns_clone=1");
  expect(jailUnavailable(true, path)).toContain("cannot create a network namespace");
  expect(jailUnavailable(false, "/nonexistent")).toContain("needs unshare");
});

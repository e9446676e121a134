import { expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CliError } from "../command.ts";
import { loadPolicy, loadPolicyText } from "../../policy/load.ts";
import { openStore } from "../../store/index.ts";
import { evaluate } from "../../policy/evaluate.ts";
import { observeOnlyPolicy } from "../../policy/default-policy.ts";
import { learnedFile, learningPolicy, proposalFor, writeAtomically, writeLearnedEntries } from "./policy-learn.ts";
import { main } from "../main.ts";

const dir = () => mkdtempSync(join(tmpdir(), "trustrun-learnfile-"));

test("learned entries join the file with their comments, keep what was there, and still load", () => {
  const file = join(dir(), "p.yaml");
  writeFileSync(file, "# ours\nname: p\ndefault: block\nallow:\n  - host: pypi.org # index\n");
  const n = writeLearnedEntries(file, [
    { host: "api.openai.com", port: 443, proto: "tcp", kind: "allow", comment: "learned 2026-01-01T00:00:00Z from python3 (pid 7)" },
    { ip: "192.0.2.9", port: 25, proto: "tcp", kind: "deny", comment: "learned 2026-01-01T00:00:01Z from sh (pid 8)" },
  ]);
  expect(n).toBe(2);
  const text = readFileSync(file, "utf8");
  expect(text).toContain("# ours");
  expect(text).toContain("pypi.org # index");
  expect(text).toContain("# learned 2026-01-01T00:00:00Z from python3 (pid 7)");
  const r = loadPolicy({ files: [file], presets: [] });
  expect(r.ok).toBe(true);
  if (!r.ok) return;
  expect(evaluate({ host: "api.openai.com", ip: "10.0.0.1", port: 443, proto: "tcp" }, r.policy).verdict).toBe("allow");
  expect(evaluate({ host: null, ip: "192.0.2.9", port: 25, proto: "tcp" }, r.policy).verdict).toBe("block");
  expect(evaluate({ host: "api.openai.com", ip: "10.0.0.1", port: 80, proto: "tcp" }, r.policy).verdict).toBe("block");
});

test("a missing file is created; an invalid one is refused and left as it was", () => {
  const d = dir();
  const fresh = join(d, "new.yaml");
  expect(writeLearnedEntries(fresh, [{ host: "a.example", port: 443, kind: "allow", comment: "c" }])).toBe(1);
  expect(loadPolicy({ files: [fresh], presets: [] }).ok).toBe(true);
  const bad = join(d, "bad.yaml");
  writeFileSync(bad, "default: maybe\n");
  expect(() => writeLearnedEntries(bad, [{ host: "a.example", kind: "allow", comment: "c" }])).toThrow(CliError);
  expect(readFileSync(bad, "utf8")).toBe("default: maybe\n");
  expect(writeLearnedEntries(bad, [])).toBe(0);
});

test("learning asks about everything the policy does not cover, even from the observe-only default", () => {
  const p = learningPolicy(observeOnlyPolicy());
  expect(evaluate({ host: "x.example", ip: "10.0.0.1", port: 443, proto: "tcp" }, p).verdict).toBe("prompt");
  expect(learnedFile({ policy: ["a.yaml", "b.yaml"] }, undefined, "/w")).toBe("/w/a.yaml");
  expect(learnedFile({}, undefined, "/w")).toBe("/w/trustrun.yaml");
  expect(learnedFile({ policy: ["a.yaml"] }, "out.yaml", "/w")).toBe("/w/out.yaml");
});

test("a proposal keeps the protocol of a destination reached over one protocol only", () => {
  const store = openStore(join(dir(), "t.db"));
  const base = {
    type: "connection" as const, session: "s1", pid: 42, ppid: 1, exe: "/usr/bin/python3", argv: ["python3"],
    probe: "ebpf" as const, verdict: "alert" as const, rule: null, reason: "r",
  };
  store.startSession({
    type: "session", phase: "start", session: "s1", ts: 1, target: { mode: "run", pid: 42, argv: ["python3"] },
    policy: "p", probes: [{ name: "ebpf", complete: true }], complete: true,
  });
  store.appendEvents([
    { ...base, ts: 2, proto: "udp", dst: { ip: "10.77.0.2", port: 53 }, host: null, hostSource: null },
    { ...base, ts: 3, proto: "tcp", dst: { ip: "10.77.0.9", port: 80 }, host: "good.example", hostSource: "dns" },
    { ...base, ts: 4, proto: "udp", dst: { ip: "10.77.0.9", port: 443 }, host: "good.example", hostSource: "dns" },
    { ...base, ts: 5, proto: "tcp", dst: { ip: "10.77.0.9", port: 443 }, host: "good.example", hostSource: "dns" },
  ] as never);
  const { text } = proposalFor(store, "s1");
  store.close();
  const proposed = loadPolicyText(text, "p.yaml", { cwd: "/" });
  expect(proposed.ok).toBe(true);
  if (!proposed.ok) return;
  const verdict = (ip: string, port: number, proto: "tcp" | "udp", host: string | null = null) => evaluate({ host, ip, port, proto }, proposed.policy).verdict;
  expect(verdict("10.77.0.2", 53, "udp")).toBe("allow");
  expect(verdict("10.77.0.2", 53, "tcp")).not.toBe("allow");
  expect(verdict("10.77.0.9", 80, "tcp", "good.example")).toBe("allow");
  expect(verdict("10.77.0.9", 80, "udp", "good.example")).not.toBe("allow");
  // Both protocols seen on 443: either is allowed.
  expect(verdict("10.77.0.9", 443, "udp", "good.example")).toBe("allow");
  expect(verdict("10.77.0.9", 443, "tcp", "good.example")).toBe("allow");
});

test("a proposal from a session pins only the resources that were allowed (the demo's other tenant raised an alert)", () => {
  const store = openStore(join(dir(), "t.db"));
  const base = {
    type: "connection" as const, session: "s2", pid: 42, ppid: 1, exe: "/usr/bin/python3", argv: ["python3"],
    probe: "ebpf" as const, rule: null, reason: "r", proto: "tcp" as const, hostSource: "dns" as const,
  };
  store.startSession({
    type: "session", phase: "start", session: "s2", ts: 1, target: { mode: "run", pid: 42, argv: ["python3"] },
    policy: "p", probes: [{ name: "ebpf", complete: true }], complete: true,
  });
  store.appendEvents([
    { ...base, ts: 2, dst: { ip: "10.77.0.2", port: 443 }, host: "contoso-east.openai.azure.com", verdict: "allow", rule: "preset:azure-openai/allow[0]" },
    { ...base, ts: 3, dst: { ip: "10.77.0.3", port: 443 }, host: "fabrikam.openai.azure.com", verdict: "alert" },
    { ...base, ts: 4, dst: { ip: "10.77.0.4", port: 443 }, host: "api.openai.com", verdict: "block", rule: "preset:public-ai-apis/deny[0]" },
  ] as never);
  const { text } = proposalFor(store, "s2");
  store.close();
  expect(text).toContain("resources: [contoso-east]");
  expect(text).not.toMatch(/resources: \[[^\]]*fabrikam/);
  expect(text).toContain("# fabrikam: raised an alert (another tenant?)");
  const proposed = loadPolicyText(text, "p.yaml", { cwd: "/" });
  if (!proposed.ok) throw new Error(JSON.stringify(proposed.errors));
  expect(evaluate({ host: "fabrikam.openai.azure.com", ip: null, port: 443, proto: "tcp" }, proposed.policy).verdict).toBe("alert");
  expect(evaluate({ host: "api.openai.com", ip: null, port: 443, proto: "tcp" }, proposed.policy).verdict).toBe("block");
});

test("writing over a directory or into a missing one fails cleanly and leaves no temporary file", () => {
  const d = dir();
  const target = join(d, "sub");
  mkdirSync(target);
  expect(() => writeAtomically(target, "x: 1\n")).toThrow();
  expect(readdirSync(d)).toEqual(["sub"]);
  expect(() => writeAtomically(join(d, "missing", "p.yaml"), "x: 1\n")).toThrow();
  expect(readdirSync(d)).toEqual(["sub"]);
});

test("policy learn -o DIR is a one-line error (exit 1), with no temporary file left", async () => {
  const d = dir();
  const db = join(d, "t.db");
  const store = openStore(db);
  store.startSession({
    type: "session", phase: "start", session: "abcdef012345", ts: 1, target: { mode: "run", pid: 42, argv: ["true"] },
    policy: "p", probes: [{ name: "ebpf", complete: true }], complete: true,
  });
  store.close();
  const out = join(d, "out");
  mkdirSync(out);
  let err = "";
  const code = await main(["policy", "learn", "abcdef012345", "-o", out, "--db", db], { stdout: () => {}, stderr: (t) => void (err += t) });
  expect(code).toBe(1);
  expect(err).toContain(`cannot write ${out}: it is a directory`);
  expect(readdirSync(d).some((f) => f.includes("trustrun-tmp"))).toBe(false);
});

import { afterEach, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Database } from "bun:sqlite";
import { openStore, type Store } from "./index.ts";
import { migrations } from "./migrations.ts";
import { createEventWriter } from "./writer.ts";
import type { ConnectionEvent, SessionEvent } from "../core/types.ts";

const dirs: string[] = [];
function tempDb(): string {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-store-"));
  dirs.push(dir);
  return join(dir, "t.db");
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function session(id: string, phase: "start" | "end" = "start"): SessionEvent {
  return {
    type: "session", phase, session: id, ts: 1000, target: { mode: "run", pid: 42, argv: ["curl", "x"] },
    policy: "test", probes: [{ name: "ebpf", complete: true }], complete: true,
    counts: { connections: 2, violations: 1, destinations: 2 }, exitCode: 0,
  };
}

function conn(sessionId: string, host: string | null, ip: string, verdict: ConnectionEvent["verdict"], ts = 2000): ConnectionEvent {
  return {
    type: "connection", ts, session: sessionId, pid: 42, ppid: 1, exe: "/usr/bin/curl", argv: ["curl"], proto: "tcp",
    dst: { ip, port: 443 }, host, hostSource: host ? "dns" : null, probe: "ebpf", verdict, rule: verdict === "allow" ? "allow[0]" : "deny[0]", reason: "r",
  };
}

test("migrations are applied once and are idempotent", () => {
  const path = tempDb();
  openStore(path).close();
  const store = openStore(path);
  expect(store.db.query<{ version: number }, []>("SELECT version FROM schema_version").get()!.version).toBe(migrations.length);
  expect(store.db.query<{ journal_mode: string }, []>("PRAGMA journal_mode").get()!.journal_mode).toBe("wal");
  store.close();
});

test("scan findings keep their context; findings stored before the column come back without one", () => {
  const path = tempDb();
  // A store at schema version 1 (before the context column) with a scan in it.
  const old = new Database(path);
  old.exec("CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version (version) VALUES (1);");
  old.exec(migrations[0]);
  old.exec("INSERT INTO scans (root, started_at, ms, files, bytes, findings, violations, policy, report) VALUES ('/old', 1, 1, 1, 1, 1, 1, NULL, '{\"version\":1,\"root\":\"/old\",\"stats\":{\"files\":1,\"bytes\":1,\"ms\":1},\"findings\":[]}')");
  old.exec("INSERT INTO findings (scan, kind, value, host, file, line, col, language, analyzer, rule, verdict) VALUES (1, 'url', 'https://a.acme.io', 'a.acme.io', 'a.py', 1, 1, 'python', 'regex', 'url/https', 'violation')");
  old.close();
  const store = openStore(path);
  try {
    expect(store.scanFindings(1)[0]).not.toHaveProperty("context");
    const f = (line: number, context: "code" | "comment" | "docs") => ({
      kind: "url" as const, value: "https://b.acme.io", host: "b.acme.io", file: "b.py", line, column: 1, language: "python",
      analyzer: "regex", rule: "url/https", verdict: "violation" as const, context,
    });
    const id = store.saveScan({ version: 1, root: "/new", stats: { files: 1, bytes: 1, ms: 1 }, findings: [f(1, "code"), f(2, "comment"), f(3, "docs")] });
    expect(store.scanFindings(id).map((x) => x.context)).toEqual(["code", "comment", "docs"]);
  } finally {
    store.close();
  }
});

test("sessions round-trip and resolve by unique prefix", () => {
  const store = openStore(tempDb());
  store.startSession(session("abcd1234"));
  store.startSession(session("abce9999"));
  store.endSession(session("abcd1234", "end"));
  expect(store.getSession("abcd1234")!.connections).toBe(2);
  expect(store.getSession("abcd")!.id).toBe("abcd1234");
  expect(store.getSession("abc")).toBeNull(); // too short
  expect(store.getSession("zzzz")).toBeNull();
  expect(store.openSessions().map((s) => s.id)).toEqual(["abce9999"]);
  expect(store.listSessions({ search: "curl" }).total).toBe(2);
  store.close();
});

test("session ids and searches are literal: '%', '_' and '\\' are not wildcards", () => {
  const store = openStore(tempDb());
  store.startSession(session("abcd1234"));
  store.startSession(session("a_b%c\\d9"));
  for (const pattern of ["____", "%%%%", "abc_", "ab%", "____1234", "%"]) expect([pattern, store.getSession(pattern)]).toEqual([pattern, null]);
  expect(store.getSession("ABCD")!.id).toBe("abcd1234"); // hex in either case
  expect(store.getSession("a_b%c\\d9")!.id).toBe("a_b%c\\d9"); // an exact id is always found
  expect(store.listSessions({ search: "_" }).rows.map((s) => s.id)).toEqual(["a_b%c\\d9"]);
  expect(store.listSessions({ search: "%" }).total).toBe(1);
  expect(store.listSessions({ search: "\\" }).total).toBe(1);
  expect(store.listSessions({ search: "b%c" }).total).toBe(1);
  expect(store.listSessions({ search: "a%d" }).total).toBe(0);
  store.appendEvents([conn("abcd1234", "api.openai.com", "10.0.0.1", "allow")]);
  expect(store.listEvents({ search: "api_openai" })).toHaveLength(0);
  expect(store.listEvents({ search: "api.openai" })).toHaveLength(1);
  expect(store.listEvents({ search: "%" })).toHaveLength(0);
  store.close();
});

test("events, destinations and search", () => {
  const store = openStore(tempDb());
  store.startSession(session("s1"));
  store.appendEvents([
    conn("s1", "api.openai.com", "10.0.0.1", "block"),
    conn("s1", "api.openai.com", "10.0.0.1", "allow", 3000),
    conn("s1", null, "192.0.2.7", "alert"),
  ]);
  expect(store.countEvents("s1")).toBe(3);
  const dests = store.destinations("s1");
  expect(dests).toHaveLength(2);
  expect(dests[0]).toMatchObject({ host: "api.openai.com", count: 2, verdict: "block", firstSeen: 2000, lastSeen: 3000 });
  expect(store.listEvents({ session: "s1", verdict: "alert" })).toHaveLength(1);
  expect(store.listSessions({ search: "openai" }).total).toBe(1);
  const tail = store.listEvents({ afterId: 1 });
  expect(tail.map((e) => e.id)).toEqual([2, 3]);
  expect(store.lastEventId()).toBe(3);
  store.close();
});

test("alerts can be acknowledged once", () => {
  const store = openStore(tempDb());
  store.appendAlerts([{ type: "alert", ts: 1, session: "s", severity: "high", pid: 1, dst: { ip: "1.2.3.4", port: 443 }, host: "x", rule: "deny[0]", message: "m", suggestion: "s" }]);
  const [a] = store.listAlerts();
  expect(store.ackAlert(a.id)).toBe(true);
  expect(store.ackAlert(a.id)).toBe(false);
  expect(store.listAlerts({ unackedOnly: true })).toHaveLength(0);
  store.close();
});

test("policies and scans", () => {
  const store = openStore(tempDb());
  store.savePolicy("p", "default: alert\n");
  store.savePolicy("p", "default: block\n");
  expect(store.listPolicies()).toHaveLength(1);
  expect(store.getPolicy("p")!.yaml).toContain("block");
  const id = store.saveScan({
    version: "1", root: "/src", stats: { files: 2, bytes: 10, ms: 5 },
    findings: [{ kind: "url", value: "https://api.openai.com", host: "api.openai.com", file: "a.py", line: 1, column: 2, language: "python", analyzer: "regex", rule: "url", verdict: "violation" }],
  });
  const scan = store.getScan(id)!;
  expect(scan.violations).toBe(1);
  expect(scan.report.findings[0].host).toBe("api.openai.com");
  store.close();
});

test("a scan's findings come back field for field, however many (blocks of rows and the rest)", () => {
  const store = openStore(tempDb());
  for (const n of [0, 1, 49, 50, 51, 123]) {
    const findings = Array.from({ length: n }, (_, i) => ({
      kind: i % 3 === 0 ? "secret" : "url", value: `v${i}`, host: i % 3 === 0 ? null : `h${i}.example`, file: `f${i % 7}.py`,
      line: i + 1, column: (i % 5) + 1, language: "python", analyzer: "regex", rule: `r${i % 4}`,
      verdict: (["allowed", "violation", "unknown"] as const)[i % 3], ...(i % 2 ? { fingerprint: `fp${i}` } : {}),
    }));
    const id = store.saveScan({ version: "1", root: "/src", stats: { files: 1, bytes: 1, ms: 1 }, findings: findings as never });
    const back = store.scanFindings(id).sort((a, b) => a.line - b.line);
    expect(back).toEqual(findings.map((f) => ({ ...f, fingerprint: f.fingerprint })) as never);
    expect(store.getScan(id)!.findings).toBe(n);
  }
  store.close();
});

test("the writer commits a batch before it shows it", async () => {
  const store = openStore(tempDb());
  const shown: number[] = [];
  const writer = createEventWriter(store, {
    flushMs: 5,
    onWritten: (batch) => shown.push(store.countEvents("s1") >= batch.length ? batch.length : -1),
  });
  writer.write(conn("s1", "a", "127.0.0.1", "allow"));
  writer.write(conn("s1", "b", "127.0.0.1", "allow"));
  await Bun.sleep(30);
  expect(shown).toEqual([2]);
  store.close();
});

test("a writer killed with SIGKILL leaves a readable database", async () => {
  const path = tempDb();
  const script = `
    import { openStore } from ${JSON.stringify(join(import.meta.dir, "index.ts"))};
    import { createEventWriter } from ${JSON.stringify(join(import.meta.dir, "writer.ts"))};
    const store = openStore(${JSON.stringify(path)});
    const w = createEventWriter(store, { flushMs: 10 });
    let i = 0;
    setInterval(() => { for (let k = 0; k < 50; k++) w.write({ type: "dns", ts: Date.now(), session: "k", pid: 1, name: "n" + i++, answers: [], probe: "ebpf" }); }, 1);
    console.log("ready");
  `;
  const proc = Bun.spawn([process.execPath, "-e", script], { stdout: "pipe" });
  const reader = proc.stdout.getReader();
  await reader.read();
  await Bun.sleep(300);
  proc.kill("SIGKILL");
  await proc.exited;
  const db = new Database(path);
  expect(db.query<{ integrity_check: string }, []>("PRAGMA integrity_check").get()!.integrity_check).toBe("ok");
  const n = db.query<{ n: number }, []>("SELECT count(*) AS n FROM events").get()!.n;
  expect(n).toBeGreaterThan(100);
  db.close();
});

test("a new database file is created owner-only (it can hold headers and bodies), even in an open directory", () => {
  const path = tempDb();
  chmodSync(join(path, ".."), 0o755);
  const store = openStore(path);
  store.close();
  expect(statSync(path).mode & 0o777).toBe(0o600);
  // An existing file keeps the mode its owner chose.
  const other = join(path, "..", "kept.db");
  writeFileSync(other, "");
  chmodSync(other, 0o640);
  openStore(other).close();
  expect(statSync(other).mode & 0o777).toBe(0o640);
});

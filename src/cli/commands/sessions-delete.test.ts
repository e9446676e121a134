import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { main } from "../main.ts";
import { openStore } from "../../store/index.ts";
import type { ConnectionEvent, SessionEvent } from "../../core/types.ts";
import { parseAge } from "./sessions-delete.ts";

const home = mkdtempSync(join(tmpdir(), "trustrun-sessions-delete-"));
const savedHome = process.env.TRUSTRUN_HOME;
process.env.TRUSTRUN_HOME = home;
afterAll(() => {
  if (savedHome === undefined) delete process.env.TRUSTRUN_HOME;
  else process.env.TRUSTRUN_HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

async function run(...argv: string[]) {
  let out = "";
  let err = "";
  const code = await main(argv, { stdout: (t) => void (out += t), stderr: (t) => void (err += t) });
  return { code, out, err };
}

const DAY = 86_400_000;
const MARKER = "PATIENT-JANE-ROE-MRN-4471";
function seed(db: string) {
  const store = openStore(db);
  const start = (id: string, ts: number): SessionEvent => ({
    type: "session", phase: "start", session: id, ts, target: { mode: "run", pid: 1, argv: ["python3", `${id}.py`] }, policy: "p", probes: [{ name: "ebpf", complete: true }], complete: true,
  });
  const conn = (session: string, ts: number): ConnectionEvent => ({
    type: "connection", ts, session, pid: 1, ppid: null, exe: null, argv: null, proto: "tcp", dst: { ip: "203.0.113.7", port: 443 },
    host: "api.example.com", hostSource: "proxy", probe: "proxy", verdict: "alert", rule: null, reason: "r",
    http: { method: "POST", path: "/v1/notes", body: { request: `{"note":"${MARKER}"}` } },
  });
  for (const [id, age, ended] of [["old00000aaaa", 40 * DAY, true], ["new00000bbbb", 1 * DAY, true], ["open0000cccc", 50 * DAY, false]] as const) {
    const ts = Date.now() - age;
    store.startSession(start(id, ts));
    store.appendEvents(Array.from({ length: 200 }, (_, i) => conn(id, ts + i)));
    if (ended) store.endSession({ ...start(id, ts), phase: "end", ts: ts + 1000, exitCode: 0, counts: { connections: 200, violations: 200, destinations: 1 } });
    mkdirSync(join(home, "output"), { recursive: true });
    writeFileSync(join(home, "output", `${id}.log`), `output of ${id}\n`);
  }
  store.close();
}

test("ages", () => {
  expect(parseAge("30d")).toBe(30 * DAY);
  expect(parseAge("90m")).toBe(90 * 60_000);
  expect(parseAge("2w")).toBe(14 * DAY);
  for (const bad of ["", "30", "d", "-1d", "1y", "1.5d"]) expect(parseAge(bad)).toBeNull();
});

test("--older-than lists first; --yes deletes the ended ones; rows and bodies are gone from the file, output files too", async () => {
  const db = join(home, "a.db");
  seed(db);
  const dry = await run("sessions", "delete", "--older-than", "30d", "--db", db);
  expect(dry.code).toBe(0);
  expect(dry.out).toContain("old00000aaaa");
  expect(dry.out).not.toContain("new00000bbbb");
  expect(dry.out).not.toContain("open0000cccc"); // no end: kept without --force
  expect(dry.out).toContain("1 session would be deleted; add --yes");
  expect(openStore(db).getSession("old00000aaaa")).not.toBeNull();

  const r = await run("sessions", "delete", "--older-than", "30d", "--yes", "--db", db, "--json");
  expect(r.code).toBe(0);
  expect(JSON.parse(r.out)).toMatchObject({ deleted: ["old00000aaaa"], events: 200, outputFiles: 1, walTruncated: true });
  const store = openStore(db);
  expect(store.getSession("old00000aaaa")).toBeNull();
  expect(store.getSession("new00000bbbb")).not.toBeNull();
  store.close();
  expect(existsSync(join(home, "output", "old00000aaaa.log"))).toBe(false);
  expect(existsSync(join(home, "output", "new00000bbbb.log"))).toBe(true);

  // `show` names the output file while it exists.
  expect((await run("show", "new00000bbbb", "--db", db, "--events", "0")).out).toContain(`the command's output: ${join(home, "output", "new00000bbbb.log")}`);
  // Named sessions; the one without an end needs --force.
  expect((await run("sessions", "delete", "open0000cccc", "--db", db)).code).toBe(1);
  const all = await run("sessions", "delete", "new00000bbbb", "open0000cccc", "--force", "--db", db);
  expect(all.code).toBe(0);
  expect(all.out).toContain("deleted 2 sessions (400 events");
  // Nothing of the bodies stays readable in the database files.
  for (const f of readdirSync(home).filter((n) => n.startsWith("a.db"))) expect(readFileSync(join(home, f)).includes(MARKER)).toBe(false);
});

test("an unknown session stops everything and deletes nothing; bad input is a usage error", async () => {
  const db = join(home, "b.db");
  seed(db);
  const r = await run("sessions", "delete", "new00000bbbb", "nope00000000", "--db", db);
  expect(r.code).toBe(1);
  expect(r.err).toContain("no session 'nope00000000'");
  expect(openStore(db).getSession("new00000bbbb")).not.toBeNull();
  expect((await run("sessions", "delete", "--db", db)).code).toBe(2);
  expect((await run("sessions", "delete", "--older-than", "soon", "--db", db)).code).toBe(2);
  expect((await run("sessions", "delete", "x", "--older-than", "1d", "--db", db)).code).toBe(2);
});

test("a pattern is not a session: '%%%%' and '____' delete nothing", async () => {
  const db = join(home, "c.db");
  seed(db);
  for (const pattern of ["%%%%", "____", "new%", "ne_0"]) {
    const r = await run("sessions", "delete", pattern, "--db", db);
    expect([pattern, r.code]).toEqual([pattern, 1]);
    expect(r.err).toContain(`no session '${pattern}'`);
  }
  const store = openStore(db);
  expect(store.listSessions({}).total).toBe(3);
  store.close();
  expect((await run("show", "____", "--db", db)).code).toBe(1);
  expect((await run("sessions", "--search", "_", "--db", db)).out).toContain("no sessions");
});

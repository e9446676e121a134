import { describe, expect, test } from "bun:test";
import { conn, alert, promptReq, sessionStart } from "./fixtures.test-helper.ts";
import { cleanOutputLine, cleanOutputLines, createLiveModel } from "./live-model.ts";
import { createRateCounter } from "./rate.ts";
import { sparkline } from "./sparkline.ts";
import { filterRows, matchesFilter, nextVerdictFilter } from "./filter.ts";
import { listWindow, moveSelection } from "./window.ts";
import { enqueuePrompt, takeExpired, takeHead, secondsLeft } from "./prompts.ts";
import { initialUi, uiReducer } from "./ui.ts";
import { keyToCommand } from "./keys.ts";
import { learnedEntries, learnedSummary } from "./learned.ts";
import { cell, elapsed } from "./format.ts";
import { screenLayout } from "./layout.ts";

describe("live model", () => {
  test("counts connections, violations, destinations and keeps the newest rows", () => {
    const m = createLiveModel({ maxRows: 10 });
    m.push([sessionStart()]);
    const evs = Array.from({ length: 30 }, (_, i) =>
      conn({ ts: 1_700_000_000_000 + i * 100, verdict: i % 3 === 0 ? "block" : "allow", host: i % 2 ? "a.example" : "b.example" }));
    m.push(evs);
    const s = m.snapshot(1_700_000_003_000);
    expect(s.connections).toBe(30);
    expect(s.violations).toBe(10);
    expect(s.rows).toHaveLength(10);
    expect(s.rows.at(-1)!.ev).toBe(evs[29]);
    expect(s.destinations.map((d) => d.host).sort()).toEqual(["a.example", "b.example"]);
    const total = s.destinations.reduce((n, d) => n + d.count, 0);
    expect(total).toBe(30);
    expect(s.destinations[0].verdict).toBe("block");
    expect(s.session?.policy).toBe("team-policy");
  });

  test("version moves only on events it shows", () => {
    const m = createLiveModel();
    const v0 = m.version();
    m.push([{ type: "dns", ts: 1, session: "s", pid: 1, name: "x", answers: [], probe: "pcap" }]);
    expect(m.version()).toBe(v0);
    m.push([alert()]);
    expect(m.version()).toBe(v0 + 1);
    expect(m.snapshot().alerts).toHaveLength(1);
  });

  test("destination stats track first/last seen, processes and the worst verdict", () => {
    const m = createLiveModel();
    m.push([
      conn({ ts: 5000, exe: "/usr/bin/curl", pid: 7 }),
      conn({ ts: 1000, verdict: "alert", rule: "default", pid: 8 }),
      conn({ ts: 3000, exe: "/usr/bin/curl", pid: 7 }),
    ]);
    const [d] = m.snapshot(6000).destinations;
    expect(d).toMatchObject({ count: 3, violations: 1, firstSeen: 1000, lastSeen: 5000, verdict: "alert", rule: "default" });
    expect(d.processes.sort()).toEqual(["curl", "python3"]);
    expect(d.pids.sort()).toEqual([7, 8]);
  });
});

describe("the command's output", () => {
  test("lines are joined across chunks, cleaned for the screen, secrets masked, and capped", () => {
    const m = createLiveModel({ maxOutputLines: 4 });
    m.appendOutput("first li");
    expect(m.snapshot().output).toEqual([]); // no newline yet
    m.appendOutput("ne\n\x1b[31mred\x1b[0m and \x1b]0;title\x07tab\there\r\nbell\x07\n");
    expect(m.snapshot().output.map((l) => l.text)).toEqual(["first line", "red and tab  here", "bell?"]);
    m.appendOutput(`using key AKIAQ3EGT7XKMZ4WNPLB and ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8\n`);
    expect(m.snapshot().output.at(-1)!.text).not.toContain("AKIAQ3EGT7XKMZ4WNPLB");
    expect(m.snapshot().output.at(-1)!.text).not.toContain("a1B2c3D4e5F6g7H8i9J0");
    for (let i = 0; i < 10; i++) m.appendOutput(`n${i}\n`);
    const snap = m.snapshot();
    expect(snap.output.map((l) => l.text)).toEqual(["n6", "n7", "n8", "n9"]);
    expect(snap.outputLines).toBe(14);
    m.appendOutput("x".repeat(5000)); // a line that never ends is shown once long
    expect(m.snapshot().output.at(-1)!.text.length).toBe(1000);
  });
});

describe("secrets in the command's output", () => {
  test("tokens and key=value secrets are hidden on the screen and in the last lines", () => {
    const m = createLiveModel();
    m.appendOutput("OPENAI_API_KEY=sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd\naws AKIAKBE8RIIRRTBPVDGS\n");
    m.appendOutput("curl -H 'Authorization: Bearer abcdefghijklmnop' https://bob:hunter2hunter2@db.example/x\n");
    const shown = m.snapshot().output.map((l) => l.text);
    expect(shown[0]).toBe("OPENAI_API_KEY=[REDACTED]");
    expect(shown[1]).toBe("aws [REDACTED]");
    const all = shown.join("\n");
    for (const secret of ["sk-proj-AbCd", "AKIAKBE8RIIRRTBPVDGS", "abcdefghijklmnop", "hunter2"]) expect(all).not.toContain(secret);
    expect(cleanOutputLine("password: s3cret-value here")).not.toContain("s3cret-value");
  });

  test("the lines of a private key block are hidden, also when the last lines start inside it", () => {
    const body = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj", "MzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu"];
    const m = createLiveModel();
    m.appendOutput(["key:", "-----BEGIN PRIVATE KEY-----", ...body, "-----END PRIVATE KEY-----", "after"].join("\n") + "\n");
    const shown = m.snapshot().output.map((l) => l.text);
    expect(shown[0]).toBe("key:");
    expect(shown.at(-1)).toBe("after");
    expect(shown.join("\n")).not.toContain(body[0].slice(0, 20));
    expect(shown.join("\n")).not.toContain(body[1].slice(0, 20));
    const tail = cleanOutputLines([...body, "-----END PRIVATE KEY-----", "after"]);
    expect(tail).toEqual(["[REDACTED]", "[REDACTED]", "[REDACTED]", "after"]);
  });
});

describe("rate and sparkline", () => {
  test("per-second buckets over a sliding window", () => {
    const r = createRateCounter(5);
    for (let i = 0; i < 4; i++) r.add(10_000 + i, false); // second 10
    r.add(12_500, true);
    r.add(1_000, true); // too old once second 12 is seen
    const s = r.series(14_000);
    expect(s.connections).toEqual([4, 0, 1, 0, 0]);
    expect(s.violations).toEqual([0, 0, 1, 0, 0]);
  });

  test("sparkline scales to the maximum and pads to width", () => {
    expect(sparkline([0, 4, 8], 3)).toBe(" ▄█");
    expect(sparkline([8], 4)).toBe("   █");
    expect(sparkline([0, 0], 2)).toBe("  ");
    expect(sparkline([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 4)).toBe("▆▇██");
    expect(sparkline([5, 10], 2, 20)).toBe("▂▄");
  });
});

describe("filters and windows", () => {
  const rows = [
    { seq: 1, ev: conn({ host: "api.openai.com", verdict: "block" }) },
    { seq: 2, ev: conn({ host: "pypi.org", exe: "/usr/bin/pip" }) },
    { seq: 3, ev: conn({ host: null, dst: { ip: "192.0.2.7", port: 22 }, verdict: "alert" }) },
  ];
  test("text matches host, ip:port and process; verdict filter narrows", () => {
    expect(filterRows(rows, { text: "openai", verdict: "all" }).map((r) => r.seq)).toEqual([1]);
    expect(filterRows(rows, { text: "192.0.2.7:22", verdict: "all" }).map((r) => r.seq)).toEqual([3]);
    expect(filterRows(rows, { text: "PIP", verdict: "all" }).map((r) => r.seq)).toEqual([2]);
    expect(filterRows(rows, { text: "", verdict: "violations" }).map((r) => r.seq)).toEqual([1, 3]);
    expect(matchesFilter(rows[0].ev, { text: "", verdict: "alert" })).toBe(false);
    expect(nextVerdictFilter("kill")).toBe("all");
  });

  test("window follows the tail, then keeps a selection visible", () => {
    const keys = Array.from({ length: 100 }, (_, i) => String(i));
    expect(listWindow(keys, 10, null)).toEqual({ start: 90, end: 100, selected: null });
    expect(listWindow(keys, 10, "3")).toEqual({ start: 0, end: 10, selected: 3 });
    expect(listWindow(keys, 10, "50")).toEqual({ start: 45, end: 55, selected: 50 });
    expect(listWindow(keys.slice(0, 4), 10, null)).toEqual({ start: 0, end: 4, selected: null });
    expect(moveSelection(keys, null, -1)).toBe("99");
    expect(moveSelection(keys, "99", 1)).toBeNull();
    expect(moveSelection(keys, "5", -10)).toBe("0");
    expect(moveSelection(keys, "5", "home")).toBe("0");
    expect(moveSelection([], "5", 1)).toBeNull();
  });
});

describe("prompt queue", () => {
  test("answering the head answers every request for that destination", () => {
    let q = enqueuePrompt([], promptReq({ id: "1" }));
    q = enqueuePrompt(q, promptReq({ id: "2", host: "pypi.org" }));
    q = enqueuePrompt(q, promptReq({ id: "3" }));
    q = enqueuePrompt(q, promptReq({ id: "3" }));
    expect(q.map((r) => r.id)).toEqual(["1", "2", "3"]);
    const { answered, rest } = takeHead(q);
    expect(answered.map((r) => r.id)).toEqual(["1", "3"]);
    expect(rest.map((r) => r.id)).toEqual(["2"]);
  });
  test("expired requests leave the queue", () => {
    const q = [promptReq({ id: "1", ts: 0, deadline: 1000 }), promptReq({ id: "2", ts: 0, deadline: 5000 })];
    expect(takeExpired(q, 2000).expired.map((r) => r.id)).toEqual(["1"]);
    expect(secondsLeft(q[1], 2001)).toBe(3);
    // The screen's clock may be a little behind the question: never more than it was given.
    expect(secondsLeft(promptReq({ ts: 10_000, deadline: 40_000 }), 9_600)).toBe(30);
  });
});

describe("ui reducer and keys", () => {
  const ctx = { promptOpen: false, mode: "watch" as const, targetAlive: true };
  test("filter editing collects text and commits", () => {
    let s = uiReducer(initialUi, { type: "startFilter" });
    for (const ch of "open") {
      const c = keyToCommand(ch, {}, s, ctx);
      expect(c?.kind).toBe("ui");
      if (c?.kind === "ui") s = uiReducer(s, c.action);
    }
    const back = keyToCommand("", { backspace: true }, s, ctx);
    if (back?.kind === "ui") s = uiReducer(s, back.action);
    const enter = keyToCommand("", { return: true }, s, ctx);
    if (enter?.kind === "ui") s = uiReducer(s, enter.action);
    expect(s.filter.text).toBe("ope");
    expect(s.editingFilter).toBe(false);
  });
  test("prompt letters answer only while a prompt is open", () => {
    expect(keyToCommand("A", {}, initialUi, { ...ctx, promptOpen: true })).toEqual({ kind: "answer", answer: "allow-always" });
    expect(keyToCommand("k", {}, initialUi, { ...ctx, promptOpen: true })).toEqual({ kind: "answer", answer: "kill" });
    expect(keyToCommand("d", {}, initialUi, ctx)).toBeNull();
  });
  test("q asks first under run while the target lives, quits otherwise", () => {
    expect(keyToCommand("q", {}, initialUi, { ...ctx, mode: "run" })).toEqual({ kind: "ui", action: { type: "askQuit" } });
    expect(keyToCommand("q", {}, initialUi, { ...ctx, mode: "run", targetAlive: false })).toEqual({ kind: "quit" });
    expect(keyToCommand("q", {}, initialUi, ctx)).toEqual({ kind: "quit" });
    const asking = uiReducer(initialUi, { type: "askQuit" });
    expect(keyToCommand("y", {}, asking, ctx)).toEqual({ kind: "confirmQuit", stopTarget: true });
    expect(keyToCommand("n", {}, asking, ctx)).toEqual({ kind: "confirmQuit", stopTarget: false });
    expect(keyToCommand("x", {}, asking, ctx)).toBeNull();
  });
  test("views cycle and g toggles grouping", () => {
    let s = uiReducer(initialUi, { type: "nextView" });
    expect(s.view).toBe("destinations");
    s = uiReducer(s, { type: "toggleGroup" });
    expect(s.view).toBe("connections");
    s = uiReducer(s, { type: "view", view: "alerts" });
    expect(s.view).toBe("alerts");
    expect(uiReducer(initialUi, { type: "openDetail" })).toBe(initialUi); // nothing selected
  });
});

describe("learned decisions", () => {
  test("only always-answers become entries, with a comment naming when and who", () => {
    const entries = learnedEntries([
      { ts: Date.UTC(2026, 0, 2, 3, 4, 5), answer: "allow-always", req: promptReq() },
      { ts: 2, answer: "deny-once", req: promptReq({ host: "x.example" }) },
      { ts: 3, answer: "deny-always", req: promptReq({ host: null, dst: { ip: "192.0.2.1", port: 25 } }) },
    ]);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ host: "api.openai.com", port: 443, proto: "tcp", kind: "allow" });
    expect(entries[0].comment).toContain("2026-01-02T03:04:05Z");
    expect(entries[0].comment).toContain("python3 (pid 1234)");
    expect(entries[1]).toMatchObject({ ip: "192.0.2.1", port: 25, kind: "deny" });
    expect(learnedSummary([{ ts: 1, answer: "timeout", req: promptReq() }])[0]).toContain("api.openai.com:443/tcp");
  });
});

test("cells cut, pad and drop control characters", () => {
  expect(cell("abcdef", 4)).toBe("abc…");
  expect(cell("ab", 4, "right")).toBe("  ab");
  expect(cell("a\x1b[31mb", 8)).toBe("a?[31mb ");
  expect(elapsed(3_725_000)).toBe("1h02m");
  expect(elapsed(65_000)).toBe("1:05");
});

test("the screen's layout never takes more rows than the terminal has (from the 12-row floor up)", () => {
  for (let rows = 12; rows <= 60; rows++) {
    for (const view of ["connections", "destinations", "alerts", "output"] as const) {
      for (const promptLines of [0, 4, 5]) {
        for (const notes of [false, true]) {
          const l = screenLayout({ rows, view, promptLines, notes, alerts: 7 });
          const used = 3 + 1 + promptLines + (l.listRows + 1) + l.notesLine + l.chartLines + l.alertPaneLines;
          expect(used).toBeLessThanOrEqual(rows - 1);
          expect(l.listRows).toBeGreaterThanOrEqual(1);
          if (rows >= 24) expect(l.listRows).toBeGreaterThanOrEqual(2);
        }
      }
    }
  }
  expect(screenLayout({ rows: 40, view: "connections", promptLines: 0, notes: true, alerts: 7 })).toEqual({ listRows: 29, notesLine: 1, chartLines: 0, alertPaneLines: 4 });
});

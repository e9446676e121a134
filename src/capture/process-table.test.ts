import { expect, test } from "bun:test";
import { createProcessTable } from "./process-table.ts";
import type { ProcessInfo } from "./procinfo/procinfo.ts";

function fakeProc(map: Record<number, ProcessInfo>) {
  return (pid: number) => map[pid] ?? null;
}

test("a connect made before an exec is attributed to the image that made it", () => {
  const live: Record<number, ProcessInfo> = {};
  const table = createProcessTable(fakeProc(live));
  table.observe({ ts: 100, pid: 10, ppid: 1, event: "exec", exe: "/bin/bash", argv: ["bash", "run.sh"] });
  table.observe({ ts: 200, pid: 10, ppid: 1, event: "exec", exe: "/usr/bin/python3", argv: ["python3", "app.py"] });
  expect(table.lookup(10, { at: 150, comm: "bash" }).exe).toBe("/bin/bash");
  expect(table.lookup(10, { at: 250, comm: "python3" }).argv).toEqual(["python3", "app.py"]);
});

test("a stale /proc image that disagrees with the kernel's task name is not used", () => {
  const live = { 20: { pid: 20, ppid: 1, exe: "/usr/bin/python3.11", argv: ["python3", "x.py"], comm: "python3", uid: 0 } };
  const table = createProcessTable(fakeProc(live));
  const facts = table.lookup(20, { at: 10, comm: "curl", ppid: 1 });
  expect(facts.exe).toBe("curl");
  expect(facts.argv).toEqual(["curl"]);
});

test("a fork inherits the parent's image until it execs; a gone process falls back to comm", () => {
  const table = createProcessTable(fakeProc({}));
  table.observe({ ts: 1, pid: 30, ppid: 1, event: "exec", exe: "/bin/sh", argv: ["sh", "-c", "x"] });
  table.observe({ ts: 2, pid: 31, ppid: 30, event: "fork" });
  expect(table.lookup(31, { at: 3, comm: "sh" })).toMatchObject({ ppid: 30, exe: "/bin/sh" });
  expect(table.lookup(99, { at: 3, comm: "wget", ppid: 31 })).toMatchObject({ exe: "wget", ppid: 31 });
  expect(table.chain(31).map((f) => f.pid)).toEqual([31, 30]);
});

import { expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { startTui } from "./controller.tsx";
import { conn, promptReq, sessionStart } from "./state/fixtures.test-helper.ts";
import { learnedHeadline, learnedSummary } from "./state/learned.ts";

class FakeStdout extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 30;
  out = "";
  write = (s: string, a?: unknown, b?: unknown) => {
    this.out += s;
    const cb = typeof a === "function" ? a : typeof b === "function" ? b : null;
    if (cb) queueMicrotask(cb as () => void);
    return true;
  };
}

class FakeStdin extends EventEmitter {
  isTTY = true;
  rawModes: boolean[] = [];
  private data: string | null = null;
  setRawMode = (m: boolean) => {
    this.rawModes.push(m);
    return this;
  };
  setEncoding() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  type(s: string) {
    this.data = s;
    this.emit("readable");
  }
}

const tick = (ms = 40) => new Promise((r) => setTimeout(r, ms));

function start(over: Partial<Parameters<typeof startTui>[0]> = {}) {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  const tui = startTui({
    mode: "run", learn: true, stdout: stdout as unknown as NodeJS.WriteStream, stdin: stdin as unknown as NodeJS.ReadStream,
    handleSignals: false, flushHz: 50, ...over,
  });
  return { tui, stdout, stdin };
}

test("a question is answered by a key, and every waiting request for that destination with it", async () => {
  const { tui, stdin, stdout } = start();
  tui.push([sessionStart(), conn()]);
  const now = Date.now();
  const a = tui.prompt(promptReq({ id: "1", deadline: now + 10_000 }));
  const b = tui.prompt(promptReq({ id: "2", deadline: now + 10_000 }));
  const c = tui.prompt(promptReq({ id: "3", host: "pypi.org", deadline: now + 10_000 }));
  await tick(300);
  expect(stdout.out).toContain("Allow api.openai.com:443 for python3 (pid 1234)?");
  stdin.type("D");
  expect(await a).toBe("deny-always");
  expect(await b).toBe("deny-always");
  stdin.type("a");
  expect(await c).toBe("allow-once");
  expect(tui.decisions().map((d) => [d.req.id, d.answer])).toEqual([["1", "deny-always"], ["2", "deny-always"], ["3", "allow-once"]]);
  await tui.close();
  expect(stdin.rawModes.at(-1)).toBe(false);
  expect(stdout.out).toContain("\x1b[?1049l"); // left the alternate screen
});

test("an unanswered question is settled as unanswered just before its deadline (the session applies the policy default)", async () => {
  const { tui } = start({ timeoutLabel: "deny" });
  const started = Date.now();
  const answer = await tui.prompt(promptReq({ deadline: started + 1500 }));
  expect(answer).toBe("timeout"); // not a person's answer: recorded by the session as the default
  expect(Date.now() - started).toBeLessThan(1500); // before the session's own timer would fire
  expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  expect(tui.decisions()[0].answer).toBe("timeout"); // recorded as unanswered
  await tui.close();
});

test("closing settles open questions and reports how the user left", async () => {
  const { tui, stdin } = start();
  const p = tui.prompt(promptReq({ deadline: Date.now() + 60_000 }));
  await tick();
  stdin.type("q");
  await tick();
  stdin.type("y");
  expect(await tui.exited).toBe("stop-target");
  await tui.close();
  expect(await p).toBe("timeout");
  expect(await tui.prompt(promptReq({ id: "late" }))).toBe("timeout");
});

test("without a terminal on stdin questions are not shown and take the default", async () => {
  const stdout = new FakeStdout();
  const stdin = new FakeStdin();
  stdin.isTTY = false;
  const tui = startTui({ mode: "watch", learn: true, stdout: stdout as any, stdin: stdin as any, handleSignals: false, defaultAction: "allow" });
  expect(tui.interactive).toBe(false);
  expect(await tui.prompt(promptReq())).toBe("timeout");
  await tui.close();
});

test("k drops the questions waiting behind it: the tree that asked them is gone", async () => {
  const { tui, stdin, stdout } = start();
  tui.push([sessionStart()]);
  const now = Date.now();
  const first = tui.prompt(promptReq({ id: "1", deadline: now + 30_000 }));
  const second = tui.prompt(promptReq({ id: "2", host: "pypi.org", pid: 5413, deadline: now + 30_000 }));
  await tick(300);
  expect(stdout.out).toContain("+1 waiting");
  stdin.type("k");
  expect(await first).toBe("kill");
  expect(await second).toBe("kill"); // settled at once, not left to count down
  // A connection of the killed tree reported late is not asked either.
  expect(await tui.prompt(promptReq({ id: "3", host: "late.example", deadline: Date.now() + 30_000 }))).toBe("kill");
  await tick(300);
  const frame = stdout.out.slice(stdout.out.lastIndexOf("trustrun run"));
  expect(frame).not.toContain("Allow pypi.org");
  expect(frame).toContain("1 question dropped");
  tui.targetExited(137);
  expect(tui.decisions().map((d) => [d.req.id, d.answer])).toEqual([["1", "kill"], ["2", "dropped"], ["3", "dropped"]]);
  expect(learnedHeadline(tui.decisions())).toBe("1 question answered, 2 dropped because the process tree ended");
  expect(learnedSummary(tui.decisions())[1]).toMatch(/^dropped \(tree ended\)\s+pypi\.org:443\/tcp  python3 \(pid 5413\)$/);
  await tui.close();
});

test("questions still open when the command exits are dropped, not left to count down", async () => {
  const { tui, stdout } = start();
  const open = tui.prompt(promptReq({ id: "1", deadline: Date.now() + 30_000 }));
  await tick(300);
  expect(stdout.out).toContain("Allow api.openai.com:443");
  tui.targetExited(0);
  expect(await open).toBe("timeout"); // the policy default applies, as after a timeout
  await tick(300);
  expect(stdout.out.slice(stdout.out.lastIndexOf("trustrun run"))).not.toContain("Allow api.openai.com:443");
  expect(tui.decisions().map((d) => d.answer)).toEqual(["dropped"]);
  await tui.close();
});

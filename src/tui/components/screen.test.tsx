import { afterEach, expect, test } from "bun:test";
import { cleanup, render } from "ink-testing-library";
import { render as inkRender } from "ink";
import { EventEmitter } from "node:events";
import type { PromptAnswer } from "../../core/types.ts";
import { TuiRoot } from "./TuiRoot.tsx";
import { destinationText } from "../state/format.ts";
import { createLiveModel } from "../state/live-model.ts";
import { createControlStore } from "../state/ui-store.ts";
import { alert, conn, promptReq, sessionStart } from "../state/fixtures.test-helper.ts";
import type { TuiExitReason } from "../contexts/actions-context.ts";
import { initialUi } from "../state/ui.ts";

afterEach(() => cleanup());

const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

/** Waits (bounded) until the frame shows `text`: flushes run on a timer, and CI machines are slow. */
async function frameWith(ui: ReturnType<typeof render>, text: string, timeoutMs = 3000): Promise<string> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const f = ui.lastFrame() ?? "";
    if (f.includes(text)) return f;
    await tick(20);
  }
  return ui.lastFrame() ?? "";
}

function setup(opts: { mode?: "run" | "watch"; learn?: boolean } = {}) {
  const model = createLiveModel({ clock: () => 1_700_000_005_000 });
  const control = createControlStore();
  const answers: PromptAnswer[] = [];
  const exits: TuiExitReason[] = [];
  const actions = {
    answer: (a: PromptAnswer) => {
      answers.push(a);
      control.set((s) => ({ ...s, prompts: s.prompts.slice(1) }));
    },
    exit: (r: TuiExitReason) => exits.push(r),
  };
  const ui = render(
    <TuiRoot model={model} control={control} actions={actions} mode={opts.mode ?? "watch"} learn={opts.learn ?? false} flushHz={50} clock={() => 1_700_000_005_000} />,
  );
  return { model, control, answers, exits, ui };
}

async function keys(ui: ReturnType<typeof render>, ...inputs: string[]) {
  for (const k of inputs) {
    ui.stdin.write(k);
    await tick();
  }
}

test("header and live table show what the stream delivered", async () => {
  const { model, ui } = setup();
  model.push([sessionStart(), conn({ host: "api.openai.com", verdict: "block", rule: "deny[0]" }), conn({ host: "pypi.org" }), alert({ message: "python3 connected to api.openai.com:443" })]);
  const f = await frameWith(ui, "ALERTS (1)");
  expect(f).toContain("python3 app.py");
  expect(f).toContain("session abc123");
  expect(f).toContain("policy team-policy");
  expect(f).toMatch(/connections 2\s+destinations 2\s+violations 1/);
  expect(f).toContain("api.openai.com:443");
  expect(f).toContain("deny[0]");
  expect(f).toContain("ALERTS (1)");
});

test("only the rows that fit are rendered, newest at the bottom", async () => {
  const { model, ui } = setup();
  model.push(Array.from({ length: 3000 }, (_, i) => conn({ host: `h${i}.example`, ts: 1_700_000_000_000 + i })));
  const f = await frameWith(ui, "h2999.example");
  expect(f).toContain("h2999.example");
  expect(f).not.toContain("h100.example");
  expect(f.split("\n").length).toBeLessThanOrEqual(31);
});

test("pause freezes the table while the header keeps counting; resume catches up", async () => {
  const { model, ui } = setup();
  model.push([conn({ host: "first.example" })]);
  await frameWith(ui, "first.example");
  await keys(ui, "p");
  // Alerts and output are not new connections; the header's counts keep running.
  model.push([conn({ host: "second.example", verdict: "block" }), alert(), conn({ host: "third.example" }), alert()]);
  model.appendOutput("a line\n");
  const f = await frameWith(ui, "PAUSED (2 new)");
  expect(f).toContain("PAUSED (2 new)");
  expect(f).toMatch(/connections 3\s+destinations 3\s+violations 1/);
  expect(f).not.toContain("second.example");
  model.push([conn({ host: "fourth.example" })]);
  expect(await frameWith(ui, "PAUSED (3 new)")).toMatch(/connections 4\s+destinations 4/);
  expect(ui.lastFrame()).not.toContain("second.example");
  await keys(ui, "p");
  expect(await frameWith(ui, "third.example")).toContain("third.example");
  expect(ui.lastFrame()).not.toContain("PAUSED");
});

test("text and verdict filters narrow the table", async () => {
  const { model, ui } = setup();
  model.push([conn({ host: "api.openai.com", verdict: "block" }), conn({ host: "pypi.org" }), conn({ host: "files.pythonhosted.org" })]);
  await frameWith(ui, "files.pythonhosted.org");
  await keys(ui, "/", "p", "y", "p", "i", "\r");
  let f = await frameWith(ui, '["pypi": 1]');
  expect(f).toContain("pypi.org");
  expect(f).not.toContain("api.openai.com");
  await keys(ui, "c", "v");
  f = await frameWith(ui, "[violations: 1]");
  expect(f).toContain("api.openai.com");
  expect(f).not.toContain("pypi.org");
});

test("g groups by destination and shows the rate chart", async () => {
  const { model, ui } = setup();
  model.push([conn({ host: "a.example", ts: 1_700_000_004_100 }), conn({ host: "a.example", ts: 1_700_000_004_200 }), conn({ host: "b.example", verdict: "alert", ts: 1_700_000_004_300 })]);
  await frameWith(ui, "b.example");
  await keys(ui, "g");
  const f = await frameWith(ui, "DESTINATION (2)");
  expect(f).toContain("DESTINATION (2)");
  expect(f).toMatch(/a\.example:443\/tcp\s+2/);
  expect(f).toContain("conn/s");
  expect(f).toMatch(/conn\/s.*█/);
});

test("4 (or o) shows the command's output, newest at the bottom", async () => {
  const { model, ui } = setup({ mode: "run" });
  model.push([sessionStart()]);
  model.appendOutput(Array.from({ length: 60 }, (_, i) => `progress ${i + 1}`).join("\n") + "\n");
  await frameWith(ui, "4 output");
  expect(ui.lastFrame()).not.toContain("progress 60");
  await keys(ui, "4");
  const f = await frameWith(ui, "progress 60");
  expect(f).toContain("OUTPUT");
  expect(f).toContain("60 lines");
  expect(f).not.toContain("progress 1\n");
  await keys(ui, "1");
  await tick(60);
  expect(ui.lastFrame()).not.toContain("progress 60");
  await keys(ui, "o");
  expect(await frameWith(ui, "progress 60")).toContain("OUTPUT");
});

test("Enter opens the selected connection's detail with argv, rule and reason", async () => {
  const { model, ui } = setup();
  model.push([conn({ host: "x.example", argv: ["python3", "train.py", "--epochs", "3"], rule: "deny[4]", reason: "denied by deny[4]", verdict: "block", http: { method: "POST", path: "/v1/x", tenant: { awsAccount: "123456789012" } } })]);
  await frameWith(ui, "x.example");
  await keys(ui, "\u001B[A", "\r");
  const f = await frameWith(ui, "denied by deny[4]");
  expect(f).toContain("AWS account 123456789012");
  expect(f).toContain("python3 train.py --epochs 3");
  expect(f).toContain("denied by deny[4]");
  expect(f).toContain("parents");
  await keys(ui, "\u001B");
  await tick(60);
  expect(ui.lastFrame()).not.toContain("denied by deny[4]");
});

test("a learning question shows the destination, process and countdown; A answers it", async () => {
  const { control, answers, ui } = setup({ learn: true });
  control.set((s) => ({ ...s, prompts: [promptReq({ deadline: 1_700_000_005_000 + 12_000 }), promptReq({ id: "p2", host: "pypi.org" })] }));
  const f = await frameWith(ui, "+1 waiting");
  expect(f).toContain("Allow api.openai.com:443 for python3 (pid 1234)?");
  expect(f).toContain("12s");
  expect(f).toContain("+1 waiting");
  await keys(ui, "A");
  expect(answers).toEqual(["allow-always"]);
  expect(await frameWith(ui, "Allow pypi.org:443")).toContain("Allow pypi.org:443");
  await keys(ui, "d");
  expect(answers).toEqual(["allow-always", "deny-once"]);
  expect(ui.lastFrame()).not.toContain("Allow ");
});

test("q under run asks first; n detaches, y stops the target; watch quits at once", async () => {
  const run = setup({ mode: "run" });
  await keys(run.ui, "q");
  expect(await frameWith(run.ui, "Stop the command too?")).toContain("Stop the command too?");
  expect(run.exits).toEqual([]);
  await keys(run.ui, "n");
  expect(run.exits).toEqual(["detach"]);
  await keys(run.ui, "y");
  expect(run.exits).toEqual(["detach", "stop-target"]);
  const watch = setup({ mode: "watch" });
  await keys(watch.ui, "q");
  expect(watch.exits).toEqual(["quit"]);
});

test("a connection the sentinel attributed names the npm package that made it", async () => {
  const { model, ui } = setup();
  model.push([sessionStart(), conn({ host: "api.openai.com", package: "some-telemetry-lib" }), conn({ host: "own.example", package: "app" })]);
  // The test terminal is 100 columns wide, so the cell is cut; destinationText has the whole label.
  const frame = await frameWith(ui, "api.openai.com:443 from packag");
  expect(frame).toContain("api.openai.com:443 from packag");
  expect(frame).toContain("own.example:443 ");
  expect(destinationText({ host: "api.openai.com", dst: { ip: "1.2.3.4", port: 443 }, package: "some-telemetry-lib" })).toBe("api.openai.com:443 from package some-telemetry-lib");
  expect(destinationText({ host: null, dst: { ip: "1.2.3.4", port: 80 }, package: "app" })).toBe("1.2.3.4:80");
  expect(destinationText({ host: null, dst: { ip: "::1", port: 80 } })).toBe("[::1]:80");
});

test("the key help says what q and Ctrl-C do", async () => {
  const { ui } = setup({ mode: "run" });
  await keys(ui, "?");
  const f = await frameWith(ui, "Ctrl-C");
  expect(f).toMatch(/q\s+quit \(under run, while the command runs: asks to stop it\)/);
  expect(f).toMatch(/Ctrl-C\s+quit at once \(under run: interrupts the command, SIGINT\)/);
  expect(f).not.toContain("q, Ctrl-C");
});

/** The screen on a terminal of a given size (ink-testing-library's is 100 columns, no rows). */
function setupSized(columns: number, rows: number, ui = initialUi) {
  const model = createLiveModel({ clock: () => 1_700_000_005_000 });
  const control = createControlStore();
  const stdout = Object.assign(new EventEmitter(), { columns, rows, isTTY: true, last: "", write(f: string) { stdout.last = f; return true; } });
  const stdin = Object.assign(new EventEmitter(), { isTTY: true, setRawMode() {}, setEncoding() {}, resume() {}, pause() {}, ref() {}, unref() {}, read: () => null });
  const inst = inkRender(
    <TuiRoot model={model} control={control} actions={{ answer() {}, exit() {} }} mode="run" learn flushHz={50} clock={() => 1_700_000_005_000} timeoutAction="alert" initialUi={ui} />,
    { stdout: stdout as any, stderr: stdout as any, stdin: stdin as any, debug: true, exitOnCtrlC: false, patchConsole: false },
  );
  const frame = async (text: string) => {
    const until = Date.now() + 3000;
    while (Date.now() < until && !stdout.last.includes(text)) await tick(20);
    return stdout.last.replace(/\n$/, "");
  };
  return { model, control, inst, frame };
}

function fill(model: ReturnType<typeof createLiveModel>, control: ReturnType<typeof createControlStore>) {
  model.push([sessionStart(), ...Array.from({ length: 30 }, (_, i) => conn({ host: `h${i}.example`, verdict: i % 2 ? "alert" : "allow" })), alert(), alert(), alert()]);
  model.note("python3's output: press 4 or o; all of it goes to /root/.trustrun/output/abc123.log");
  control.set((s) => ({
    ...s,
    prompts: [
      promptReq({ dst: { ip: "127.0.0.1", port: 28917 }, host: null, exe: "/usr/bin/curl", argv: ["curl", "-s", "http://127.0.0.1:28917/"], pid: 5078, deadline: 1_700_000_005_000 + 24_000 }),
      promptReq({ id: "p2", dst: { ip: "127.0.0.1", port: 28918 }, host: null, pid: 5413 }),
    ],
    status: "127.0.0.1:28916: denied once",
  }));
}

for (const [columns, rows] of [[80, 24], [50, 14], [40, 12]] as const) {
  test(`at ${columns}x${rows} with a question open the frame fits, the header on top, the countdown and keys visible`, async () => {
    const { model, control, inst, frame } = setupSized(columns, rows);
    try {
      fill(model, control);
      const f = await frame("connections 30");
      if (process.env.SHOW_FRAMES) console.log(f);
      const lines = f.split("\n");
      expect(lines.length).toBeLessThan(rows); // the last line stays free: nothing scrolls
      expect(lines[0]).toContain("trustrun run");
      for (const l of lines) expect(l.length).toBeLessThanOrEqual(columns);
      expect(f).toContain("24s, then alert");
      expect(f).toContain("(+1 waiting)");
      expect(f).toContain("Allow 127.0.0.1:28917");
      expect(f).toContain(columns >= 80 ? "a allow once  A always  d deny once  D always deny  k kill tree" : columns >= 50 ? "a allow A always d deny D always deny k kill" : "a/A allow  d/D deny  k kill");
      expect(f).toContain("? help  q quit…");
      expect(f).not.toContain("tre…");
    } finally {
      inst.unmount();
    }
  });

  test(`at ${columns}x${rows} the key help is cut to fit, the header stays on top`, async () => {
    const { model, control, inst, frame } = setupSized(columns, rows, { ...initialUi, help: true });
    try {
      fill(model, control);
      const f = await frame("connections 30");
      if (process.env.SHOW_FRAMES) console.log(f);
      const lines = f.split("\n");
      expect(f).toContain(rows >= 14 ? "Keys" : "key help: the terminal is too small");
      if (columns >= 80) expect(f).toContain("Ctrl-C"); // all of it at 80x24, with a question open
      expect(lines.length).toBeLessThan(rows);
      expect(lines[0]).toContain("trustrun run");
      expect(f).toContain("24s, then alert");
    } finally {
      inst.unmount();
    }
  });
}

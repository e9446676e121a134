// End-to-end: the learning question on terminals of ordinary and small sizes (the compiled
// binary in tmux, a real client against local servers): the header stays on the top line, the
// countdown and what happens at the deadline stay visible, the key legend is not cut. Then `k`
// with a second question waiting: the waiting one is dropped, not left to count down.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { tmuxServer } from "../support/tmux.ts";

const SOCKET = `trustrun-prompt-layout-${process.pid}`;
const terminal = tmuxServer(SOCKET);
const tmux = terminal.run;
const pane = terminal.pane;
const why = !haveBinary ? `no binary at ${BIN} (npm run build)`
  : !Bun.which("tmux") ? "tmux is not installed"
  : !Bun.which("python3") ? "python3 (the test client) is not installed"
  : process.getuid?.() !== 0 ? "holding the tree while a question is open needs root"
  : null;
if (why) console.warn(`skipping the question layout tests: ${why}`);

const dir = mkdtempSync(join(tmpdir(), "trustrun-prompt-layout-"));
const servers: Array<{ port: number; stop(closeActive?: boolean): void }> = [];

beforeAll(() => {
  if (why) return;
  for (let i = 0; i < 2; i++) {
    servers.push(Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open(s) { s.end(); }, data() {} } }));
  }
  // Two processes connect at the same moment, each to its own server, so that a second question
  // waits behind the first (a process is held as soon as it connects: threads would not do).
  writeFileSync(join(dir, "client.py"), `
import socket, sys, time
port, at = int(sys.argv[1]), float(sys.argv[2])
time.sleep(max(0, at - time.time()))
try:
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
except Exception:
    pass
time.sleep(30)
`);
  writeFileSync(join(dir, "P.yaml"), "name: layout\ndefault: alert\n");
});

afterAll(() => {
  terminal.kill();
  for (const s of servers) s.stop(true);
  rmSync(dir, { recursive: true, force: true });
});

function start(name: string, columns: number, rows: number): void {
  const [a, b] = servers.map((s) => s.port);
  const clients = `at=$(($(date +%s) + 2)); python3 client.py ${a} $at & python3 client.py ${b} $at & wait`;
  const cmd = `cd ${dir} && TRUSTRUN_HOME=${join(dir, "home")} ${BIN} run --learn --policy P.yaml --db ${join(dir, `${name}.db`)} -- sh -c '${clients}'; echo EXIT=$? > ${name}.done; sleep 120`;
  tmux("new-session", "-d", "-s", name, "-x", String(columns), "-y", String(rows), cmd);
}

const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");

test.skipIf(why !== null)("at 80x24 the question, its countdown and the whole key legend fit; k drops the question waiting behind it", async () => {
  start("l80", 80, 24);
  const screen = await terminal.waitFor("two questions", () => pane("l80").includes("(+1 waiting)") && pane("l80"), { show: "l80" });
  const lines = screen.split("\n");
  expect(lines[0]).toContain("trustrun run");
  expect(screen).toMatch(/Allow 127\.0\.0\.1:\d+ for python3 \(pid \d+\)\?/);
  expect(screen).toMatch(/\d+s, then alert\s+\(\+1 waiting\)/);
  expect(screen).toContain("a allow once  A always  d deny once  D always deny  k kill tree");
  expect(screen).toContain("? help  q quit…");
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(80);
  tmux("send-keys", "-t", "l80", "k");
  const after = await terminal.waitFor("the exit banner", () => pane("l80").includes("[exited") && pane("l80"), { show: "l80" });
  await Bun.sleep(1500); // long enough for a left-over question to show its countdown
  expect(pane("l80")).not.toContain("Allow 127.0.0.1");
  expect(after).toContain("1 question dropped");
  tmux("send-keys", "-t", "l80", "q");
  expect(await terminal.waitFor("trustrun to exit", () => read("l80.done"), { show: "l80" })).toMatch(/EXIT=(137|143)/);
  const summary = tmux("capture-pane", "-p", "-J", "-t", "l80"); // wrapped lines joined
  expect(summary).toContain("trustrun: learning: 1 question answered, 1 dropped because the process tree ended");
  expect(summary).toMatch(/dropped \(tree ended\)\s+127\.0\.0\.1:\d+\/tcp/);
  expect(summary).not.toContain("no answer (policy default)");
}, 60000);

test.skipIf(why !== null)("at 50x14 the header stays on top and the countdown and default stay visible", async () => {
  start("l50", 50, 14);
  const screen = await terminal.waitFor("the question", () => pane("l50").includes("Allow 127.0.0.1") && pane("l50"), { show: "l50" });
  const lines = screen.split("\n");
  expect(lines[0]).toContain("trustrun run");
  expect(screen).toMatch(/│ \d+s, then alert/); // on a line of its own: the question is cut, never the countdown
  expect(screen).toContain("a allow A always d deny D always deny k kill");
  expect(screen).toContain("? help  q quit…");
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(50);
  tmux("send-keys", "-t", "l50", "k");
  await terminal.waitFor("the exit banner", () => pane("l50").includes("[exited"), { show: "l50" });
  tmux("send-keys", "-t", "l50", "q");
  await terminal.waitFor("trustrun to exit", () => read("l50.done"), { show: "l50" });
}, 60000);

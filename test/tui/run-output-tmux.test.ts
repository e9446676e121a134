// End-to-end: under the live screen the command's output does not garble the screen. It goes to a
// file of the session (all of it, 0600) and its last lines are printed when the screen closes.
import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { tmuxServer } from "../support/tmux.ts";

const SOCKET = `trustrun-run-output-${process.pid}`;
const terminal = tmuxServer(SOCKET);
const tmux = terminal.run;
const pane = () => terminal.pane("ro");
const waitFor = <T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 20000) => terminal.waitFor(what, fn, { timeoutMs, show: "ro" });
const why = !haveBinary ? `no binary at ${BIN} (npm run build)` : !Bun.which("tmux") ? "tmux is not installed" : null;
if (why) console.warn(`skipping the command-output end-to-end test: ${why}`);
const dir = mkdtempSync(join(tmpdir(), "trustrun-run-output-"));

afterAll(() => {
  terminal.kill();
  rmSync(dir, { recursive: true, force: true });
});


test.skipIf(why !== null)("the command's output goes to the session's file and the output view, not over the screen; its last lines follow when the screen closes", async () => {
  writeFileSync(join(dir, "P.yaml"), "name: out\ndefault: alert\n");
  const home = join(dir, "home");
  const openai = "sk-proj-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd";
  const aws = "AKIAKBE8RIIRRTBPVDGS";
  const script = `for i in $(seq 1 100); do echo out-line-$i; done; echo OPENAI_API_KEY=${openai}; echo aws ${aws}; echo err-line >&2; sleep 1`;
  const cmd = `cd ${dir} && TRUSTRUN_HOME=${home} ${BIN} run --policy P.yaml -- sh -c '${script}'; echo EXIT=$? > done.txt; sleep 60`;
  tmux("new-session", "-d", "-s", "ro", "-x", "160", "-y", "45", cmd);
  const screen = await waitFor("the exit banner", () => pane().includes("[exited 0]") && pane());
  expect(screen).toContain("output: press 4 or o; all of it goes to");
  expect(screen).not.toMatch(/out-line-\d/); // nothing written over the screen (the header shows the argv, not output)
  tmux("send-keys", "-t", "ro", "4"); // the output view
  const output = await waitFor("the output view", () => pane().includes("out-line-100") && pane());
  expect(output).toContain("103 lines");
  expect(output).toContain("err-line");
  // Secrets the command prints are hidden on the screen and in the last lines (the file keeps them).
  expect(output).toContain("OPENAI_API_KEY=[REDACTED]");
  expect(output).toContain("aws [REDACTED]");
  expect(output).not.toContain(openai.slice(0, 12));
  expect(output).not.toContain(aws);
  tmux("send-keys", "-t", "ro", "q");
  await waitFor("trustrun to exit", () => existsSync(join(dir, "done.txt")));
  const after = pane();
  expect(after).toContain("the command's last output lines");
  expect(after).toContain("out-line-100");
  expect(after).toContain("err-line");
  expect(after).not.toMatch(/^out-line-50$/m); // only the last lines are printed
  expect(after).toContain("OPENAI_API_KEY=[REDACTED]");
  expect(after).not.toContain(openai.slice(0, 12));
  expect(after).not.toContain(aws);
  const [log] = readdirSync(join(home, "output"));
  const text = readFileSync(join(home, "output", log!), "utf8");
  expect(text.split("\n").filter((l) => l.startsWith("out-line-"))).toHaveLength(100); // all of it, nothing lost
  expect(text).toContain(`OPENAI_API_KEY=${openai}`); // the file keeps every byte
  expect(statSync(join(home, "output", log!)).mode & 0o777).toBe(0o600);
}, 60000);

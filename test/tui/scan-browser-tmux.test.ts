// End-to-end: `trustrun scan` on a terminal (tmux) opens the result browser. Hosts with the
// violation first, the source around the selected finding, keys to move, q to quit with the
// --fail-on exit status; and no screen ever shows a secret from the scanned file.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { tmuxServer } from "../support/tmux.ts";

const SOCKET = `trustrun-scan-browser-${process.pid}`;
const terminal = tmuxServer(SOCKET);
const tmux = terminal.run;
const pane = () => terminal.pane("sb");
const waitFor = <T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 15000) => terminal.waitFor(what, fn, { timeoutMs, show: "sb" });
const why = !haveBinary ? `no binary at ${BIN} (npm run build)` : !Bun.which("tmux") ? "tmux is not installed" : null;
if (why) console.warn(`skipping the scan browser end-to-end test: ${why}`);

const KEY = "sk-proj-Q7xJ2mZp9LkR4tVw8NbYc3HdF6sG1aEu0oIiWqXzTrUyPlMnBv";
const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYz3kq9TLe5vB2n";
const dir = mkdtempSync(join(tmpdir(), "trustrun-scan-browser-"));

beforeAll(() => {
  writeFileSync(join(dir, "app.py"), [
    "import openai, requests",
    "client = openai.OpenAI()",
    'AZ = "https://contoso-east.openai.azure.com"',
    'requests.post(f"{AZ}/openai/deployments/gpt/chat/completions")',
    `KEY = "${KEY}"`,
    `aws_secret_access_key = "${AWS_SECRET}"`,
    "",
  ].join("\n"));
  writeFileSync(join(dir, "P.yaml"), "name: sb\ndefault: alert\nextends: [preset:public-ai-apis]\nallow:\n  - host: contoso-east.openai.azure.com\n");
});

afterAll(() => {
  terminal.kill();
  rmSync(dir, { recursive: true, force: true });
});

const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), "utf8") : "");


/** Every screen is checked: neither secret, nor a recognisable piece of it, may be on it. */
function assertNoSecret(screen: string): void {
  expect(screen).not.toContain(KEY.slice(8, 30));
  expect(screen).not.toContain(AWS_SECRET.slice(0, 20));
}

test.skipIf(why !== null)("the browser lists hosts, shows the source around a finding, never a secret, and q exits with the --fail-on status", async () => {
  const cmd = `cd ${dir} && TRUSTRUN_HOME=${join(dir, "home")} ${BIN} scan . --policy P.yaml --no-store; echo EXIT=$? > done.txt; sleep 60`;
  tmux("new-session", "-d", "-s", "sb", "-x", "150", "-y", "40", cmd);
  const first = await waitFor("the browser", () => pane().includes("trustrun scan") && pane().includes("violations 1") && pane());
  // The violation's host first, selected, with its source line marked.
  const hostLines = first.split("\n").filter((l) => /^(api\.openai\.com|\(secrets\)|contoso-east)/.test(l));
  expect(hostLines[0]).toMatch(/^api\.openai\.com\s+1\s+violation/);
  expect(first).toContain("▶ client = openai.OpenAI()");
  expect(first).toContain("(line withheld: it holds a secret)");
  assertNoSecret(first);

  const seen: string[] = [first];
  for (const key of ["Down", "Tab", "Down", "Tab", "Down", "Tab", "Down", "Down"]) {
    tmux("send-keys", "-t", "sb", key);
    await Bun.sleep(250);
    const screen = pane();
    assertNoSecret(screen);
    seen.push(screen);
  }
  // The secrets group and the Azure host were both shown on the way.
  expect(seen.some((s) => /secret\/\S+/.test(s))).toBe(true);
  expect(seen.some((s) => s.includes("call-site") && s.includes("contoso-east.openai.azure.com/openai/deployments/gpt/chat/completions"))).toBe(true);

  tmux("send-keys", "-t", "sb", "q");
  expect(await waitFor("the exit status", () => read("done.txt"))).toContain("EXIT=1"); // a violation, --fail-on violation
}, 60000);

// End-to-end: learning mode through the proxy, in a real terminal (tmux) inside the network lab.
// `trustrun run --learn --jail --level headers`: the jailed client's only way out is the proxy,
// which holds each request to a new destination until the question on the screen is answered.
// Nothing may reach the server while the question is open, nor after "deny".
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { createLab, labUnavailable, type Lab } from "../support/lab.ts";
import { openDir, readableCa } from "./support.ts";
import { tmuxServer } from "../support/tmux.ts";

const SOCKET = `trustrun-learn-proxy-${process.pid}`;
const terminal = tmuxServer(SOCKET);
const tmux = terminal.run;
const pane = terminal.pane;
const waitFor = <T>(what: string, fn: () => T | null | undefined | false, timeoutMs = 25000) => terminal.waitFor(what, fn, { timeoutMs, show: "lp" });
const why = !haveBinary ? `no binary at ${BIN} (npm run build)`
  : !Bun.which("tmux") ? "tmux is not installed"
  : !Bun.which("curl") ? "curl (the test client) is not installed"
  : labUnavailable();
if (why) console.warn(`skipping the learning-mode proxy end-to-end test: ${why}`);

let lab: Lab;
let labCa = "";
const home = openDir("trustrun-learn-proxy-");

beforeAll(async () => {
  if (why) return;
  lab = await createLab({ names: { "api.openai.com": "10.88.0.20" }, tls: true });
  labCa = readableCa(lab);
  writeFileSync(join(home, "P.yaml"), "name: learn-proxy\ndefault: alert\n");
});

afterAll(async () => {
  terminal.kill();
  await lab?.close();
  if (!process.env.KEEP) rmSync(home, { recursive: true, force: true });
});

const read = (f: string) => (existsSync(join(home, f)) ? readFileSync(join(home, f), "utf8") : "");


test.skipIf(why !== null)("a proxied request waits for the answer: nothing reaches the server while asked, nor after d; a then lets the next one through", async () => {
  const before = lab.requestsTo("api.openai.com").length;
  const client = [
    `curl -sS -o /dev/null -w "held %{http_code}\\n" --max-time 60 https://api.openai.com/v1/held`,
    `curl -sS -o /dev/null -w "allowed %{http_code}\\n" --max-time 60 https://api.openai.com/v1/allowed`,
  ].join("; ");
  const cmd = `cd ${home} && ${lab.exec.join(" ")} env TRUSTRUN_HOME=${home} NODE_EXTRA_CA_CERTS=${labCa} ${BIN} run --learn --jail --level headers --policy P.yaml --db ${join(home, "d.db")} --log ${join(home, "run.ndjson")} -- sh -c '(${client}) > out.txt 2>&1'; echo EXIT=$? > done.txt; sleep 120`;
  tmux("new-session", "-d", "-s", "lp", "-x", "170", "-y", "45", cmd);

  await waitFor("the first question", () => pane("lp").includes("Allow api.openai.com:443 for curl") && pane("lp"));
  await Bun.sleep(1000); // the request is waiting in the proxy: the server must not have it
  expect(lab.requestsTo("api.openai.com").length).toBe(before);
  tmux("send-keys", "-t", "lp", "d");
  await waitFor("the denied request's answer", () => read("out.txt").includes("held "));
  expect(read("out.txt")).toContain("held 403");

  await waitFor("the second question", () => pane("lp").includes("Allow api.openai.com:443 for curl") && read("out.txt").includes("held"));
  expect(lab.requestsTo("api.openai.com").length).toBe(before);
  tmux("send-keys", "-t", "lp", "a");
  await waitFor("the allowed request's answer", () => read("out.txt").includes("allowed "));
  expect(read("out.txt")).toContain("allowed 200");
  expect(lab.requestsTo("api.openai.com").slice(before).map((q) => q.path)).toEqual(["/v1/allowed"]);

  await waitFor("the exit banner", () => pane("lp").includes("[exited 0]"));
  tmux("send-keys", "-t", "lp", "q");
  expect(await waitFor("trustrun to exit", () => read("done.txt"))).toContain("EXIT=0");
  // One question per request, each recorded once with its answer (the proxy's record is not asked again).
  const events = read("run.ndjson").trim().split("\n").map((l) => JSON.parse(l));
  const decisions = events.filter((e) => e.type === "decision").map((e) => e.answer);
  expect(decisions).toEqual(["deny-once", "allow-once"]);
  const proxied = events.filter((e) => e.type === "connection" && e.probe === "proxy");
  expect(proxied.map((c) => [c.http?.path, c.verdict, c.reason])).toEqual([
    ["/v1/held", "block", "learning: answered deny-once"],
    ["/v1/allowed", "allow", "learning: answered allow-once"],
  ]);
}, 90000);

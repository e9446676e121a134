// A store with one session, its connections and alerts, a policy and a scan over a small tree.
import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore, type Store } from "../../src/store/index.ts";
import type { AlertEvent, ConnectionEvent, SessionEvent } from "../../src/core/types.ts";

export const TOKEN = "test-token-0123456789abcdef";
export const HOSTS = ["localhost", "127.0.0.1:7777", "localhost:7777"];

export function connection(over: Partial<ConnectionEvent> = {}): ConnectionEvent {
  return {
    type: "connection", ts: Date.now(), session: "sess-0001aaaa", pid: 4242, ppid: 1, exe: "/usr/bin/python3",
    argv: ["python3", "app.py"], proto: "tcp", dst: { ip: "203.0.113.7", port: 443 }, host: "api.openai.com",
    hostSource: "dns", probe: "ebpf", verdict: "alert", rule: "deny[0]", reason: "public AI API", ...over,
  };
}

export function sessionStart(id = "sess-0001aaaa", ts = Date.now() - 60_000): SessionEvent {
  return {
    type: "session", phase: "start", session: id, ts, target: { mode: "run", pid: 4242, argv: ["python3", "app.py", "--api-key", "[REDACTED]"] },
    policy: "clinic.yaml", probes: [{ name: "ebpf", complete: true }, { name: "pcap", complete: true, note: "hostnames from DNS" }], complete: true,
  };
}

export interface Fixture {
  store: Store;
  dir: string;
  scanId: number;
  alertId: number;
}

export function makeFixture(): Fixture {
  const dir = mkdtempSync(join(tmpdir(), "trw-web-"));
  const store = openStore(join(dir, "trustrun.db"));
  const start = sessionStart();
  store.startSession(start);
  store.appendEvents([
    connection({ ts: start.ts + 1000, verdict: "allow", rule: "allow[0]", host: "bedrock-runtime.us-east-1.amazonaws.com", dst: { ip: "198.51.100.1", port: 443 }, reason: "preset aws-bedrock", http: { method: "POST", path: "/model/m/invoke", tenant: { awsAccount: "123456789012", awsRegion: "us-east-1", awsService: "bedrock" } } }),
    connection({ ts: start.ts + 2000, http: { method: "POST", path: "/v1/chat?api_key=sk-proj-abcdefghijklmnopqrstuv", headers: { authorization: "Bearer abcdefghijklmnop", "x-req": "token=hunter2hunter2" } } }),
    connection({ ts: start.ts + 3000, verdict: "block", rule: "deny[1]", host: "evil.example", dst: { ip: "192.0.2.66", port: 8443 }, exe: "/usr/bin/curl", pid: 4243, reason: "not in the allowlist" }),
  ]);
  const alert: AlertEvent = {
    type: "alert", ts: start.ts + 2000, session: start.session, severity: "high", pid: 4242, dst: { ip: "203.0.113.7", port: 443 },
    host: "api.openai.com", rule: "deny[0]", message: "python3 sent data to api.openai.com (public AI API)", suggestion: "Use the Azure OpenAI tenant under your BAA",
  };
  store.appendAlerts([alert]);
  store.endSession({ ...start, phase: "end", ts: start.ts + 5000, exitCode: 0, counts: { connections: 3, violations: 2, destinations: 3 } });
  store.savePolicy("clinic", "name: clinic\ndefault: alert\nallow:\n  - host: bedrock-runtime.us-east-1.amazonaws.com\n    ports: [443]\n");

  const root = join(dir, "project");
  mkdirSync(join(root, "src"), { recursive: true });
  writeFileSync(join(root, "src", "client.py"), [
    "import requests",
    "API_KEY = 'sk-proj-abcdefghijklmnopqrstuvwx123456'",
    "",
    "def send(data):",
    "    return requests.post('https://api.openai.com/v1/chat/completions', json=data)",
    "",
  ].join("\n"));
  const scanId = store.saveScan({
    version: "1", root, stats: { files: 1, bytes: 200, ms: 12 },
    findings: [
      { kind: "secret", value: "sk-proj-abc…[REDACTED]", host: null, file: "src/client.py", line: 2, column: 11, language: "python", analyzer: "regex", rule: "secret/openai-key", verdict: "violation" },
      { kind: "url", value: "https://api.openai.com/v1/chat/completions", host: "api.openai.com", file: "src/client.py", line: 5, column: 28, language: "python", analyzer: "tree-sitter", rule: "url/https", verdict: "violation" },
    ],
  }, Date.now(), "clinic");
  const alertId = store.listAlerts()[0].id;
  return { store, dir, scanId, alertId };
}

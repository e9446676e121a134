// Synthetic events for the TUI tests and the bench.
import type { AlertEvent, ConnectionEvent, PromptRequest, SessionEvent, Verdict } from "../../core/types.ts";

export function conn(over: Partial<ConnectionEvent> & { verdict?: Verdict } = {}): ConnectionEvent {
  return {
    type: "connection", session: "s1", ts: 1_700_000_000_000, pid: 100, ppid: 1, exe: "/usr/bin/python3", argv: ["python3", "app.py"],
    proto: "tcp", dst: { ip: "10.0.0.1", port: 443 }, host: "api.example.com", hostSource: "dns", probe: "ebpf",
    verdict: "allow", rule: "allow[0]", reason: "allowed by allow[0]", ...over,
  };
}

export function alert(over: Partial<AlertEvent> = {}): AlertEvent {
  return {
    type: "alert", ts: 1_700_000_000_000, session: "s1", severity: "high", pid: 100, dst: { ip: "10.0.0.9", port: 443 },
    host: "bad.example.com", rule: "deny[0]", message: "python3 connected to bad.example.com:443", suggestion: "remove the call", ...over,
  };
}

export function sessionStart(over: Partial<SessionEvent> = {}): SessionEvent {
  return {
    type: "session", phase: "start", session: "abc123", ts: 1_700_000_000_000, target: { mode: "run", pid: 4242, argv: ["python3", "app.py"] },
    policy: "team-policy", probes: [{ name: "ebpf", complete: true }], complete: true, ...over,
  };
}

export function promptReq(over: Partial<PromptRequest> = {}): PromptRequest {
  return {
    id: "p1", ts: 1_700_000_000_000, session: "s1", pid: 1234, exe: "/usr/bin/python3", argv: ["python3", "app.py"], proto: "tcp",
    dst: { ip: "10.1.2.3", port: 443 }, host: "api.openai.com", deadline: 1_700_000_030_000, ...over,
  };
}

// Shared data contracts. Every module speaks these; the NDJSON output is these objects as-is.

export type Verdict = "allow" | "alert" | "block" | "kill";
export type RuleAction = "alert" | "block" | "kill";
export type DefaultAction = RuleAction | "allow" | "prompt";
export type CaptureLevel = "metadata" | "headers" | "full";
export type Proto = "tcp" | "udp";
export type HostSource = "dns" | "sni" | "proxy" | "sentinel";
export type ProbeName = "ebpf" | "ptrace" | "sockdiag" | "proc" | "pcap" | "proxy" | "sentinel" | "lsof" | "nettop";

export interface Endpoint {
  ip: string;
  port: number;
}

export interface HttpFacts {
  method?: string;
  path?: string;
  status?: number;
  headers?: Record<string, string>;
  /** Proxy capture (headers/full levels): response headers, timing and sizes; secrets redacted. */
  responseHeaders?: Record<string, string>;
  durationMs?: number;
  requestBytes?: number;
  responseBytes?: number;
  /** Full level only: bodies after redaction, each cut at the capture cap. */
  body?: { request?: string; response?: string };
  /** Who the request is for, where the host alone cannot tell (AWS account/key, Azure tenant/resource). */
  tenant?: TenantFacts;
}

export interface TenantFacts {
  awsAccount?: string;
  /** Access key id, masked to its first and last four characters. */
  awsAccessKey?: string;
  awsRegion?: string;
  awsService?: string;
  /** Entra ID tenant (the `tid` claim of a bearer token). */
  azureTenant?: string;
  azureResource?: string;
}

/** What a probe saw, before policy. */
export interface ObservedConnection {
  ts: number; // ms since epoch
  pid: number;
  ppid: number | null;
  exe: string | null;
  argv: string[] | null;
  proto: Proto;
  dst: Endpoint;
  host: string | null;
  hostSource: HostSource | null;
  probe: ProbeName;
  package?: string;
  http?: HttpFacts;
}

/** The policy's answer for one connection. */
export interface Decision {
  verdict: Verdict | "prompt";
  rule: string | null; // rule id, e.g. "deny[0]" or "preset:public-ai-apis/deny[2]"; null for the default
  reason: string;
}

/** NDJSON `connection` record: observed facts plus the applied verdict. */
export interface ConnectionEvent extends ObservedConnection {
  type: "connection";
  session: string;
  verdict: Verdict;
  rule: string | null;
  reason: string;
  enforced?: string; // what was done: "rejected by cgroup firewall", "killed tree", "not enforced: needs root"
  /** `watch`: the socket was already open when TrustRun attached (listed from /proc, not seen opening). */
  existing?: true;
}

export interface ProbeStatus {
  name: ProbeName;
  complete: boolean; // sees every connection (event-driven), or polling that can miss short-lived ones
  note?: string;
}

export interface SessionEvent {
  type: "session";
  phase: "start" | "end";
  session: string;
  ts: number;
  target: { pid?: number; argv?: string[]; mode: "run" | "watch" };
  policy: string;
  probes: ProbeStatus[];
  complete: boolean;
  exitCode?: number | null;
  counts?: { connections: number; violations: number; destinations: number };
  /** End of a `run` whose command exited while processes it started still ran (daemons): their pids. */
  outlived?: number[];
}

export interface DnsEvent {
  type: "dns";
  ts: number;
  session: string;
  pid: number | null;
  name: string;
  answers: string[];
  probe: ProbeName;
}

export interface AlertEvent {
  type: "alert";
  ts: number;
  session: string;
  severity: "low" | "medium" | "high" | "critical";
  pid: number | null;
  dst: Endpoint | null;
  host: string | null;
  rule: string | null;
  message: string;
  suggestion: string;
}

export interface SignalEvent {
  type: "signal";
  ts: number;
  session: string;
  pid: number | null;
  kind: string;
  detail: Record<string, unknown>;
}

export type TrustRunEvent = ConnectionEvent | SessionEvent | DnsEvent | AlertEvent | SignalEvent | DecisionEvent;

/** Scan finding, as in the scan JSON contract. */
export interface Finding {
  kind: "url" | "host" | "ip" | "secret" | "sdk-client" | "call-site";
  value: string; // redacted for secrets
  host: string | null;
  file: string;
  line: number;
  column: number;
  language: string;
  analyzer: string;
  rule: string;
  verdict: "allowed" | "violation" | "unknown";
  fingerprint?: string;
}

/** Learning mode: a question to a person about one destination. */
export interface PromptRequest {
  id: string;
  ts: number;
  session: string;
  pid: number;
  exe: string | null;
  argv: string[] | null;
  proto: Proto;
  dst: Endpoint;
  host: string | null;
  /** When the policy default applies if nobody answers. */
  deadline: number;
}

export type PromptAnswer = "allow-once" | "allow-always" | "deny-once" | "deny-always" | "kill";

/** NDJSON `decision` record: how a prompt was answered (or timed out). */
export interface DecisionEvent {
  type: "decision";
  ts: number;
  session: string;
  prompt: string;
  host: string | null;
  dst: Endpoint;
  answer: PromptAnswer | "timeout" | "no-ui";
  by: "tui" | "web" | "default";
}

/** A destination learning mode decided, as the policy file records it (learned: or deny:). */
export interface LearnedEntry {
  host?: string;
  ip?: string;
  port?: number;
  proto?: string;
  comment: string;
  kind: "allow" | "deny";
}

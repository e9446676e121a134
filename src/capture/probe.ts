import type { Endpoint, ProbeName, Proto } from "../core/types.ts";

/**
 * The contract between capture probes and the session that runs them.
 * A probe reports raw facts; the session joins them (pid → process info, ip → hostname),
 * evaluates policy and enforces. Probes never decide.
 */

export interface ProbeTarget {
  mode: "run" | "watch";
  /** Root of the process tree to follow. For `run` this is the launched process. */
  rootPid: number;
  /** Pids already in the tree when the probe starts (watch mode: existing descendants). */
  initialPids: number[];
  /** cgroup v2 directory the launched tree lives in, when TrustRun created one (root only). */
  cgroupPath?: string;
}

export interface RawConnect {
  ts: number; // ms since epoch
  pid: number; // tgid
  tid?: number;
  ppid?: number | null;
  comm?: string; // kernel task name, a hint when /proc is already gone
  proto: Proto;
  dst: Endpoint;
  probe: ProbeName;
  /** The process is held (SIGSTOPped by the probe) until the session calls release(). */
  held?: boolean;
  /** Seen when TCP sent its SYN, not at connect() (io_uring, TCP Fast Open): it could not be held. */
  atSyn?: boolean;
  /** `watch`: open before TrustRun attached (listed once at the start). */
  existing?: boolean;
}

export interface RawDns {
  ts: number;
  pid: number | null;
  /** Raw DNS message bytes (query or answer); the session parses them with capture/dns.ts. */
  payload?: Uint8Array;
  /** Already-parsed facts, when the probe parsed them itself. */
  name?: string;
  answers?: string[];
  probe: ProbeName;
}

export interface RawSni {
  ts: number;
  pid: number | null;
  dst: Endpoint;
  host: string;
  alpn?: string[];
  probe: ProbeName;
}

export interface RawProcess {
  ts: number;
  pid: number;
  ppid: number | null;
  event: "fork" | "exec" | "exit";
  exe?: string;
  argv?: string[];
  exitCode?: number;
}

export interface ProbeSink {
  connect(ev: RawConnect): void;
  dns(ev: RawDns): void;
  sni(ev: RawSni): void;
  process(ev: RawProcess): void;
  /** A non-fatal problem (lost events, a parse failure); shown once to the user and stored. */
  warn(message: string): void;
}

export interface Probe {
  readonly name: ProbeName;
  /** Event-driven (sees every connection) rather than polling. */
  readonly complete: boolean;
  start(target: ProbeTarget, sink: ProbeSink): Promise<void>;
  /** Flush what is buffered, then release every resource. Safe to call twice. */
  stop(): Promise<void>;
  /** Resume a process this probe held (see RawConnect.held). */
  release?(pid: number): void;
  /** Hold (stop) a process at connect() to a destination not yet decided, until release(). */
  setHold?(on: boolean): void;
  /** A decided destination: later connects to it are not held again. */
  allowDestination?(ip: string, port: number): void;
  /** A name the policy allows: looking it up does not put decided addresses back on hold. */
  allowName?(name: string): void;
  /**
   * For probes that must own the launch (ptrace runs CMD under strace): called once before the
   * session spawns, returns the argv to spawn instead. start() follows with rootPid = the pid of
   * what was spawned; the real command is its child and keeps stdio, signals and exit code.
   */
  wrapLaunch?(argv: string[]): string[];
}

export interface Availability {
  ok: boolean;
  /** Why not, and what to install or which privilege is missing. */
  reason?: string;
}

export interface ProbeFactory {
  readonly name: ProbeName;
  readonly complete: boolean;
  /** Which modes it can serve. */
  readonly modes: ReadonlyArray<"run" | "watch">;
  available(mode: "run" | "watch"): Promise<Availability> | Availability;
  create(): Probe;
}

import { randomBytes } from "node:crypto";
import type { CompiledPolicy } from "../policy/types.ts";
import type { PromptAnswer, PromptRequest, ProbeStatus, SessionEvent, TrustRunEvent } from "../core/types.ts";
import { openStore, type Store } from "../store/index.ts";
import { createEventWriter } from "../store/writer.ts";
import { chooseProbes } from "../capture/select.ts";
import { linuxProbeFactories } from "../capture/probes.ts";
import { createPtraceProbeFactory } from "../capture/ptrace/ptrace-probe.ts";
import { createCaptureSession, type CaptureSession } from "../capture/session.ts";
import { createEnforcer } from "../capture/enforce/index.ts";
import { createSessionCgroup, type SessionCgroup } from "../capture/enforce/cgroup.ts";
import { startReleaseGuard, type ReleaseGuard } from "../capture/enforce/release-guard.ts";
import { releaseGuardCommand } from "./commands/release-guard.ts";
import type { Probe, ProbeFactory, ProbeTarget } from "../capture/probe.ts";
import { createOutput, type Output, type OutputMode } from "./output/sink.ts";
import { CliError } from "./command.ts";
import { redactArgv } from "../core/redact.ts";

export interface MonitorOptions {
  mode: "run" | "watch";
  policy: CompiledPolicy;
  probes: string[];
  output: OutputMode;
  logFile?: string;
  dbPath?: string;
  stream: NodeJS.WriteStream;
  factories?: ProbeFactory[];
  promptTimeoutMs?: number;
  /** Probes that failed to start in an earlier attempt: auto selection passes over them. */
  exclude?: string[];
  /** Learning mode: answers `prompt` decisions (the live screen). */
  prompt?: (req: PromptRequest) => Promise<PromptAnswer | "timeout">;
  /** The live screen, attached from the start: events and notes go to it instead of the terminal. */
  ui?: LiveUi | null;
  /** `run --jail`: direct connections are refused by the jail's network namespace. */
  jailed?: boolean;
}

/** Where events and notes go while the live screen is up. */
export interface LiveUi {
  push(events: TrustRunEvent[]): void;
  note(message: string): void;
}

export interface Monitor {
  id: string;
  store: Store;
  output: Output;
  probes: Probe[];
  cgroup: SessionCgroup | null;
  session: CaptureSession;
  /** Starts probes; returns false (after saying why) when no probe that knows pids could start. */
  start(target: ProbeTarget, targetInfo: SessionEvent["target"]): Promise<boolean>;
  /** Probes that failed to start. */
  failedProbes(): string[];
  finish(exitCode: number | null): Promise<{ violations: number }>;
  onEvent(listener: (events: TrustRunEvent[]) => void): void;
  /** Attaches the live screen (text lines pause) or, with null, detaches it (text lines resume). */
  attachUi(ui: LiveUi | null): void;
}

export function newSessionId(): string {
  return randomBytes(6).toString("hex");
}

function policyCanBlock(policy: CompiledPolicy): boolean {
  return policy.defaultAction === "block" || policy.defaultAction === "prompt" || policy.rules.some((r) => r.kind === "deny" && r.action === "block");
}

/** Everything `run` and `watch` share: probes, store, output, policy, enforcement. */
export async function createMonitor(opts: MonitorOptions): Promise<Monitor> {
  const factories = (opts.factories ?? linuxProbeFactories).filter((f) => !opts.exclude?.includes(f.name));
  const choice = await chooseProbes(opts.mode, opts.probes, factories).catch((err) => {
    throw new CliError((err as Error).message, 2);
  });
  if (!choice.chosen.some((f) => f.name !== "pcap")) {
    if (choice.lost.length === 0) {
      throw new CliError("--probe pcap alone cannot run: it sees hostnames but not which process connected; add a probe that knows pids (e.g. --probe ebpf,pcap or --probe ptrace,pcap)", 2);
    }
    const why = choice.lost.map((l) => `  ${l.name}: ${l.reason}`).join("\n");
    throw new CliError(`no capture probe can run here:\n${why}`, 1);
  }
  const id = newSessionId();
  let store: Store;
  try {
    store = openStore(opts.dbPath);
  } catch (err) {
    throw new CliError(`cannot open the database ${opts.dbPath ?? "(default)"}: ${(err as Error).message}`);
  }
  let ui: LiveUi | null = opts.ui ?? null;
  // While the live screen is up the terminal belongs to it: text lines wait, notes go to the screen.
  const screen = { isTTY: opts.stream.isTTY, write: (s: string) => (ui ? true : opts.stream.write(s)) } as unknown as NodeJS.WriteStream;
  const sink = createOutput({ mode: opts.output, stream: screen, logFile: opts.logFile, dbPath: opts.dbPath });
  const output: Output = { ...sink, note: (m: string) => (ui ? ui.note(m) : sink.note(m)) };
  for (const lost of choice.lost) output.note(`probe ${lost.name} not used: ${lost.reason}`);
  if (!choice.complete) {
    const remedy = process.getuid?.() === 0 ? "choose --probe auto, ebpf or ptrace" : "run as root for eBPF, or install strace";
    output.note(`only polling probes run: connections shorter than the poll interval can be missed (${remedy})`);
  }

  const isRoot = process.getuid?.() === 0;
  const cgroup = opts.mode === "run" && isRoot ? createSessionCgroup(id) : null;
  const enforcer = createEnforcer({ sessionId: id, mode: opts.mode, cgroup, jailed: opts.jailed });
  if (policyCanBlock(opts.policy)) for (const n of enforcer.notes) output.note(n);
  if (opts.policy.notice) output.note(opts.policy.notice);
  for (const w of opts.policy.warnings) output.note(`policy: ${w}`);

  const listeners: Array<(events: TrustRunEvent[]) => void> = [(events) => output.write(events), (events) => ui?.push(events)];
  const writer = createEventWriter(store, {
    onWritten: (events) => {
      for (const l of listeners) l(events);
    },
    onError: (err) => output.note(`storing events failed: ${err.message}`),
  });
  // With pcap on the wire, strace need not stop the program on every receive to read DNS answers.
  const pcapToo = choice.chosen.some((f) => f.name === "pcap");
  const probes = choice.chosen.map((f) => (f.name === "ptrace" && pcapToo ? createPtraceProbeFactory({ dnsAnswers: false }) : f).create());
  // Holding a process at connect() until its destination is judged is what lets block stop the
  // first connection's data, not only later ones; it is only worth its cost when the policy can act.
  const policyActs = opts.policy.defaultAction === "prompt" || opts.policy.defaultAction === "kill" || policyCanBlock(opts.policy)
    || opts.policy.rules.some((r) => r.kind === "deny" && r.action === "kill");
  if (policyActs && (opts.mode === "run" || opts.policy.rules.some((r) => r.action === "kill"))) {
    for (const p of probes) p.setHold?.(true);
  }
  // Whenever the target can be held (a connect until judged, the tree while a question is open),
  // a guard process resumes it should this process die holding it.
  let guard: ReleaseGuard | null = null;
  const session = createCaptureSession({
    id,
    policy: opts.policy,
    probes,
    enforcer,
    emit: (ev) => writer.write(ev),
    promptTimeoutMs: opts.promptTimeoutMs,
    prompt: opts.prompt,
    onWarning: (m) => output.note(m),
  });
  let statuses: ProbeStatus[] = [];
  let startEvent: SessionEvent | null = null;

  return {
    id, store, output, probes, cgroup, session,
    async start(target, targetInfo) {
      if (policyActs && !guard) guard = startReleaseGuard(releaseGuardCommand(), { rootPid: target.rootPid, ...(cgroup ? { cgroupPath: cgroup.path } : {}) });
      statuses = await session.start(target);
      for (const s of statuses) if (s.note) output.note(`probe ${s.name}: ${s.note}`);
      const complete = statuses.some((s) => s.complete && !s.note && s.name !== "pcap");
      const attributed = statuses.some((s) => !s.note && s.name !== "pcap");
      if (!attributed) return false; // nothing recorded: the caller retries or gives up
      startEvent = {
        type: "session", phase: "start", session: id, ts: Date.now(),
        target: { ...targetInfo, ...(targetInfo.argv ? { argv: redactArgv(targetInfo.argv) ?? undefined } : {}) },
        policy: opts.policy.name, probes: statuses, complete,
      };
      store.startSession(startEvent);
      for (const l of listeners) l([startEvent]);
      return attributed;
    },
    async finish(exitCode) {
      // Processes the command started that outlive it (daemons, background jobs): the session
      // cannot follow them once it ends, and says so; its firewall rules stay until they are gone.
      const outlived = opts.mode === "run" && cgroup && startEvent ? cgroup.pids().slice(0, 1000) : [];
      const handOver = outlived.length > 0 && guard !== null;
      await session.stop({ keepEnforcement: handOver });
      if (handOver) guard!.handOver();
      else guard?.done(); // every hold was released by stop()
      if (outlived.length) {
        const list = outlived.slice(0, 10).join(", ") + (outlived.length > 10 ? ", …" : "");
        output.note(`${outlived.length} process${outlived.length === 1 ? "" : "es"} of the tree still run${outlived.length === 1 ? "s" : ""} after the command exited (pid ${list}): from now on ${outlived.length === 1 ? "its" : "their"} connections are not seen${handOver ? "; this session's firewall rules stay in force until they exit" : ""}`);
      }
      writer.flush();
      if (!handOver) cgroup?.remove();
      if (!startEvent) {
        store.close();
        return { violations: 0 };
      }
      const counts = session.counts();
      const end: SessionEvent = {
        ...startEvent, phase: "end", ts: Date.now(), exitCode, counts,
        ...(outlived.length ? { complete: false, outlived } : {}),
      };
      store.endSession(end);
      for (const l of listeners) l([end]);
      store.close();
      return { violations: counts.violations };
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    attachUi(next) {
      ui = next;
    },
    failedProbes() {
      return statuses.filter((s) => s.note).map((s) => s.name);
    },
  };
}

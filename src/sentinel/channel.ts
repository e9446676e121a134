// Monitor side of the agent transport: reads NDJSON from the signals FIFO in the private
// directory, decodes it, answers blocking decision requests through per-process FIFOs, and
// tracks drift (request shapes, event loop, build artifacts, child binaries).
import { unrefSleep } from "../core/timeout.ts";
import { closeSync, writeSync } from "node:fs";
import type { SignalEvent } from "../core/types.ts";
import { compareSnapshots, loadSnapshot, saveSnapshot, sha256File, snapshotArtifacts, stateFileFor, type ArtifactSnapshot } from "./drift.ts";
import { mkfifo, openFifoHolder } from "./fifo.ts";
import { createLineSplitter, decodeLine, type AgentMessage, type AskMsg, type HelloMsg } from "./protocol.ts";
import { createLoopTracker, createShapeTracker, toOutputs, type SentinelOutput } from "./signals.ts";

export interface DecisionRequest {
  pid: number;
  host: string;
  port: number;
  package: string;
  ts: number;
}
export type DecisionAnswer = "allow" | "deny";

export interface SentinelChannel {
  readonly dir: string;
  /** Every decoded fact and signal, in arrival order. Returns an unsubscribe function. */
  onSignal(cb: (out: SentinelOutput) => void): () => void;
  /** Learning mode: the agent blocks the calling program until this resolves. */
  onDecisionRequest(cb: (req: DecisionRequest) => Promise<DecisionAnswer>): void;
  /** Messages that failed to decode (for diagnostics and tests). */
  readonly rejected: number;
  close(): Promise<void>;
}

export interface ChannelOptions {
  dir: string;
  session?: string;
  /** Where drift state is kept ($TRUSTRUN_HOME/sentinel/); drift across sessions is off without it. */
  stateDir?: string;
  /** Identifies "the same command" across sessions; defaults to the first process's argv. */
  commandKey?: string;
  /** Answer when no decision handler is registered or it fails. */
  askFallback?: DecisionAnswer;
}

const MAX_DRIFT_SIGNALS = 50;

export async function openChannel(opts: ChannelOptions): Promise<SentinelChannel> {
  const session = opts.session ?? "";
  const signalsPath = `${opts.dir}/signals`;
  mkfifo(signalsPath, 0o600);
  const fd = openFifoHolder(signalsPath);
  const listeners = new Set<(out: SentinelOutput) => void>();
  let decider: ((req: DecisionRequest) => Promise<DecisionAnswer>) | null = null;
  const respFds = new Map<number, number>();
  const trackers = { shapes: createShapeTracker(), loop: createLoopTracker() };
  let rejected = 0;
  let closed = false;
  const pending: Promise<unknown>[] = [];

  // Across sessions: previous snapshot for this command, and the binaries children ran.
  let stateFile: string | null = null;
  let previous: ArtifactSnapshot | null = null;
  let current: ArtifactSnapshot | null = null;
  const binaries = new Set<string>();
  if (opts.stateDir && opts.commandKey) {
    stateFile = stateFileFor(opts.stateDir, opts.commandKey);
    previous = await loadSnapshot(stateFile);
  }

  function emit(out: SentinelOutput): void {
    for (const cb of listeners) {
      try {
        cb(out);
      } catch {
        /* a listener's failure is its own */
      }
    }
  }
  function signal(pid: number | null, kind: string, detail: Record<string, unknown>): SignalEvent {
    return { type: "signal", ts: Date.now(), session, pid, kind, detail };
  }

  // The runtime binary's hash, once per distinct executable seen in this session.
  const hashed = new Map<string, Promise<string | null>>();
  async function hashRuntime(m: HelloMsg): Promise<void> {
    if (!m.execPath || hashed.has(m.execPath) || hashed.size > 64) return;
    const p = sha256File(m.execPath);
    hashed.set(m.execPath, p);
    const sha256 = await p;
    emit(signal(m.pid, "runtime-binary", { execPath: m.execPath, runtime: m.runtime, version: m.version, sha256 }));
  }

  async function onHello(m: HelloMsg): Promise<void> {
    await hashRuntime(m);
    if (current || !opts.stateDir) return;
    current = { runtime: null, lockfiles: {}, packages: {}, binaries: [], takenAt: Date.now() };
    if (!stateFile) {
      stateFile = stateFileFor(opts.stateDir, opts.commandKey ?? m.argv.join(" "));
      previous = await loadSnapshot(stateFile);
    }
    const snap = await snapshotArtifacts({ execPath: m.execPath, version: m.version, cwd: m.cwd });
    current = { ...snap, binaries: current.binaries };
    if (previous) {
      const changes = compareSnapshots(previous, current);
      for (const c of changes.slice(0, MAX_DRIFT_SIGNALS)) emit(signal(m.pid, "artifact-drift", { ...c }));
      if (changes.length > MAX_DRIFT_SIGNALS) emit(signal(m.pid, "artifact-drift", { what: "summary", name: "more changes", before: null, after: String(changes.length) }));
    }
  }

  function answer(m: AskMsg, a: DecisionAnswer, rule: string | null): void {
    const rfd = respFds.get(m.pid);
    if (rfd === undefined) return;
    try {
      writeSync(rfd, `${JSON.stringify({ id: m.id, answer: a, rule })}\n`);
    } catch {
      /* the process is gone or not reading */
    }
  }
  async function onAsk(m: AskMsg): Promise<void> {
    if (!respFds.has(m.pid)) {
      const path = `${opts.dir}/r-${m.pid}`;
      try {
        mkfifo(path, 0o600);
        respFds.set(m.pid, openFifoHolder(path));
      } catch {
        return; // the agent times out and applies its fallback
      }
    }
    let a: DecisionAnswer = opts.askFallback ?? "allow";
    let rule: string | null = null;
    if (decider) {
      try {
        a = (await decider({ pid: m.pid, host: m.host, port: m.port, package: m.pkg, ts: m.ts })) === "deny" ? "deny" : "allow";
        rule = "prompt";
      } catch {
        /* fallback */
      }
    }
    if (!closed) answer(m, a, rule);
  }

  function handle(m: AgentMessage): void {
    if (m.t === "hello") pending.push(onHello(m).catch(() => undefined));
    if (m.t === "ask") {
      pending.push(onAsk(m));
      return;
    }
    if (m.t === "child") {
      const isNew = previous !== null && previous.binaries.length > 0 && !previous.binaries.includes(m.file) && !binaries.has(m.file);
      binaries.add(m.file);
      if (isNew) m.anomalies.push("binary not run by the previous session of this command");
    }
    for (const out of toOutputs(m, session, trackers)) emit(out);
  }

  const split = createLineSplitter((line) => {
    const m = decodeLine(line);
    if (m) handle(m);
    else rejected++;
  });
  const reader = Bun.file(fd).stream().getReader();
  const pump = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || closed) break;
        if (value) split(value);
      }
    } catch {
      /* closed under us */
    }
  })();

  return {
    dir: opts.dir,
    get rejected() {
      return rejected;
    },
    onSignal(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    onDecisionRequest(cb) {
      decider = cb;
    },
    async close() {
      if (closed) return;
      // Let what is already in the pipe arrive before closing.
      await Bun.sleep(30);
      closed = true;
      try {
        await reader.cancel();
      } catch {
        /* already done */
      }
      await Promise.race([pump, unrefSleep(200)]);
      try {
        closeSync(fd);
      } catch {
        /* already closed */
      }
      for (const rfd of respFds.values()) {
        try {
          closeSync(rfd);
        } catch {
          /* already closed */
        }
      }
      await Promise.race([Promise.allSettled(pending), unrefSleep(2000)]);
      if (stateFile && current) {
        const snap = current as ArtifactSnapshot;
        try {
          await saveSnapshot(stateFile, { ...snap, binaries: [...new Set([...snap.binaries, ...binaries])].slice(0, 500) });
        } catch {
          /* state is best effort */
        }
      }
    },
  };
}

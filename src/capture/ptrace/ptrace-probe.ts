import { unrefSleep } from "../../core/timeout.ts";
import { closeSync, constants, createReadStream, openSync, readFileSync, type ReadStream } from "node:fs";
import type { Subprocess } from "bun";
import type { Availability, Probe, ProbeFactory, ProbeSink, ProbeTarget } from "../probe.ts";
import { readTaskIds } from "../procinfo/procinfo.ts";
import { createFifo, type Fifo } from "./fifo.ts";
import { attachCommand, parseAttached, parseStraceVersion, runCommand } from "./strace-command.ts";
import { createStraceDecoder, type Decoded } from "./strace-decoder.ts";

// The ptrace probe: strace follows the tree and writes one line per traced syscall to a FIFO
// that we read as a stream. Event-driven, so it sees every connect() (complete: true).
// `run` launches CMD under strace (wrapLaunch); `watch` attaches with strace -p.

const INSTALL_HINT = "install strace (Debian: strace)";
const MAX_LINE = 1 << 20;
const ATTACH_TIMEOUT_MS = 5000;

export interface PtraceOptions {
  /** Also trace recvfrom/recvmsg to pass DNS answers on (costs a stop per TCP recv()). */
  dnsAnswers?: boolean;
  /** Path of strace; found on PATH when absent. */
  strace?: string;
}

interface StraceInfo {
  path: string;
  seccomp: boolean;
}

let cachedInfo: StraceInfo | null | undefined;

function straceInfo(path?: string): StraceInfo | null {
  if (!path && cachedInfo !== undefined) return cachedInfo;
  const found = path ?? Bun.which("strace");
  let info: StraceInfo | null = null;
  if (found) {
    try {
      const v = Bun.spawnSync([found, "-V"], { stdout: "pipe", stderr: "ignore" });
      const ver = parseStraceVersion(v.stdout.toString());
      // --seccomp-bpf arrived in strace 5.3.
      info = { path: found, seccomp: ver !== null && (ver[0] > 5 || (ver[0] === 5 && ver[1] >= 3)) };
    } catch {
      info = null;
    }
  }
  if (!path) cachedInfo = info;
  return info;
}

let ptraceWorks: Availability | undefined;

/** Can we trace a child at all (containers may forbid ptrace)? Checked once. */
function checkPtrace(info: StraceInfo): Availability {
  if (ptraceWorks) return ptraceWorks;
  const p = Bun.spawnSync([info.path, "-f", "-qq", "-e", "trace=none", "-o", "/dev/null", "true"], {
    stdout: "ignore",
    stderr: "pipe",
  });
  ptraceWorks =
    p.exitCode === 0
      ? { ok: true }
      : { ok: false, reason: `strace cannot trace here: ${p.stderr.toString().trim().split("\n")[0] ?? "ptrace refused"}` };
  return ptraceWorks;
}

function yamaScope(): number {
  try {
    return Number(readFileSync("/proc/sys/kernel/yama/ptrace_scope", "utf8").trim()) || 0;
  } catch {
    return 0;
  }
}

export function ptraceAvailability(mode: "run" | "watch", opts: PtraceOptions = {}): Availability {
  const info = straceInfo(opts.strace);
  if (!info) return { ok: false, reason: INSTALL_HINT };
  const works = checkPtrace(info);
  if (!works.ok) return works;
  if (mode === "watch") {
    const scope = yamaScope();
    const root = process.getuid?.() === 0;
    if (scope >= 3) return { ok: false, reason: "ptrace attach is disabled (kernel.yama.ptrace_scope=3)" };
    if (scope >= 1 && !root) {
      return { ok: false, reason: `attaching needs root or CAP_SYS_PTRACE (kernel.yama.ptrace_scope=${scope})` };
    }
  }
  return { ok: true };
}

export function createPtraceProbe(opts: PtraceOptions = {}): Probe {
  const dnsAnswers = opts.dnsAnswers ?? true;
  let fifo: Fifo | null = null;
  let stream: ReadStream | null = null;
  let streamOpened = false;
  let ended: Promise<void> = Promise.resolve();
  let attached: Subprocess | null = null;
  let stopped = false;

  function info(): StraceInfo {
    const i = straceInfo(opts.strace);
    if (!i) throw new Error(INSTALL_HINT);
    return i;
  }

  let sinkFailed = false;

  function dispatch(sink: ProbeSink, events: Decoded[]): void {
    for (const e of events) {
      try {
        if (e.kind === "connect") sink.connect(e.ev);
        else if (e.kind === "dns") sink.dns(e.ev);
        else sink.process(e.ev);
      } catch (err) {
        // A failing consumer must not stop the trace stream.
        if (!sinkFailed) sink.warn(`ptrace probe: event handler failed: ${(err as Error).message}`);
        sinkFailed = true;
      }
    }
  }

  function readTrace(path: string, sink: ProbeSink, defaultPid: number): void {
    const decoder = createStraceDecoder({ resolveTask: readTaskIds, defaultPid });
    let rest = "";
    let skipping = false;
    let warnedLong = false;
    stream = createReadStream(path, { encoding: "latin1", highWaterMark: 256 * 1024 });
    stream.on("open", () => {
      streamOpened = true;
    });
    ended = new Promise<void>((resolve) => {
      stream!.on("data", (chunk) => {
        let text = rest + (chunk as string);
        let start = 0;
        let nl: number;
        while ((nl = text.indexOf("\n", start)) >= 0) {
          const line = text.slice(start, nl);
          start = nl + 1;
          if (skipping) {
            skipping = false;
            continue;
          }
          dispatch(sink, decoder.feed(line));
        }
        text = text.slice(start);
        if (text.length > MAX_LINE) {
          // One absurd line (e.g. a giant argv): drop it rather than buffer without bound.
          if (!warnedLong) sink.warn("ptrace probe: dropped a trace line longer than 1 MiB");
          warnedLong = true;
          skipping = true;
          text = "";
        }
        rest = text;
      });
      const done = () => {
        if (rest && !skipping) dispatch(sink, decoder.feed(rest));
        rest = "";
        resolve();
      };
      stream!.on("end", done);
      stream!.on("close", done);
      stream!.on("error", (err) => {
        if (!stopped) sink.warn(`ptrace probe: trace stream failed: ${err.message}`);
        done();
      });
    });
  }

  /** A reader blocked in open() waits for a writer; open and close one so it sees EOF. */
  function unblockReader(path: string): void {
    try {
      closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // no reader waiting, or already gone
    }
  }

  async function startWatch(target: ProbeTarget, sink: ProbeSink): Promise<void> {
    const i = info();
    fifo = createFifo();
    const pids = [...new Set([target.rootPid, ...target.initialPids])];
    readTrace(fifo.path, sink, target.rootPid);
    const cmd = attachCommand(i.path, fifo.path, pids, { dnsAnswers });
    const proc = Bun.spawn(cmd, { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    attached = proc;
    const waiting = new Set(pids);
    let resolveAttach!: () => void;
    const allAttached = new Promise<void>((r) => (resolveAttach = r));
    (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      const reader = (proc.stderr as ReadableStream<Uint8Array>).getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buf += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          const pid = parseAttached(line);
          if (pid !== null) {
            waiting.delete(pid);
            if (waiting.size === 0) resolveAttach();
          } else if (line && !/detached|--seccomp-bpf/.test(line)) {
            sink.warn(`ptrace probe: ${line.replace(/^strace: /, "strace: ")}`);
          }
        }
      }
      resolveAttach();
    })().catch(() => resolveAttach());
    proc.exited.then(() => resolveAttach());
    const timer = setTimeout(resolveAttach, ATTACH_TIMEOUT_MS);
    await allAttached;
    clearTimeout(timer);
    if (waiting.size > 0) sink.warn(`ptrace probe: could not attach to ${[...waiting].join(", ")}`);
  }

  return {
    name: "ptrace",
    complete: true,
    wrapLaunch(argv: string[]): string[] {
      const i = info();
      fifo?.remove();
      fifo = createFifo();
      return runCommand(i.path, fifo.path, argv, { seccomp: i.seccomp, dnsAnswers });
    },
    async start(target: ProbeTarget, sink: ProbeSink): Promise<void> {
      stopped = false;
      if (target.mode === "watch") return startWatch(target, sink);
      if (!fifo) throw new Error("ptrace probe: run mode needs wrapLaunch() before start()");
      // The traced command is strace's child; lines without a pid prefix cannot occur with -f.
      readTrace(fifo.path, sink, target.rootPid);
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      if (attached) {
        const proc = attached;
        attached = null;
        proc.kill("SIGINT"); // strace detaches cleanly and the tracees run on
        const exited = await Promise.race([proc.exited.then(() => true), unrefSleep(3000).then(() => false)]);
        if (!exited) proc.kill("SIGKILL");
      }
      // A reader still blocked in open() means strace never started: let it see EOF now.
      // (An extra writer that opens and closes at once is harmless if strace is writing too.)
      if (fifo && !streamOpened) unblockReader(fifo.path);
      // Give strace's last lines a moment to arrive (run: strace has exited with the command).
      const flushed = await Promise.race([ended.then(() => true), unrefSleep(2000).then(() => false)]);
      if (!flushed) {
        stream?.destroy();
        await Promise.race([ended, unrefSleep(500)]);
      }
      stream = null;
      fifo?.remove();
      fifo = null;
    },
  };
}

export function createPtraceProbeFactory(opts: PtraceOptions = {}): ProbeFactory {
  return {
    name: "ptrace",
    complete: true,
    modes: ["run", "watch"],
    available: (mode) => ptraceAvailability(mode, opts),
    create: () => createPtraceProbe(opts),
  };
}

export const ptraceProbeFactory: ProbeFactory = createPtraceProbeFactory();

import { accessSync, closeSync, constants, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export interface LaunchOptions {
  argv: string[];
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** cgroup.procs file the tree joins before the command starts (root only). */
  cgroupProcs?: string;
  /** A probe that owns the launch (strace) rewrites the argv. */
  wrap?: (argv: string[]) => string[];
  /** stdin, stdout, stderr: inherited by default; a file descriptor to write to a file instead. */
  stdio?: ["inherit" | "ignore", "inherit" | number, "inherit" | number];
}

export interface LaunchedTarget {
  /** pid of what was spawned: the command itself, or the wrapper (strace) whose child it is. */
  pid: number;
  /** Lets the command run: it waits at the gate until every probe is attached. */
  release(): Promise<void>;
  exited: Promise<number>;
  signal(sig: NodeJS.Signals): void;
  cleanup(): void;
}

export class LaunchError extends Error {
  constructor(message: string, readonly exitCode: 126 | 127) {
    super(message);
  }
}

/** A shell would exit 127 for a missing command and 126 for one it cannot execute. */
export function resolveCommand(cmd: string, path = process.env.PATH ?? ""): string {
  if (cmd.includes("/")) {
    let st;
    try {
      st = statSync(cmd);
    } catch {
      throw new LaunchError(`${cmd}: no such file or directory`, 127);
    }
    if (st.isDirectory()) throw new LaunchError(`${cmd}: is a directory`, 126);
    try {
      accessSync(cmd, constants.X_OK);
    } catch {
      throw new LaunchError(`${cmd}: permission denied`, 126);
    }
    return cmd;
  }
  const found = Bun.which(cmd, { PATH: path });
  if (!found) throw new LaunchError(`${cmd}: command not found`, 127);
  return found;
}

// The gate: join the cgroup, wait until TrustRun has attached every probe, then become the command.
// exec keeps the pid, so what the probes were told to follow is the command itself.
const GATE_SCRIPT = 'cg=$1; gate=$2; shift 2; if [ -n "$cg" ]; then echo $$ > "$cg" 2>/dev/null; fi; read -r _ < "$gate"; exec "$@"';

export function launchTarget(opts: LaunchOptions): LaunchedTarget {
  resolveCommand(opts.argv[0], opts.env?.PATH ?? process.env.PATH);
  const dir = mkdtempSync(join(tmpdir(), "trustrun-gate-"));
  const gate = join(dir, "gate");
  execFileSync("mkfifo", ["-m", "600", gate]);
  const gated = ["/bin/sh", "-c", GATE_SCRIPT, "trustrun-gate", opts.cgroupProcs ?? "", gate, ...opts.argv];
  const argv = opts.wrap ? opts.wrap(gated) : gated;
  let proc: Subprocess;
  try {
    proc = Bun.spawn(argv, {
      env: opts.env as Record<string, string>,
      cwd: opts.cwd,
      stdio: opts.stdio ?? ["inherit", "inherit", "inherit"],
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new LaunchError(`${opts.argv[0]}: ${(err as Error).message}`, 126);
  }
  let released = false;
  const exited = proc.exited.then((code) => {
    const sig = proc.signalCode;
    return sig ? 128 + (osSignal(sig) ?? 0) : code;
  });
  return {
    pid: proc.pid,
    async release() {
      if (released) return;
      released = true;
      // Non-blocking open fails (ENXIO) until the gate is reading; never block the monitor on it.
      let done = false;
      proc.exited.then(() => (done = true));
      for (let i = 0; i < 2000 && !done; i++) {
        try {
          const fd = openSync(gate, constants.O_WRONLY | constants.O_NONBLOCK);
          writeSync(fd, "go\n");
          closeSync(fd);
          // The gate has the fifo open: its name is no longer needed, and a monitor killed later
          // (SIGKILL runs no cleanup) leaves nothing behind in the temp directory.
          rmSync(dir, { recursive: true, force: true });
          return;
        } catch {
          await Bun.sleep(5);
        }
      }
    },
    exited,
    signal(sig) {
      try {
        proc.kill(sig);
      } catch {
        /* already gone */
      }
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function osSignal(name: string | number): number | undefined {
  if (typeof name === "number") return name;
  return (require("node:os").constants.signals as Record<string, number>)[name];
}

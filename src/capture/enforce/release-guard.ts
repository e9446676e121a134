// A target must never stay stopped because the monitor died while holding it (a learning question
// open, a connect() held until judged): a small detached process waits on a pipe that only the
// monitor holds. The kernel closes it however the monitor ends; if the monitor did not say "done"
// first, the guard thaws the session cgroup and sends SIGCONT to the whole tree.
import { readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import type { Subprocess } from "bun";
import { signalTree } from "./index.ts";

export interface GuardedTree {
  rootPid: number;
  /** The session cgroup directory, when the tree lives in one (its freezer is thawed too). */
  cgroupPath?: string;
}

/** Thaws and resumes a tree; returns how many processes were sent SIGCONT. */
export function releaseTree(tree: GuardedTree): number {
  if (tree.cgroupPath) {
    try {
      writeFileSync(join(tree.cgroupPath, "cgroup.freeze"), "0");
    } catch {
      /* no freezer, or the cgroup is gone */
    }
  }
  return signalTree(tree.rootPid, "SIGCONT");
}

export interface ReleaseGuard {
  /** The monitor ends normally: the guard exits without touching the tree. */
  done(): void;
  /**
   * The monitor ends while processes of the tree still run (daemons): nothing is held, but the
   * session's firewall rules stay until they are gone; the guard then removes them and the cgroup.
   */
  handOver(): void;
}

/**
 * Starts the guard (`command` runs `trustrun release-guard`). Returns null when it cannot start:
 * the session runs without it, as before.
 */
export function startReleaseGuard(command: string[], tree: GuardedTree): ReleaseGuard | null {
  let proc: Subprocess<"pipe", "ignore", "ignore">;
  try {
    proc = Bun.spawn([...command, "--root", String(tree.rootPid), ...(tree.cgroupPath ? ["--cgroup", tree.cgroupPath] : [])], {
      stdin: "pipe", stdout: "ignore", stderr: "ignore",
      // Its own session: a Ctrl-C or a hangup for the terminal's process group does not reach it.
      detached: true,
    });
  } catch {
    return null;
  }
  proc.unref();
  let ended = false;
  const say = (word: string) => {
    if (ended) return;
    ended = true;
    try {
      proc.stdin.write(`${word}\n`);
      proc.stdin.end();
    } catch {
      /* the guard is gone already */
    }
  };
  return { done: () => say("done"), handOver: () => say("linger") };
}

/**
 * The guard's side: reads its input to the end; "done" first means the monitor ended normally.
 * Otherwise the monitor died: release the tree.
 */
export async function runReleaseGuard(input: ReadableStream<Uint8Array>, tree: GuardedTree, beforeRelease?: () => Promise<void> | void): Promise<"clean" | "released" | "handed-over"> {
  let text = "";
  const decoder = new TextDecoder();
  const reader = input.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
      if (text.length > 64) text = text.slice(-64);
    }
  } catch {
    /* a broken pipe is the monitor's end as well */
  }
  if (text.includes("done\n")) return "clean";
  if (text.includes("linger\n")) return "handed-over";
  try {
    await beforeRelease?.();
  } catch {
    /* resuming the tree matters more */
  }
  releaseTree(tree);
  return "released";
}

/**
 * After a release: the session's firewall rules keep blocking what the policy blocked while the
 * tree runs on; once its cgroup is empty, they and the cgroup are removed (what the monitor's own
 * cleanup would have done). Polls every `intervalMs`; returns when done.
 */
export async function cleanUpAfterTree(cgroupPath: string, removeFirewall: (sessionId: string, relPath: string) => void, intervalMs = 1000): Promise<void> {
  const id = basename(cgroupPath);
  const procs = join(cgroupPath, "cgroup.procs");
  for (;;) {
    let text: string;
    try {
      text = readFileSync(procs, "utf8");
    } catch {
      break; // removed already
    }
    if (text.trim() === "") break;
    await Bun.sleep(intervalMs);
  }
  removeFirewall(id, `trustrun/${id}`);
  try {
    rmdirSync(cgroupPath);
  } catch {
    /* gone, or populated again: left as the monitor would leave it */
  }
}

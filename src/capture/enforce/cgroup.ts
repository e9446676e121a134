import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Where the cgroup v2 hierarchy is mounted (unified or hybrid), or null. */
export function findCgroup2Mount(mounts = safeRead("/proc/mounts")): string | null {
  for (const line of mounts.split("\n")) {
    const [, mountPoint, fsType] = line.split(" ");
    if (fsType === "cgroup2" && mountPoint) return mountPoint.replace(/\\040/g, " ");
  }
  return null;
}

function safeRead(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return "";
  }
}

export interface SessionCgroup {
  /** Absolute directory, e.g. /sys/fs/cgroup/unified/trustrun/abc123. */
  path: string;
  /** Path relative to the cgroup2 root, as iptables' `-m cgroup --path` wants it. */
  relPath: string;
  procsFile: string;
  kill(): boolean;
  freeze(frozen: boolean): boolean;
  pids(): number[];
  remove(): void;
}

const privateMount = "/run/trustrun/cgroup2";

/**
 * The cgroup v2 hierarchy, mounting it privately when this mount namespace does not show it
 * (e.g. under `ip netns exec`, which remounts /sys). Root only.
 */
function cgroup2Root(): string | null {
  const found = findCgroup2Mount();
  if (found) return found;
  try {
    mkdirSync(privateMount, { recursive: true });
    const r = Bun.spawnSync(["mount", "-t", "cgroup2", "cgroup2", privateMount], { stderr: "ignore" });
    return r.exitCode === 0 ? privateMount : null;
  } catch {
    return null;
  }
}

/** A cgroup for one launched tree: scoped firewall rules, whole-tree kill and freeze. Root only. */
export function createSessionCgroup(sessionId: string): SessionCgroup | null {
  const mount = cgroup2Root();
  if (!mount) return null;
  const relPath = `trustrun/${sessionId}`;
  const path = join(mount, relPath);
  try {
    mkdirSync(path, { recursive: true });
  } catch {
    return null;
  }
  const write = (file: string, value: string): boolean => {
    try {
      writeFileSync(join(path, file), value);
      return true;
    } catch {
      return false;
    }
  };
  const pids = (): number[] =>
    safeRead(join(path, "cgroup.procs")).split("\n").filter(Boolean).map(Number);
  return {
    path,
    relPath,
    procsFile: join(path, "cgroup.procs"),
    kill: () => (existsSync(join(path, "cgroup.kill")) ? write("cgroup.kill", "1") : killEach(pids())),
    freeze: (frozen) => write("cgroup.freeze", frozen ? "1" : "0"),
    pids,
    remove() {
      // A cgroup can only be removed once empty; processes that outlive the session keep it.
      for (let i = 0; i < 20 && pids().length; i++) Bun.sleepSync(5);
      try {
        rmdirSync(path);
      } catch {
        /* still populated: left for the kernel to report, harmless */
      }
    },
  };
}

function killEach(pids: number[]): boolean {
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return pids.length > 0;
}

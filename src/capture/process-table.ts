import { readProcessInfo, type ProcessInfo } from "./procinfo/procinfo.ts";
import type { RawProcess } from "./probe.ts";

export interface ProcessFacts {
  pid: number;
  ppid: number | null;
  exe: string | null;
  argv: string[] | null;
}

/**
 * What is known about each process of the tree. Attribution is a chain of fallbacks:
 * facts the probe reported (fork/exec events) → a live /proc read → the kernel's task name.
 */
export function createProcessTable(readInfo: (pid: number) => ProcessInfo | null = readProcessInfo, maxEntries = 20000) {
  const table = new Map<number, ProcessFacts>();

  function remember(facts: ProcessFacts): ProcessFacts {
    if (table.size >= maxEntries && !table.has(facts.pid)) {
      const oldest = table.keys().next().value;
      if (oldest !== undefined) table.delete(oldest);
    }
    table.set(facts.pid, facts);
    return facts;
  }

  function fromProc(pid: number): ProcessFacts | null {
    const info = readInfo(pid);
    if (!info) return null;
    return { pid, ppid: info.ppid, exe: info.exe, argv: info.argv.length ? info.argv : null };
  }

  return {
    /** A fork/exec/exit report from a probe. */
    observe(ev: RawProcess): void {
      const known = table.get(ev.pid);
      if (ev.event === "fork") {
        const parent = ev.ppid !== null ? table.get(ev.ppid) : undefined;
        remember({ pid: ev.pid, ppid: ev.ppid, exe: parent?.exe ?? null, argv: parent?.argv ?? null });
      } else if (ev.event === "exec") {
        // Read /proc now, while the process is most likely alive; the probe's facts win.
        const live = fromProc(ev.pid);
        remember({
          pid: ev.pid,
          ppid: ev.ppid ?? known?.ppid ?? live?.ppid ?? null,
          exe: ev.exe ?? live?.exe ?? known?.exe ?? null,
          argv: ev.argv ?? live?.argv ?? null,
        });
      }
    },
    /** Best facts for pid; comm is the last fallback when the process is already gone. */
    lookup(pid: number, hint?: { ppid?: number | null; comm?: string }): ProcessFacts {
      const known = table.get(pid);
      if (known && known.exe && known.argv) return known;
      const live = fromProc(pid);
      if (live) {
        return remember({
          pid,
          ppid: live.ppid ?? known?.ppid ?? hint?.ppid ?? null,
          exe: live.exe ?? known?.exe ?? null,
          argv: live.argv ?? known?.argv ?? null,
        });
      }
      if (known) return known;
      return { pid, ppid: hint?.ppid ?? null, exe: hint?.comm ?? null, argv: hint?.comm ? [hint.comm] : null };
    },
    /** Parent chain from pid up to (not past) the root, for an event's detail view. */
    chain(pid: number, max = 16): ProcessFacts[] {
      const out: ProcessFacts[] = [];
      let cur: number | null = pid;
      for (let i = 0; cur !== null && i < max; i++) {
        const facts: ProcessFacts | null = table.get(cur) ?? fromProc(cur);
        if (!facts) break;
        out.push(facts);
        cur = facts.ppid;
      }
      return out;
    },
    get size() {
      return table.size;
    },
  };
}

export type ProcessTable = ReturnType<typeof createProcessTable>;

import { readProcessInfo, type ProcessInfo } from "./procinfo/procinfo.ts";
import type { RawProcess } from "./probe.ts";

export interface ProcessFacts {
  pid: number;
  ppid: number | null;
  exe: string | null;
  argv: string[] | null;
}

interface Version extends ProcessFacts {
  since: number; // ms: when these facts became true (fork or exec time)
}

const MAX_VERSIONS = 4;

/**
 * What is known about each process of the tree, over time: a connect is judged a little after it
 * happened, and the process may have exec'd since, so facts are kept per exec with their time.
 * Attribution is a chain of fallbacks: facts the probe reported (fork/exec events) → a live /proc
 * read → the kernel's task name from the event itself.
 */
export function createProcessTable(readInfo: (pid: number) => ProcessInfo | null = readProcessInfo, maxEntries = 20000) {
  const table = new Map<number, Version[]>();

  function push(v: Version): void {
    let versions = table.get(v.pid);
    if (!versions) {
      if (table.size >= maxEntries) {
        const oldest = table.keys().next().value;
        if (oldest !== undefined) table.delete(oldest);
      }
      versions = [];
      table.set(v.pid, versions);
    }
    versions.push(v);
    versions.sort((a, b) => a.since - b.since);
    if (versions.length > MAX_VERSIONS) versions.shift();
  }

  function versionAt(pid: number, at: number): Version | undefined {
    const versions = table.get(pid);
    if (!versions) return undefined;
    let best: Version | undefined;
    for (const v of versions) if (v.since <= at) best = v;
    return best ?? versions[0];
  }

  function fromProc(pid: number): ProcessFacts | null {
    const info = readInfo(pid);
    if (!info) return null;
    return { pid, ppid: info.ppid, exe: info.exe, argv: info.argv.length ? info.argv : null };
  }

  function basename(path: string | null): string {
    return (path ?? "").split("/").pop() ?? "";
  }

  return {
    /** A fork/exec/exit report from a probe. */
    observe(ev: RawProcess): void {
      if (ev.event === "fork") {
        const parent = ev.ppid !== null ? versionAt(ev.ppid, ev.ts) : undefined;
        push({ pid: ev.pid, ppid: ev.ppid, exe: parent?.exe ?? null, argv: parent?.argv ?? null, since: ev.ts });
      } else if (ev.event === "exec") {
        const before = versionAt(ev.pid, ev.ts);
        // /proc is read now, while the process most likely still runs this image; the probe's facts win.
        const live = ev.argv && ev.exe ? null : fromProc(ev.pid);
        const liveMatches = live && (!ev.exe || live.exe === ev.exe);
        push({
          pid: ev.pid,
          ppid: ev.ppid ?? before?.ppid ?? live?.ppid ?? null,
          exe: ev.exe ?? live?.exe ?? null,
          argv: ev.argv ?? (liveMatches ? live!.argv : null) ?? (ev.exe ? [ev.exe] : null),
          since: ev.ts,
        });
      }
    },
    /** Best facts for pid at time `at`; the event's comm is the last fallback. */
    lookup(pid: number, hint: { ppid?: number | null; comm?: string; at?: number } = {}): ProcessFacts {
      const at = hint.at ?? Date.now();
      const known = versionAt(pid, at);
      // A recorded version whose image disagrees with the kernel's task name at connect time is stale.
      const consistent = known && (!hint.comm || !known.exe || basename(known.exe).slice(0, 15) === hint.comm || known.argv?.some((a) => basename(a).slice(0, 15) === hint.comm));
      if (known && consistent && known.exe && known.argv) return known;
      const live = fromProc(pid);
      const liveConsistent = live && (!hint.comm || basename(live.exe).slice(0, 15) === hint.comm || live.argv?.some((a) => basename(a).slice(0, 15) === hint.comm));
      if (live && liveConsistent) {
        const facts = { pid, ppid: live.ppid ?? known?.ppid ?? hint.ppid ?? null, exe: live.exe ?? known?.exe ?? null, argv: live.argv ?? known?.argv ?? null };
        if (!known) push({ ...facts, since: 0 });
        return facts;
      }
      if (known && consistent) return known;
      const ppid = known?.ppid ?? live?.ppid ?? hint.ppid ?? null;
      return { pid, ppid, exe: hint.comm ?? known?.exe ?? null, argv: hint.comm ? [hint.comm] : (known?.argv ?? null) };
    },
    /** Parent chain from pid upwards, for an event's detail view. */
    chain(pid: number, max = 16): ProcessFacts[] {
      const out: ProcessFacts[] = [];
      let cur: number | null = pid;
      for (let i = 0; cur !== null && i < max; i++) {
        const facts: ProcessFacts | null = versionAt(cur, Date.now()) ?? fromProc(cur);
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

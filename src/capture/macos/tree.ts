/** `ps -axo pid=,ppid=` output → pid → ppid. */
export const PS_ARGV = ["ps", "-axo", "pid=,ppid="];

export function parsePsPairs(text: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const line of text.split("\n")) {
    const m = /^\s*(\d+)\s+(\d+)\s*$/.exec(line);
    if (m) out.set(Number(m[1]), Number(m[2]));
  }
  return out;
}

/** The roots and every process below them (bounded walk; tolerant of cycles in bad input). */
export function descendants(roots: Iterable<number>, parents: Map<number, number>): Set<number> {
  const children = new Map<number, number[]>();
  for (const [pid, ppid] of parents) {
    if (pid === ppid) continue;
    let list = children.get(ppid);
    if (!list) children.set(ppid, (list = []));
    list.push(pid);
  }
  const seen = new Set<number>();
  const queue = [...roots];
  while (queue.length && seen.size < 100_000) {
    const p = queue.shift()!;
    if (seen.has(p)) continue;
    seen.add(p);
    for (const c of children.get(p) ?? []) queue.push(c);
  }
  return seen;
}

// Takes a snapshot of the live model a few times a second, and only when something changed:
// at thousands of events per second, rendering per event would fall behind.
// While paused the snapshot (the lists) stays as it was; the counts keep running, and `behind`
// is how many connections arrived since.
import { useEffect, useMemo, useRef, useState } from "react";
import type { LiveCounts, LiveModel, LiveSnapshot } from "../state/live-model.ts";

export function countsOf(snap: LiveSnapshot): LiveCounts {
  return { session: snap.session, ended: snap.ended, connections: snap.connections, violations: snap.violations, destinations: snap.destinations.length };
}

export function useFlushedSnapshot(model: LiveModel, hz: number, paused: boolean): { snap: LiveSnapshot; counts: LiveCounts; behind: number } {
  const [snap, setSnap] = useState(() => model.snapshot());
  const [counts, setCounts] = useState<LiveCounts | null>(null); // null: the snapshot's own
  const shown = useRef(snap.version);
  const counted = useRef(snap.version);
  const taken = useRef(Date.now());
  useEffect(() => {
    const tick = () => {
      const v = model.version();
      if (paused) {
        if (v === counted.current) return;
        counted.current = v;
        setCounts(model.counts());
        return;
      }
      // Unchanged state is still re-taken once a second: the rate chart's window moves with time.
      if (v === shown.current && Date.now() - taken.current < 1000) return;
      shown.current = counted.current = v;
      taken.current = Date.now();
      setSnap(model.snapshot());
      setCounts(null);
    };
    tick();
    const t = setInterval(tick, Math.max(50, Math.round(1000 / hz)));
    return () => clearInterval(t);
  }, [model, hz, paused]);
  const shownCounts = useMemo(() => counts ?? countsOf(snap), [counts, snap]);
  return { snap, counts: shownCounts, behind: paused ? Math.max(0, shownCounts.connections - snap.connections) : 0 };
}

// Takes a snapshot of the live model a few times a second, and only when something changed:
// at thousands of events per second, rendering per event would fall behind.
import { useEffect, useRef, useState } from "react";
import type { LiveModel, LiveSnapshot } from "../state/live-model.ts";

export function useFlushedSnapshot(model: LiveModel, hz: number, paused: boolean): { snap: LiveSnapshot; behind: number } {
  const [snap, setSnap] = useState(() => model.snapshot());
  const [behind, setBehind] = useState(0);
  const shown = useRef(snap.version);
  const taken = useRef(Date.now());
  useEffect(() => {
    const tick = () => {
      const v = model.version();
      if (paused) {
        setBehind(v - shown.current);
        return;
      }
      // Unchanged state is still re-taken once a second: the rate chart's window moves with time.
      if (v === shown.current && Date.now() - taken.current < 1000) return;
      shown.current = v;
      taken.current = Date.now();
      setSnap(model.snapshot());
      setBehind(0);
    };
    tick();
    const t = setInterval(tick, Math.max(50, Math.round(1000 / hz)));
    return () => clearInterval(t);
  }, [model, hz, paused]);
  return { snap, behind };
}

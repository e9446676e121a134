// Connections and violations per second over a sliding window, for the rate chart.

export interface RateSeries {
  connections: number[];
  violations: number[];
}

/** Counts per whole second; old seconds are dropped as time moves on. */
export function createRateCounter(windowSeconds = 60) {
  const buckets = new Map<number, { c: number; v: number }>();
  let newest = 0;
  return {
    add(ts: number, violation: boolean): void {
      const sec = Math.floor(ts / 1000);
      if (sec > newest) {
        newest = sec;
        for (const k of buckets.keys()) if (k <= newest - windowSeconds) buckets.delete(k);
      }
      if (sec <= newest - windowSeconds) return;
      const b = buckets.get(sec) ?? { c: 0, v: 0 };
      b.c++;
      if (violation) b.v++;
      buckets.set(sec, b);
    },
    /** Oldest first, one value per second ending at `now`. */
    series(now: number): RateSeries {
      return rateSeries(buckets, Math.floor(now / 1000), windowSeconds);
    },
  };
}

export function rateSeries(buckets: Map<number, { c: number; v: number }>, endSecond: number, windowSeconds: number): RateSeries {
  const connections: number[] = [];
  const violations: number[] = [];
  for (let s = endSecond - windowSeconds + 1; s <= endSecond; s++) {
    const b = buckets.get(s);
    connections.push(b?.c ?? 0);
    violations.push(b?.v ?? 0);
  }
  return { connections, violations };
}

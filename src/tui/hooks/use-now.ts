import { useEffect, useState } from "react";

/** The time, refreshed every `ms` (for elapsed time and prompt countdowns). */
export function useNow(ms: number, clock: () => number = Date.now): number {
  const [now, setNow] = useState(clock);
  useEffect(() => {
    const t = setInterval(() => setNow(clock()), ms);
    return () => clearInterval(t);
  }, [ms, clock]);
  return now;
}

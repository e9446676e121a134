// Tails the events table by rowid so a `run`/`watch` in another process shows up live.
// Each tick costs one max(id) lookup; rows are read only when there are new ones.
import type { Store } from "../store/index.ts";
import { sessionsVersion } from "../store/series.ts";
import type { StoredEvent } from "../store/events.ts";

export interface LiveOptions {
  intervalMs?: number;
  /** Rows per read (and per onEvents call). */
  batch?: number;
  /** Most rows read per tick; the rest follow on the next ticks. */
  maxPerTick?: number;
  /** When further behind than this, jump to the newest rows and report the gap instead of replaying. */
  maxLag?: number;
  onEvents: (events: StoredEvent[]) => void;
  onGap?: (skipped: number) => void;
  onSessionsChanged?: () => void;
}

export function createLivePoller(store: Store, opts: LiveOptions) {
  const batch = opts.batch ?? 5000;
  const maxPerTick = opts.maxPerTick ?? batch * 4;
  const maxLag = opts.maxLag ?? 50_000;
  let cursor = store.lastEventId();
  let sessionsSeen = sessionsVersion(store.db);
  let ticks = 0;
  let timer: ReturnType<typeof setInterval> | null = null;

  function tick(): number {
    ticks++;
    let delivered = 0;
    const last = store.lastEventId();
    if (last < cursor) cursor = last; // the database was replaced or trimmed
    if (last > cursor) {
      if (last - cursor > maxLag) {
        const skipped = last - cursor - batch;
        cursor = last - batch;
        opts.onGap?.(skipped);
      }
      while (delivered < maxPerTick) {
        const events = store.listEvents({ afterId: cursor, limit: Math.min(batch, maxPerTick - delivered) });
        if (!events.length) break;
        cursor = events[events.length - 1].id;
        delivered += events.length;
        opts.onEvents(events);
        if (cursor >= last) break;
      }
    }
    // Session starts/ends are rarer; check them every 4th tick.
    if (opts.onSessionsChanged && ticks % 4 === 0) {
      const v = sessionsVersion(store.db);
      if (v !== sessionsSeen) {
        sessionsSeen = v;
        opts.onSessionsChanged();
      }
    }
    return delivered;
  }

  return {
    tick,
    start(): void {
      if (!timer) timer = setInterval(() => {
        try {
          tick();
        } catch {
          // A locked or briefly unreadable database: try again next tick.
        }
      }, opts.intervalMs ?? 250);
    },
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
    get cursor() {
      return cursor;
    },
  };
}

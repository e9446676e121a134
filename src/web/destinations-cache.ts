// A session's destination summary aggregates all its events (hundreds of ms at 100,000 rows), so
// the server keeps the last result per session and reuses it until the session gets a new row.
import type { Store } from "../store/index.ts";
import type { DestinationRow } from "../store/events.ts";
import { sessionEventStats } from "../store/lookups.ts";

/** Below this many rows the summary is cheap enough to compute inline with the page. */
export const INLINE_LIMIT = 20_000;

export function createDestinationCache(store: Store, maxSessions = 32) {
  const cache = new Map<string, { lastId: number; rows: DestinationRow[] }>();
  return {
    /** Cached rows when still current, else null (without computing). */
    peek(session: string): DestinationRow[] | null {
      const hit = cache.get(session);
      return hit && hit.lastId === sessionEventStats(store.db, session).lastId ? hit.rows : null;
    },
    /** Whether get() would be quick: cached, or small enough. */
    cheap(session: string): boolean {
      const stats = sessionEventStats(store.db, session);
      return stats.count <= INLINE_LIMIT || cache.get(session)?.lastId === stats.lastId;
    },
    /** Drops a session's rows (it was deleted). */
    forget(session: string): void {
      cache.delete(session);
    },
    get(session: string): DestinationRow[] {
      const { lastId } = sessionEventStats(store.db, session);
      const hit = cache.get(session);
      if (hit && hit.lastId === lastId) {
        cache.delete(session); // re-insert: most recently used last
        cache.set(session, hit);
        return hit.rows;
      }
      const rows = store.destinations(session);
      cache.set(session, { lastId, rows });
      while (cache.size > maxSessions) cache.delete(cache.keys().next().value!);
      return rows;
    },
  };
}

export type DestinationCache = ReturnType<typeof createDestinationCache>;

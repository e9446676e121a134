import type { Database } from "bun:sqlite";

export interface SeriesPoint {
  t: number; // bucket start, ms since epoch
  connections: number;
  violations: number; // connections whose verdict was not allow
}

export interface SeriesQuery {
  since: number;
  bucketMs: number;
  session?: string;
  /** Rows examined at most, newest first: keeps a chart over a huge table cheap. */
  maxRows?: number;
}

/** Connections and violations per time bucket (for the dashboard chart), read from the newest rows only. */
export function eventSeries(db: Database, q: SeriesQuery): SeriesPoint[] {
  const bucket = Math.max(1, Math.floor(q.bucketMs));
  const params: Record<string, string | number> = { since: q.since, bucket, max: Math.max(1, q.maxRows ?? 200_000) };
  const session = q.session ? "AND session = $session" : "";
  if (q.session) params.session = q.session;
  // Walk ids backwards (the rowid index) and stop at maxRows: no scan of older history.
  // ts may be REAL (eBPF clocks give fractions of a millisecond): truncate to the bucket start,
  // or every row would be a point of its own.
  const rows = db
    .query<{ b: number; n: number; v: number }, any>(
      `SELECT CAST(ts / $bucket AS INTEGER) * $bucket AS b, count(*) AS n, sum(verdict IS NOT NULL AND verdict != 'allow') AS v
       FROM (SELECT ts, verdict FROM events WHERE type = 'connection' ${session} ORDER BY id DESC LIMIT $max)
       WHERE ts >= $since GROUP BY b ORDER BY b`,
    )
    .all(params);
  return rows.map((r) => ({ t: r.b, connections: r.n, violations: r.v ?? 0 }));
}

/** Changes whenever a session starts or ends; cheap enough to poll every second. */
export function sessionsVersion(db: Database): string {
  const r = db
    .query<{ r: number | null; open: number | null; ended: number | null }, []>(
      "SELECT max(rowid) AS r, sum(ended_at IS NULL) AS open, max(ended_at) AS ended FROM sessions",
    )
    .get();
  return `${r?.r ?? 0}:${r?.open ?? 0}:${r?.ended ?? 0}`;
}

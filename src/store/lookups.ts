import type { Database } from "bun:sqlite";
import type { AlertRow } from "./alerts.ts";

/** The executable a pid ran as in a session, from its first connection event (null if none). */
export function processOf(db: Database, session: string, pid: number): string | null {
  const r = db
    .query<{ exe: string | null }, [string, number]>(
      "SELECT json_extract(body, '$.exe') AS exe FROM events WHERE session = ? AND pid = ? AND type = 'connection' ORDER BY id LIMIT 1",
    )
    .get(session, pid);
  return r?.exe ?? null;
}

/** One alert by id, shaped as listAlerts returns it. */
export function alertById(db: Database, id: number): AlertRow | null {
  const r = db.query<any, [number]>("SELECT * FROM alerts WHERE id = ?").get(id);
  if (!r) return null;
  return {
    id: r.id, session: r.session, ts: r.ts, severity: r.severity, pid: r.pid, host: r.host,
    dst: r.ip ? { ip: r.ip, port: r.port } : null, rule: r.rule, message: r.message,
    suggestion: r.suggestion, ackedAt: r.acked_at,
  };
}

/** Protocols seen per destination of a session, keyed "host-or-ip|port" as destinations() groups them. */
export function destinationProtos(db: Database, session: string): Map<string, string[]> {
  const rows = db
    .query<{ k: string | null; port: number | null; protos: string | null }, [string]>(
      `SELECT coalesce(host, ip) AS k, port, group_concat(DISTINCT json_extract(body, '$.proto')) AS protos
       FROM events WHERE session = ? AND type = 'connection' GROUP BY coalesce(host, ip), port`,
    )
    .all(session);
  return new Map(rows.map((r) => [`${r.k}|${r.port}`, String(r.protos ?? "").split(",").filter(Boolean)]));
}

/** Events stored for a session and the newest id among them: an index-only lookup, cheap at any size. */
/** How many alerts a session has (a count, without loading them). */
export function sessionAlertCount(db: Database, session: string): number {
  return db.query<{ n: number }, [string]>("SELECT count(*) AS n FROM alerts WHERE session = ?").get(session)?.n ?? 0;
}

export function sessionEventStats(db: Database, session: string): { count: number; lastId: number } {
  const r = db.query<{ n: number; last: number | null }, [string]>("SELECT count(*) AS n, max(id) AS last FROM events WHERE session = ?").get(session);
  return { count: r?.n ?? 0, lastId: r?.last ?? 0 };
}

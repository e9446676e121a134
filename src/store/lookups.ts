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

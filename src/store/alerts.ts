import type { Database } from "bun:sqlite";
import type { AlertEvent } from "../core/types.ts";

export interface AlertRow extends Omit<AlertEvent, "type"> {
  id: number;
  ackedAt: number | null;
}

export function createAlertStore(db: Database) {
  const insert = db.query(
    `INSERT INTO alerts (session, ts, severity, pid, host, ip, port, rule, message, suggestion)
     VALUES ($session, $ts, $severity, $pid, $host, $ip, $port, $rule, $message, $suggestion)`,
  );
  const insertMany = db.transaction((alerts: AlertEvent[]) => {
    for (const a of alerts) {
      insert.run({
        session: a.session, ts: a.ts, severity: a.severity, pid: a.pid, host: a.host,
        ip: a.dst?.ip ?? null, port: a.dst?.port ?? null, rule: a.rule, message: a.message, suggestion: a.suggestion,
      });
    }
  });
  const toRow = (r: any): AlertRow => ({
    id: r.id, session: r.session, ts: r.ts, severity: r.severity, pid: r.pid, host: r.host,
    dst: r.ip ? { ip: r.ip, port: r.port } : null, rule: r.rule, message: r.message,
    suggestion: r.suggestion, ackedAt: r.acked_at,
  });
  return {
    appendAlerts(alerts: AlertEvent[]): void {
      if (alerts.length) insertMany(alerts);
    },
    listAlerts(q: { session?: string; unackedOnly?: boolean; limit?: number; offset?: number } = {}): AlertRow[] {
      const where: string[] = [];
      const params: Record<string, string | number> = { limit: q.limit ?? 100, offset: q.offset ?? 0 };
      if (q.session) { where.push("session = $session"); params.session = q.session; }
      if (q.unackedOnly) where.push("acked_at IS NULL");
      const sql = `SELECT * FROM alerts ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY ts DESC, id DESC LIMIT $limit OFFSET $offset`;
      return db.query<any, any>(sql).all(params).map(toRow);
    },
    ackAlert(id: number, ts = Date.now()): boolean {
      return db.query("UPDATE alerts SET acked_at = ? WHERE id = ? AND acked_at IS NULL").run(ts, id).changes > 0;
    },
  };
}

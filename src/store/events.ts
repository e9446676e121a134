import type { Database } from "bun:sqlite";
import type { ConnectionEvent, TrustRunEvent } from "../core/types.ts";
import { likeEscape } from "./sessions.ts";

export interface StoredEvent {
  id: number;
  event: TrustRunEvent;
}

export interface EventQuery {
  session?: string;
  afterId?: number;
  beforeId?: number;
  limit?: number;
  type?: TrustRunEvent["type"];
  verdict?: string;
  /** Substring of host, ip or exe. */
  search?: string;
}

export interface DestinationRow {
  host: string | null;
  ip: string | null;
  port: number | null;
  count: number;
  firstSeen: number;
  lastSeen: number;
  verdict: string; // the worst verdict seen
  pids: number[];
  exes: string[];
  rule: string | null;
}

const verdictRank: Record<string, number> = { allow: 0, alert: 1, block: 2, kill: 3 };

export function createEventStore(db: Database) {
  const insert = db.query(
    `INSERT INTO events (session, ts, type, pid, host, ip, port, verdict, rule, package, body)
     VALUES ($session, $ts, $type, $pid, $host, $ip, $port, $verdict, $rule, $package, $body)`,
  );
  const insertMany = db.transaction((events: TrustRunEvent[]) => {
    for (const ev of events) {
      const conn = ev.type === "connection" ? (ev as ConnectionEvent) : null;
      insert.run({
        session: ev.session,
        ts: ev.ts,
        type: ev.type,
        pid: "pid" in ev ? (ev.pid ?? null) : null,
        host: conn?.host ?? (ev.type === "dns" ? ev.name : ev.type === "alert" ? ev.host : null),
        ip: conn?.dst.ip ?? (ev.type === "alert" ? (ev.dst?.ip ?? null) : null),
        port: conn?.dst.port ?? (ev.type === "alert" ? (ev.dst?.port ?? null) : null),
        verdict: conn?.verdict ?? null,
        rule: conn?.rule ?? (ev.type === "alert" ? ev.rule : null),
        package: conn?.package ?? null,
        body: JSON.stringify(ev),
      });
    }
  });
  const maxId = db.query<{ id: number | null }, []>("SELECT max(id) AS id FROM events");

  return {
    appendEvents(events: TrustRunEvent[]): void {
      if (events.length) insertMany(events);
    },
    lastEventId(): number {
      return maxId.get()?.id ?? 0;
    },
    /** Newest first unless afterId is given (then oldest first, for tailing). */
    listEvents(q: EventQuery = {}): StoredEvent[] {
      const where: string[] = [];
      const params: Record<string, string | number> = {};
      if (q.session) { where.push("session = $session"); params.session = q.session; }
      if (q.afterId !== undefined) { where.push("id > $after"); params.after = q.afterId; }
      if (q.beforeId !== undefined) { where.push("id < $before"); params.before = q.beforeId; }
      if (q.type) { where.push("type = $type"); params.type = q.type; }
      if (q.verdict) { where.push("verdict = $verdict"); params.verdict = q.verdict; }
      if (q.search) {
        where.push("(host LIKE $s ESCAPE '\\' OR ip LIKE $s ESCAPE '\\' OR body LIKE $s ESCAPE '\\')");
        params.s = `%${likeEscape(q.search)}%`;
      }
      const order = q.afterId !== undefined ? "ASC" : "DESC";
      const sql = `SELECT id, body FROM events ${where.length ? "WHERE " + where.join(" AND ") : ""} ORDER BY id ${order} LIMIT $limit`;
      return db
        .query<{ id: number; body: string }, any>(sql)
        .all({ ...params, limit: Math.min(q.limit ?? 200, 5000) })
        .map((r) => ({ id: r.id, event: JSON.parse(r.body) as TrustRunEvent }));
    },
    countEvents(session: string, type: TrustRunEvent["type"] = "connection"): number {
      return db.query<{ n: number }, [string, string]>("SELECT count(*) AS n FROM events WHERE session = ? AND type = ?").get(session, type)!.n;
    },
    /** One row per destination (host, or ip when no host is known, and port). */
    destinations(session: string): DestinationRow[] {
      const rows = db
        .query<any, [string]>(
          `SELECT host, ip, port, count(*) AS count, min(ts) AS first, max(ts) AS last,
             group_concat(DISTINCT verdict) AS verdicts, group_concat(DISTINCT pid) AS pids,
             group_concat(DISTINCT json_extract(body, '$.exe')) AS exes, max(rule) AS rule
           FROM events WHERE session = ? AND type = 'connection'
           GROUP BY coalesce(host, ip), port ORDER BY count DESC`,
        )
        .all(session);
      return rows.map((r) => {
        const verdicts = String(r.verdicts ?? "").split(",").filter(Boolean);
        const worst = verdicts.sort((a, b) => (verdictRank[b] ?? 0) - (verdictRank[a] ?? 0))[0] ?? "allow";
        return {
          host: r.host, ip: r.ip, port: r.port, count: r.count, firstSeen: r.first, lastSeen: r.last,
          verdict: worst, pids: String(r.pids ?? "").split(",").filter(Boolean).map(Number),
          exes: String(r.exes ?? "").split(",").filter(Boolean), rule: r.rule,
        };
      });
    },
  };
}

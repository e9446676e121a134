import type { Database } from "bun:sqlite";
import type { SessionEvent } from "../core/types.ts";

export interface SessionRow {
  id: string;
  mode: "run" | "watch";
  targetPid: number | null;
  argv: string[] | null;
  policy: string;
  probes: SessionEvent["probes"];
  complete: boolean;
  startedAt: number;
  endedAt: number | null;
  exitCode: number | null;
  connections: number;
  violations: number;
  destinations: number;
}

interface RawSession {
  id: string; mode: string; target_pid: number | null; argv: string | null; policy: string; probes: string;
  complete: number; started_at: number; ended_at: number | null; exit_code: number | null;
  connections: number; violations: number; destinations: number;
}

function toRow(r: RawSession): SessionRow {
  return {
    id: r.id, mode: r.mode as SessionRow["mode"], targetPid: r.target_pid,
    argv: r.argv ? JSON.parse(r.argv) : null, policy: r.policy, probes: JSON.parse(r.probes),
    complete: r.complete === 1, startedAt: r.started_at, endedAt: r.ended_at, exitCode: r.exit_code,
    connections: r.connections, violations: r.violations, destinations: r.destinations,
  };
}

export interface SessionQuery {
  limit?: number;
  offset?: number;
  /** Matches the command line, policy or a destination host seen in the session. */
  search?: string;
  since?: number;
  until?: number;
  withViolations?: boolean;
}

/** Text to find literally inside a LIKE pattern (with ESCAPE '\'): %, _ and \ lose their meaning. */
export function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

export function createSessionStore(db: Database) {
  const insert = db.query(
    `INSERT INTO sessions (id, mode, target_pid, argv, policy, probes, complete, started_at)
     VALUES ($id, $mode, $pid, $argv, $policy, $probes, $complete, $ts)`,
  );
  const finish = db.query(
    `UPDATE sessions SET ended_at = $ts, exit_code = $exit, probes = $probes, complete = $complete,
       connections = $connections, violations = $violations, destinations = $destinations WHERE id = $id`,
  );
  const byId = db.query<RawSession, [string]>("SELECT * FROM sessions WHERE id = ?");
  // An exact comparison of the first characters, not LIKE: '_' and '%' in what the user typed are not wildcards.
  const byPrefix = db.query<RawSession, [string, string]>("SELECT * FROM sessions WHERE substr(id, 1, length(?)) = ? ORDER BY started_at DESC LIMIT 2");

  return {
    startSession(ev: SessionEvent): void {
      insert.run({
        id: ev.session, mode: ev.target.mode, pid: ev.target.pid ?? null,
        argv: ev.target.argv ? JSON.stringify(ev.target.argv) : null, policy: ev.policy,
        probes: JSON.stringify(ev.probes), complete: ev.complete ? 1 : 0, ts: ev.ts,
      });
    },
    endSession(ev: SessionEvent): void {
      finish.run({
        id: ev.session, ts: ev.ts, exit: ev.exitCode ?? null, probes: JSON.stringify(ev.probes),
        complete: ev.complete ? 1 : 0, connections: ev.counts?.connections ?? 0,
        violations: ev.counts?.violations ?? 0, destinations: ev.counts?.destinations ?? 0,
      });
    },
    /** Full id or a unique prefix of at least 4 hex digits (as git does with commits). */
    getSession(idOrPrefix: string): SessionRow | null {
      const exact = byId.get(idOrPrefix);
      if (exact) return toRow(exact);
      const prefix = idOrPrefix.toLowerCase();
      if (!/^[0-9a-f]{4,64}$/.test(prefix)) return null;
      const rows = byPrefix.all(prefix, prefix);
      return rows.length === 1 ? toRow(rows[0]) : null;
    },
    listSessions(q: SessionQuery = {}): { rows: SessionRow[]; total: number } {
      const where: string[] = [];
      const params: Record<string, string | number> = {};
      if (q.search) {
        where.push(`(argv LIKE $s ESCAPE '\\' OR policy LIKE $s ESCAPE '\\' OR id LIKE $s ESCAPE '\\' OR EXISTS
          (SELECT 1 FROM events e WHERE e.session = sessions.id AND (e.host LIKE $s ESCAPE '\\' OR e.ip LIKE $s ESCAPE '\\')))`);
        params.s = `%${likeEscape(q.search)}%`;
      }
      if (q.since) { where.push("started_at >= $since"); params.since = q.since; }
      if (q.until) { where.push("started_at <= $until"); params.until = q.until; }
      if (q.withViolations) where.push("violations > 0");
      const clause = where.length ? `WHERE ${where.join(" AND ")}` : "";
      const total = db.query<{ n: number }, any>(`SELECT count(*) AS n FROM sessions ${clause}`).get(params)!.n;
      const rows = db
        .query<RawSession, any>(`SELECT * FROM sessions ${clause} ORDER BY started_at DESC LIMIT $limit OFFSET $offset`)
        .all({ ...params, limit: q.limit ?? 50, offset: q.offset ?? 0 });
      return { rows: rows.map(toRow), total };
    },
    /**
     * Deletes sessions with their events and alerts, overwriting the freed pages (secure_delete:
     * full capture stores request bodies, which can be PHI) and truncating the write-ahead log so no
     * old copy of a page stays on disk. Returns what was removed.
     */
    deleteSessions(ids: string[]): { sessions: number; events: number; alerts: number; walTruncated: boolean } {
      db.exec("PRAGMA secure_delete = ON");
      const counts = { sessions: 0, events: 0, alerts: 0 };
      db.transaction(() => {
        for (const id of ids) {
          counts.events += db.query("DELETE FROM events WHERE session = ?").run(id).changes;
          counts.alerts += db.query("DELETE FROM alerts WHERE session = ?").run(id).changes;
          counts.sessions += db.query("DELETE FROM sessions WHERE id = ?").run(id).changes;
        }
      })();
      // Another process reading the database keeps the log in use: then it is truncated at its next checkpoint.
      const cp = db.query<{ busy: number }, []>("PRAGMA wal_checkpoint(TRUNCATE)").get();
      return { ...counts, walTruncated: cp?.busy === 0 };
    },
    /** Sessions that started but never recorded an end (running, or their monitor died). */
    openSessions(): SessionRow[] {
      return db.query<RawSession, []>("SELECT * FROM sessions WHERE ended_at IS NULL ORDER BY started_at DESC").all().map(toRow);
    },
  };
}

import type { Database } from "bun:sqlite";

/** The executable a pid ran as in a session, from its first connection event (null if none). */
export function processOf(db: Database, session: string, pid: number): string | null {
  const r = db
    .query<{ exe: string | null }, [string, number]>(
      "SELECT json_extract(body, '$.exe') AS exe FROM events WHERE session = ? AND pid = ? AND type = 'connection' ORDER BY id LIMIT 1",
    )
    .get(session, pid);
  return r?.exe ?? null;
}

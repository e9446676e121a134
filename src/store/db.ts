import { Database } from "bun:sqlite";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname, join } from "node:path";
import { homedir } from "node:os";
import { migrations } from "./migrations.ts";

/** $TRUSTRUN_HOME, default ~/.trustrun. */
export function trustrunHome(): string {
  return process.env.TRUSTRUN_HOME || join(homedir(), ".trustrun");
}

export function defaultDbPath(): string {
  return join(trustrunHome(), "trustrun.db");
}

/** Opens (creating if needed) the database in WAL mode and brings its schema up to date. */
export function openDatabase(path = defaultDbPath()): Database {
  if (path !== ":memory:") {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Created owner-only before SQLite opens it (SQLite gives the -wal/-shm files the same mode): it
    // can hold captured headers and bodies, and a directory such as /srv or an existing home may be
    // readable by others. An existing file keeps the mode its owner gave it.
    closeSync(openSync(path, "a", 0o600));
  }
  const db = new Database(path, { create: true, strict: true });
  db.exec("PRAGMA journal_mode = WAL");
  // NORMAL in WAL mode: a crash can lose the last transactions but never corrupts the file.
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  db.exec("PRAGMA foreign_keys = ON");
  migrate(db);
  return db;
}

export function migrate(db: Database): void {
  db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const row = db.query<{ version: number }, []>("SELECT version FROM schema_version").get();
  let current = row?.version ?? 0;
  if (!row) db.exec("INSERT INTO schema_version (version) VALUES (0)");
  if (current > migrations.length) {
    throw new Error(`database schema version ${current} is newer than this trustrun (${migrations.length}); upgrade trustrun`);
  }
  for (; current < migrations.length; current++) {
    const apply = db.transaction(() => {
      db.exec(migrations[current]);
      db.query("UPDATE schema_version SET version = ?").run(current + 1);
    });
    apply();
  }
}

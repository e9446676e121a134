// A session's data is more than its rows: the command's output file (run under the live screen)
// lives beside the database. Deleting a session removes both, for the CLI and the web view alike.
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { trustrunHome } from "./db.ts";
import type { Store } from "./index.ts";

/** Where the command's output of a session run under the live screen is kept. */
export function commandOutputPath(sessionId: string, home = trustrunHome()): string {
  return join(home, "output", `${sessionId}.log`);
}

export interface DeletedSessions {
  deleted: string[];
  events: number;
  alerts: number;
  outputFiles: number;
  /** False when another process had the database open: its write-ahead log is truncated later. */
  walTruncated: boolean;
}

export function deleteSessionsForGood(store: Store, ids: string[]): DeletedSessions {
  const unique = [...new Set(ids)];
  const done = store.deleteSessions(unique);
  let outputFiles = 0;
  for (const id of unique) {
    const path = commandOutputPath(id);
    if (!existsSync(path)) continue;
    rmSync(path, { force: true });
    outputFiles++;
  }
  return { deleted: unique, events: done.events, alerts: done.alerts, outputFiles, walTruncated: done.walTruncated };
}

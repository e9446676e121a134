import type { Database } from "bun:sqlite";
import { openDatabase } from "./db.ts";
import { createSessionStore } from "./sessions.ts";
import { createEventStore } from "./events.ts";
import { createAlertStore } from "./alerts.ts";
import { createPolicyStore } from "./policies.ts";
import { createScanStore } from "./scans.ts";

export { defaultDbPath, trustrunHome, openDatabase } from "./db.ts";
export type { SessionRow, SessionQuery } from "./sessions.ts";
export type { StoredEvent, EventQuery, DestinationRow } from "./events.ts";
export type { AlertRow } from "./alerts.ts";
export type { StoredPolicy } from "./policies.ts";
export type { ScanRow, ScanReport } from "./scans.ts";

/** The one store every module reads and writes through. */
export function createStore(db: Database) {
  return {
    db,
    ...createSessionStore(db),
    ...createEventStore(db),
    ...createAlertStore(db),
    ...createPolicyStore(db),
    ...createScanStore(db),
    close(): void {
      db.close();
    },
  };
}

export type Store = ReturnType<typeof createStore>;

export function openStore(path?: string): Store {
  return createStore(openDatabase(path));
}

import type { Database } from "bun:sqlite";

export interface StoredPolicy {
  id: number;
  name: string;
  yaml: string;
  updatedAt: number;
}

export function createPolicyStore(db: Database) {
  const toRow = (r: any): StoredPolicy => ({ id: r.id, name: r.name, yaml: r.yaml, updatedAt: r.updated_at });
  return {
    savePolicy(name: string, yaml: string, ts = Date.now()): StoredPolicy {
      db.query(
        `INSERT INTO policies (name, yaml, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET yaml = excluded.yaml, updated_at = excluded.updated_at`,
      ).run(name, yaml, ts);
      return toRow(db.query("SELECT * FROM policies WHERE name = ?").get(name));
    },
    listPolicies(): StoredPolicy[] {
      return db.query("SELECT * FROM policies ORDER BY name").all().map(toRow);
    },
    getPolicy(name: string): StoredPolicy | null {
      const r = db.query("SELECT * FROM policies WHERE name = ?").get(name);
      return r ? toRow(r) : null;
    },
    deletePolicy(name: string): boolean {
      return db.query("DELETE FROM policies WHERE name = ?").run(name).changes > 0;
    },
  };
}

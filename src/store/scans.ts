import type { Database } from "bun:sqlite";
import type { Finding } from "../core/types.ts";

/** A scan finding as stored: with where it is (code, comment or docs) when the scan said so. */
export type StoredFinding = Finding & { context?: "code" | "comment" | "docs" };

/** What the store keeps of a scan: the contract's JSON report plus its summary. */
export interface ScanReport {
  version: string | number;
  root: string;
  stats: { files: number; bytes: number; ms: number };
  findings: StoredFinding[];
  /** Other report fields (skipped files, tool facts) are kept as they are. */
  skipped?: unknown[];
}

export interface ScanRow {
  id: number;
  root: string;
  startedAt: number;
  ms: number;
  files: number;
  bytes: number;
  findings: number;
  violations: number;
  policy: string | null;
}

export function createScanStore(db: Database) {
  const insertScan = db.query(
    `INSERT INTO scans (root, started_at, ms, files, bytes, findings, violations, policy, report)
     VALUES ($root, $started, $ms, $files, $bytes, $findings, $violations, $policy, $report)`,
  );
  // Findings go in blocks of rows per statement: a scan can hold tens of thousands, and one
  // statement per row spends more on binding and stepping than SQLite spends storing them.
  const rowsPerInsert = 50;
  const findingColumns = "INSERT INTO findings (scan, kind, value, host, file, line, col, language, analyzer, rule, verdict, fingerprint, context) VALUES ";
  const rowSlots = (n: number) => Array(n).fill("(?,?,?,?,?,?,?,?,?,?,?,?,?)").join(",");
  const insertFindingBlock = db.query(findingColumns + rowSlots(rowsPerInsert));
  const insertFinding = db.query(findingColumns + rowSlots(1));
  const findingValues = (scan: number, f: StoredFinding) => [
    scan, f.kind, f.value, f.host, f.file, f.line, f.column, f.language, f.analyzer, f.rule, f.verdict, f.fingerprint ?? null, f.context ?? null,
  ];
  const save = db.transaction((report: ScanReport, startedAt: number, policy: string | null): number => {
    const res = insertScan.run({
      root: report.root, started: startedAt, ms: Math.round(report.stats.ms), files: report.stats.files,
      bytes: report.stats.bytes, findings: report.findings.length,
      violations: report.findings.filter((f) => f.verdict === "violation").length,
      policy, report: JSON.stringify({ ...report, findings: [] }),
    });
    const scan = Number(res.lastInsertRowid);
    const all = report.findings;
    let i = 0;
    for (; i + rowsPerInsert <= all.length; i += rowsPerInsert) {
      const values: unknown[] = [];
      for (let k = i; k < i + rowsPerInsert; k++) values.push(...findingValues(scan, all[k]));
      insertFindingBlock.run(...(values as never[]));
    }
    for (; i < all.length; i++) insertFinding.run(...(findingValues(scan, all[i]) as never[]));
    return scan;
  });
  const toRow = (r: any): ScanRow => ({
    id: r.id, root: r.root, startedAt: r.started_at, ms: r.ms, files: r.files, bytes: r.bytes,
    findings: r.findings, violations: r.violations, policy: r.policy,
  });
  const toFinding = (r: any): StoredFinding => ({
    kind: r.kind, value: r.value, host: r.host, file: r.file, line: r.line, column: r.col,
    language: r.language, analyzer: r.analyzer, rule: r.rule, verdict: r.verdict, ...(r.context ? { context: r.context } : {}),
    fingerprint: r.fingerprint ?? undefined,
  });
  function scanFindings(id: number, q: { verdict?: string; limit?: number } = {}): StoredFinding[] {
    const rows = q.verdict
      ? db.query<any, [number, string, number]>("SELECT * FROM findings WHERE scan = ? AND verdict = ? ORDER BY file, line LIMIT ?").all(id, q.verdict, q.limit ?? 100000)
      : db.query<any, [number, number]>("SELECT * FROM findings WHERE scan = ? ORDER BY file, line LIMIT ?").all(id, q.limit ?? 100000);
    return rows.map(toFinding);
  }
  return {
    scanFindings,
    /** Stores a finished scan (its findings are expected to be redacted already). Returns the scan id. */
    saveScan(report: ScanReport, startedAt = Date.now(), policy: string | null = null): number {
      return save(report, startedAt, policy);
    },
    listScans(limit = 50, offset = 0): ScanRow[] {
      return db.query<any, [number, number]>("SELECT * FROM scans ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?").all(limit, offset).map(toRow);
    },
    getScan(id: number): (ScanRow & { report: ScanReport }) | null {
      const r = db.query<any, [number]>("SELECT * FROM scans WHERE id = ?").get(id);
      if (!r) return null;
      const report = JSON.parse(r.report) as ScanReport;
      report.findings = scanFindings(id);
      return { ...toRow(r), report };
    },
  };
}

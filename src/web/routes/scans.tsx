/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Finding } from "../../core/types.ts";
import { renderSarif } from "../../scan/report/sarif.ts";
import type { ScanResult } from "../../scan/types.ts";
import type { ScanReport, StoredFinding } from "../../store/scans.ts";
import { intParam, type WebDeps, type WebEnv } from "../context.ts";
import { contextLines, readSource } from "../source-context.ts";
import { ScanList, ScanPage, type FileGroup } from "../views/scans.tsx";

const MAX_FILES_SHOWN = 200;
const MAX_FINDINGS_SHOWN = 2000;

declare const TRUSTRUN_VERSION: string | undefined;
const version = typeof TRUSTRUN_VERSION === "string" ? TRUSTRUN_VERSION : "0.0.0";

export function sarifOf(report: ScanReport): string {
  const result: ScanResult = { version: 1, root: report.root, stats: report.stats, findings: report.findings, skipped: Array.isArray(report.skipped) ? (report.skipped as ScanResult["skipped"]) : [] };
  return renderSarif(result, version);
}

export function groupByHost(findings: Finding[]) {
  const hosts = new Map<string, { host: string; count: number; violations: number; files: Set<string> }>();
  for (const f of findings) {
    const host = f.kind === "secret" ? "(secrets)" : (f.host ?? "(no host)");
    const h = hosts.get(host) ?? { host, count: 0, violations: 0, files: new Set<string>() };
    h.count++;
    if (f.verdict === "violation") h.violations++;
    h.files.add(f.file);
    hosts.set(host, h);
  }
  return [...hosts.values()]
    .map((h) => ({ host: h.host, count: h.count, violations: h.violations, files: h.files.size }))
    .sort((a, b) => b.violations - a.violations || b.count - a.count || a.host.localeCompare(b.host));
}

export function scanRoutes({ store }: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/scans", (c) => {
    const limit = 50;
    const offset = intParam(c.req.query("offset"), 0, 0, 1_000_000);
    return c.html(<ScanList csrf={c.get("csrf")} scans={store.listScans(limit, offset)} offset={offset} limit={limit} />);
  });

  app.get("/scans/:id", (c) => {
    const id = intParam(c.req.param("id"), -1, -1, Number.MAX_SAFE_INTEGER);
    const scan = store.getScan(id);
    if (!scan) return c.text("no such scan", 404);
    const verdict = c.req.query("verdict") === "violation" ? "violation" : undefined;
    const all = verdict ? scan.report.findings.filter((f) => f.verdict === verdict) : scan.report.findings;
    const byFile = new Map<string, StoredFinding[]>();
    for (const f of all.slice(0, MAX_FINDINGS_SHOWN)) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const files: FileGroup[] = [];
    for (const [file, findings] of [...byFile].slice(0, MAX_FILES_SHOWN)) {
      const src = readSource(scan.root, file);
      // The file's secrets from the whole report: a page filtered to violations still masks them.
      const secrets = scan.report.findings.filter((f) => f.kind === "secret" && f.file === file);
      files.push(src.ok ? { file, findings, context: contextLines(src.text, findings, 2, secrets) } : { file, findings, context: null, unreadable: src.reason });
    }
    const { report: _report, ...row } = scan;
    return c.html(
      <ScanPage csrf={c.get("csrf")} scan={row} byHost={groupByHost(all)} files={files} verdict={verdict}
        truncated={all.length > MAX_FINDINGS_SHOWN || byFile.size > MAX_FILES_SHOWN} />,
    );
  });

  app.get("/scans/:id/report.json", (c) => {
    const scan = store.getScan(intParam(c.req.param("id"), -1, -1, Number.MAX_SAFE_INTEGER));
    if (!scan) return c.text("no such scan", 404);
    return c.body(JSON.stringify(scan.report, null, 2) + "\n", 200, {
      "Content-Type": "application/json; charset=utf-8", "Content-Disposition": `attachment; filename="trustrun-scan-${scan.id}.json"`,
    });
  });

  app.get("/scans/:id/report.sarif", (c) => {
    const scan = store.getScan(intParam(c.req.param("id"), -1, -1, Number.MAX_SAFE_INTEGER));
    if (!scan) return c.text("no such scan", 404);
    return c.body(sarifOf(scan.report), 200, {
      "Content-Type": "application/sarif+json; charset=utf-8", "Content-Disposition": `attachment; filename="trustrun-scan-${scan.id}.sarif"`,
    });
  });

  return app;
}

// The scan browser's model: findings grouped by host (secrets and host-less findings by kind),
// violations first, and the source lines around a finding.
import { sourceView, WITHHELD } from "../../scan/source-lines.ts";
import type { Finding } from "../../core/types.ts";

export interface HostGroup {
  key: string;
  label: string;
  findings: Finding[];
  verdict: Finding["verdict"]; // the worst
  files: number;
}

const rank: Record<Finding["verdict"], number> = { allowed: 0, unknown: 1, violation: 2 };

export function groupKey(f: Finding): string {
  if (f.kind === "secret") return "(secrets)";
  return f.host ?? (f.kind === "ip" ? f.value : `(${f.kind})`);
}

/** Findings by host, worst verdict first, then most findings; findings in file/line order. */
export function groupFindings(findings: Finding[], filter: { text: string; verdict: "all" | "violation" | "unknown" | "allowed" }): HostGroup[] {
  const t = filter.text.trim().toLowerCase();
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    if (filter.verdict !== "all" && f.verdict !== filter.verdict) continue;
    if (t && !`${f.host ?? ""} ${f.value} ${f.file} ${f.rule} ${f.kind}`.toLowerCase().includes(t)) continue;
    const k = groupKey(f);
    const list = groups.get(k) ?? [];
    list.push(f);
    groups.set(k, list);
  }
  return [...groups].map(([key, list]) => {
    list.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
    const verdict = list.reduce<Finding["verdict"]>((w, f) => (rank[f.verdict] > rank[w] ? f.verdict : w), "allowed");
    return { key, label: key, findings: list, verdict, files: new Set(list.map((f) => f.file)).size };
  }).sort((a, b) => rank[b.verdict] - rank[a.verdict] || b.findings.length - a.findings.length || a.key.localeCompare(b.key));
}

export const scanVerdictFilters = ["all", "violation", "unknown", "allowed"] as const;
export type ScanVerdictFilter = (typeof scanVerdictFilters)[number];

export function nextScanVerdict(v: ScanVerdictFilter): ScanVerdictFilter {
  return scanVerdictFilters[(scanVerdictFilters.indexOf(v) + 1) % scanVerdictFilters.length];
}

export interface ContextLine {
  n: number;
  text: string;
  hit: boolean;
}

/**
 * Lines around `line` (1-based) from the file's text; control characters are made visible. The
 * lines of `secretLines` (where the scan found a secret) are withheld whole, and so is every line
 * of a private key that starts on one of them; with `hideHit` the finding's own line is withheld
 * too. Every line shown has the file's secrets, the scanner's secret rules and URL credentials
 * masked (source-lines.ts).
 */
export function contextLines(text: string, line: number, radius = 3, maxWidth = 400, hideHit = false, secretLines: ReadonlySet<number> = new Set()): ContextLine[] {
  const view = cachedView(text, secretLines);
  const from = Math.max(1, line - radius);
  const to = Math.min(view.lines.length, line + radius);
  const out: ContextLine[] = [];
  for (let n = from; n <= to; n++) {
    // Cut before masking (a minified line is long), with room for a secret across the cut.
    const shown = hideHit && n === line ? null : view.line(n, maxWidth + 512);
    if (shown === null) {
      out.push({ n, text: WITHHELD, hit: n === line });
      continue;
    }
    out.push({ n, text: shown.replace(/\t/g, "  ").replace(/[\x00-\x08\x0b-\x1f\x7f]/g, "?").slice(0, maxWidth), hit: n === line });
  }
  return out;
}

// The browser asks again on every key: the last file's view is kept (detecting its secrets again
// is a pass over the file).
let last: { text: string; secrets: string; view: ReturnType<typeof sourceView> } | null = null;
function cachedView(text: string, secretLines: ReadonlySet<number>) {
  const secrets = [...secretLines].sort((a, b) => a - b).join(",");
  if (last && last.text === text && last.secrets === secrets) return last.view;
  const view = sourceView(text, [...secretLines].map((n) => ({ line: n })), text.split(/\r?\n/));
  last = { text, secrets, view };
  return view;
}

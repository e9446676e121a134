// Human report: findings grouped by host (violations first), each with its source line.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { decodeText } from "../decode.ts";
import { sourceView, visibleControls, WITHHELD, type SecretSpot } from "../source-lines.ts";
import type { Finding, ScanResult } from "../types.ts";

export interface TextOptions {
  /** Show the source line of each finding (read from disk under result.root). Default true. */
  context?: boolean;
  color?: boolean;
  /** How many skipped files to list by name. Default 10. */
  listSkipped?: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

const verdictRank = { violation: 0, unknown: 1, allowed: 2 } as const;

/** In a comment or documentation, not in code (a finding without a context is in code). */
const notCode = (f: Finding) => f.context !== undefined && f.context !== "code";

function fmtBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} kB`;
  return `${n} B`;
}

export function renderText(result: ScanResult, opts: TextOptions = {}): string {
  const context = opts.context ?? true;
  const c = (code: string, s: string) => (opts.color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const lines: string[] = [];
  // Per file: its lines, which of them are withheld (they hold a secret) and how the rest show.
  const secretsByFile = new Map<string, SecretSpot[]>();
  for (const f of result.findings) {
    if (f.kind !== "secret") continue;
    const list = secretsByFile.get(f.file);
    if (list) list.push(f);
    else secretsByFile.set(f.file, [f]);
  }
  const views = new Map<string, ReturnType<typeof sourceView> | null>();
  // Masked once per line: a minified line holds thousands of findings.
  const masked = new Map<string, string | null>();
  const sourceLine = (file: string, line: number, column: number): string | null => {
    if (!views.has(file)) {
      try {
        views.set(file, sourceView(decodeText(readFileSync(join(result.root, file))), secretsByFile.get(file) ?? []));
      } catch {
        views.set(file, null);
      }
    }
    const view = views.get(file);
    if (!view || line < 1 || line > view.lines.length) return null;
    // Masked before cutting, so no half secret shows; long (minified) lines: a window around the finding.
    const key = `${line}\u0000${file}`;
    let text = masked.get(key);
    if (text === undefined) masked.set(key, (text = view.line(line)));
    if (text === null) return WITHHELD;
    if (text.length > 160) {
      const from = Math.max(0, Math.min(column - 61, text.length - 150));
      text = `${from > 0 ? "..." : ""}${text.slice(from, from + 150)}${from + 150 < text.length ? "..." : ""}`;
    }
    return visibleControls(text);
  };
  const verdictTag = (v: Finding["verdict"], n?: string) => {
    const word = v === "violation" ? "VIOLATION" : v;
    const text = n ? `${word} ${n}` : word;
    return v === "violation" ? c("1;31", text) : v === "allowed" ? c("32", text) : c("33", text);
  };
  /**
   * `mark`: the finding's own verdict, shown when its group's findings do not all share one. A
   * finding outside code says where it is: `(comment)` or `(docs)`.
   */
  const show = (f: Finding, mark = false) => {
    const tag = mark ? `  [${verdictTag(f.verdict)}]` : "";
    const where = notCode(f) ? `  ${c("2", `(${f.context})`)}` : "";
    lines.push(`  ${c("36", `${visibleControls(f.file)}:${f.line}:${f.column}`)}  ${f.kind} ${c("2", f.rule)}  ${visibleControls(f.value)}${tag}${where}`);
    if (context && f.kind !== "secret") {
      const src = sourceLine(f.file, f.line, f.column);
      if (src !== null) lines.push(c("2", `      ${String(f.line).padStart(4)} | ${src.trim()}`));
    }
  };

  const { stats, findings } = result;
  const secrets = findings.filter((f) => f.kind === "secret");
  const endpoints = findings.filter((f) => f.kind !== "secret");
  const violations = endpoints.filter((f) => f.verdict === "violation");
  const outside = violations.filter(notCode).length;
  const ofThem = !outside ? "" : outside < violations.length ? `, ${outside} in comments or docs` : outside === 1 ? ", in a comment or docs" : ", all in comments or docs";
  lines.push(
    `Scanned ${plural(stats.files, "file")} (${fmtBytes(stats.bytes)}) in ${stats.ms} ms under ${visibleControls(result.root)}: ` +
      `${plural(endpoints.length, "endpoint finding")} (${plural(violations.length, "violation")}${ofThem}), ${plural(secrets.length, "secret")}.`,
  );

  if (secrets.length) {
    lines.push("", c("1;31", `Secrets (${secrets.length})`));
    for (const f of secrets) show(f);
  }
  const byHost = new Map<string, Finding[]>();
  for (const f of endpoints) {
    const k = f.host ?? "(host not resolved)";
    const group = byHost.get(k);
    if (group) group.push(f);
    else byHost.set(k, [f]);
  }
  // Worst verdict first, in code before outside it (a violation only in docs after one in code).
  // Not Math.min(...list): a spread of a long list overflows the stack.
  const rank = (fs: Finding[]) => fs.reduce((r, f) => Math.min(r, verdictRank[f.verdict] * 2 + (notCode(f) ? 1 : 0)), 5);
  const groups = [...byHost.entries()].sort((a, b) => {
    const ra = rank(a[1]);
    const rb = rank(b[1]);
    return ra - rb || (a[0] === "(host not resolved)" ? 1 : b[0] === "(host not resolved)" ? -1 : a[0].localeCompare(b[0]));
  });
  for (const [host, fs] of groups) {
    // The group's worst verdict; when its findings differ (an https URL allowed, an http one on
    // another port a violation), how many have it, and each finding's own verdict on its line.
    const v = fs.some((f) => f.verdict === "violation") ? "violation" : fs.some((f) => f.verdict === "unknown") ? "unknown" : "allowed";
    const worst = fs.filter((f) => f.verdict === v).length;
    const mixed = worst < fs.length;
    const only = fs.every(notCode) ? `  ${c("2", "only in comments or docs")}` : "";
    lines.push("", `${c("1", visibleControls(host))}  ${mixed ? verdictTag(v, `${worst} of ${fs.length}`) : `${verdictTag(v)}  (${fs.length})`}${only}`);
    // Findings in code first, then those in comments and docs (each in file order).
    for (const f of fs) if (!notCode(f)) show(f, mixed);
    for (const f of fs) if (notCode(f)) show(f, mixed);
  }
  if (result.skipped.length) {
    const reasons = new Map<string, number>();
    for (const s of result.skipped) {
      const r = s.reason.replace(/ \(.*\)$/, "");
      reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    lines.push("", `Skipped ${plural(result.skipped.length, "file")}: ${[...reasons].map(([r, n]) => `${n} ${visibleControls(r)}`).join(", ")}`);
    const n = opts.listSkipped ?? 10;
    for (const s of result.skipped.slice(0, n)) lines.push(c("2", `  ${visibleControls(s.file)}: ${visibleControls(s.reason)}`));
    if (result.skipped.length > n) lines.push(c("2", `  ... and ${result.skipped.length - n} more (see --format json)`));
  }
  if (!findings.length) lines.push("", "No endpoints or secrets found.");
  return lines.join("\n") + "\n";
}

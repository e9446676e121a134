// Source lines around a scan finding, read from the scanned tree on this machine. Only files
// under the scan's root are read, small ones only, and every line shown is redacted.
import { closeSync, openSync, readSync, realpathSync, statSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { redactText, REDACTED } from "../core/redact.ts";
import { maskSourceLine, sourceView, WITHHELD } from "../scan/source-lines.ts";
import type { Finding } from "../core/types.ts";

export const MAX_SOURCE_BYTES = 2 * 1024 * 1024;
const MAX_LINE_CHARS = 400;

export interface SourceLine {
  n: number;
  text: string;
  hit: boolean;
}

export type SourceContext = { ok: true; lines: SourceLine[] } | { ok: false; reason: string };

/** Resolves file under root, refusing anything (.., absolute, symlink) that leaves it. */
export function fileUnderRoot(root: string, file: string): string | null {
  if (!root || !file || file.includes("\0")) return null;
  const base = resolve(root);
  const target = resolve(base, file);
  const rel = relative(base, target);
  if (rel.startsWith("..") || isAbsolute(rel)) return null;
  try {
    const realBase = realpathSync(base);
    const realTarget = realpathSync(target);
    const realRel = relative(realBase, realTarget);
    if (realRel.startsWith("..") || isAbsolute(realRel)) return null;
    return realTarget;
  } catch {
    return null;
  }
}

/** Hides a secret in its line: from the finding's column, the quoted string or token there. */
export function maskSecretAt(line: string, column: number): string {
  const i = Math.max(0, Math.min(line.length, column - 1));
  const quote = line[i];
  if (quote === '"' || quote === "'" || quote === "`") {
    const end = line.indexOf(quote, i + 1);
    return `${line.slice(0, i + 1)}${REDACTED}${end < 0 ? "" : line.slice(end)}`;
  }
  const m = /^[^\s"'`,;)}\]]+/.exec(line.slice(i));
  const len = m ? m[0].length : 0;
  return len ? `${line.slice(0, i)}${REDACTED}${line.slice(i + len)}` : line;
}

export function cleanLine(text: string): string {
  const t = text.replace(/\r$/, "");
  return t.length > MAX_LINE_CHARS ? `${t.slice(0, MAX_LINE_CHARS)}…` : t;
}

type Spot = Pick<Finding, "line" | "column" | "kind"> & { value?: string };

/**
 * Lines around each finding of one file (radius lines either side), secrets masked: a secret's
 * own line masked from its column, the further lines of a multi-line secret (a private key's
 * body) withheld, and every line with the file's secrets, the scanner's rules, URL credentials and
 * core redaction applied. `secrets`: the file's secret findings, when `findings` is only a part of
 * them (a filtered page); by default those among `findings`.
 */
export function contextLines(text: string, findings: Spot[], radius = 2, secrets: Spot[] = findings.filter((f) => f.kind === "secret")): Map<number, SourceLine[]> {
  const secretsByLine = new Map<number, number[]>();
  for (const f of secrets) if (f.kind === "secret") secretsByLine.set(f.line, [...(secretsByLine.get(f.line) ?? []), f.column]);
  const spots = secrets.filter((f) => f.kind === "secret");
  const view = sourceView(text, spots);
  const lines = view.lines;
  const shown = (n: number): string => {
    if (view.continued.has(n)) return WITHHELD;
    let t = lines[n - 1] ?? "";
    // Mask right to left so earlier columns stay valid.
    for (const col of [...(secretsByLine.get(n) ?? [])].sort((a, b) => b - a)) t = maskSecretAt(t, col);
    // Cut before masking (a minified line is long), with room for a secret across the cut.
    return redactText(cleanLine(maskSourceLine(t.slice(0, MAX_LINE_CHARS + 512), view.known)));
  };
  const out = new Map<number, SourceLine[]>();
  for (const f of findings) {
    if (out.has(f.line) || f.line < 1 || f.line > lines.length) continue;
    const ctx: SourceLine[] = [];
    for (let n = Math.max(1, f.line - radius); n <= Math.min(lines.length, f.line + radius); n++) ctx.push({ n, text: shown(n), hit: n === f.line });
    out.set(f.line, ctx);
  }
  return out;
}

export function readSource(root: string, file: string): { ok: true; text: string } | { ok: false; reason: string } {
  const path = fileUnderRoot(root, file);
  if (!path) return { ok: false, reason: "file is not under the scanned directory any more" };
  try {
    const st = statSync(path);
    if (!st.isFile()) return { ok: false, reason: "not a regular file" };
    if (st.size > MAX_SOURCE_BYTES) return { ok: false, reason: "file too large to show" };
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(st.size);
      readSync(fd, buf, 0, st.size, 0);
      if (buf.includes(0)) return { ok: false, reason: "binary file" };
      return { ok: true, text: buf.toString("utf8") };
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    return { ok: false, reason: `cannot read: ${(err as NodeJS.ErrnoException).code ?? "error"}` };
  }
}

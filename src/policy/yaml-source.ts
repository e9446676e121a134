// Parses YAML with source positions, and turns zod issues into file:line:column errors.
// Hostile input (alias bombs, deep nesting, huge files) becomes an error, never an exception.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type Node } from "yaml";
import type { z } from "zod";
import type { PolicyError } from "./types.ts";

export const MAX_POLICY_BYTES = 4 * 1024 * 1024;
const MAX_ALIASES = 100;

export interface ParsedYaml {
  value: unknown;
  /** 1-based line/column of the node at `path` (or of `key` inside it), best effort. */
  locate(path: ReadonlyArray<PropertyKey>, key?: string): { line: number; column: number };
}

export function parseYaml(text: string, file: string): { ok: true; parsed: ParsedYaml } | { ok: false; errors: PolicyError[] } {
  if (typeof text !== "string") return { ok: false, errors: [{ file, line: 1, column: 1, message: "expected YAML text" }] };
  if (text.length > MAX_POLICY_BYTES) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: `policy file is larger than ${MAX_POLICY_BYTES} bytes` }] };
  }
  const lineCounter = new LineCounter();
  const at = (offset: number) => {
    const { line, col } = lineCounter.linePos(Math.max(0, offset));
    return { line, column: col };
  };
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, strict: true });
  } catch (err) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: `cannot parse YAML: ${short(err)}` }] };
  }
  if (doc.errors.length) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ file, ...at(e.pos?.[0] ?? 0), message: firstLine(e.message) })),
    };
  }
  if (doc.contents === null) {
    return { ok: false, errors: [{ file, line: 1, column: 1, message: "the file is empty; expected a mapping of policy keys (name, default, allow, deny, ...)" }] };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    const offset = firstAliasOffset(doc.contents as Node) ?? 0;
    return { ok: false, errors: [{ file, ...at(offset), message: `cannot load YAML: ${short(err)}` }] };
  }
  const locate = (path: ReadonlyArray<PropertyKey>, key?: string) => at(offsetOf(doc, path, key));
  return { ok: true, parsed: { value, locate } };
}

function offsetOf(doc: Document.Parsed, path: ReadonlyArray<PropertyKey>, key?: string): number {
  let node: unknown = doc.contents;
  let last = (node as Node | null)?.range?.[0] ?? 0;
  const segments = key === undefined ? [...path] : [...path, key];
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(seg));
      if (!pair) break;
      const isKeyTarget = key !== undefined && i === segments.length - 1;
      const target = isKeyTarget ? pair.key : (pair.value ?? pair.key);
      node = target;
    } else if (isSeq(node) && typeof seg === "number") {
      node = node.items[seg];
    } else break;
    const range = (node as Node | null)?.range;
    if (range) last = range[0];
  }
  return last;
}

function firstAliasOffset(node: Node | null): number | null {
  let found: number | null = null;
  const visit = (n: unknown, depth: number) => {
    if (found !== null || depth > 200) return;
    if (isAlias(n)) found = n.range?.[0] ?? null;
    else if (isMap(n)) for (const p of n.items) visit(p.value, depth + 1);
    else if (isSeq(n)) for (const item of n.items) visit(item, depth + 1);
  };
  visit(node, 0);
  return found;
}

function short(err: unknown): string {
  return firstLine(err instanceof Error ? err.message : String(err));
}

function firstLine(message: string): string {
  return message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
}

/** Human path: allow[2].ports[0] */
export function pathText(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const seg of path) out += typeof seg === "number" ? `[${seg}]` : out ? `.${String(seg)}` : String(seg);
  return out;
}

/** zod issues → positioned errors, with hints for the common cases. */
export function zodErrors(error: z.ZodError, parsed: ParsedYaml, file: string, knownKeys: (path: ReadonlyArray<PropertyKey>) => string[]): PolicyError[] {
  const out: PolicyError[] = [];
  // An unknown key explains the rule-level complaint at the same place ("needs a matcher"); keep one.
  const unknownAt = new Set(error.issues.filter((i) => i.code === "unrecognized_keys").map((i) => pathText(i.path as PropertyKey[])));
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code === "custom" && unknownAt.has(pathText(path))) continue;
    const where = pathText(path);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        out.push({ file, ...parsed.locate(path, key), message: unknownKeyMessage(path, key, knownKeys(path), true) });
      }
      continue;
    }
    let message = issue.message;
    if (issue.code === "invalid_union") {
      if (path.includes("ports")) message = "expected a port number (0-65535) or a range such as '8000-8080'";
      else if (path[path.length - 1] === "proto") message = "expected tcp, udp or a list of them";
    } else if (issue.code === "invalid_type" && path.length === 0) {
      message = "expected a mapping of policy keys (name, default, allow, deny, ...)";
    }
    out.push({ file, ...parsed.locate(path), message: where ? `${where}: ${message}` : message });
  }
  // In the order of the file, as an editor lists them.
  return out.sort((a, b) => a.line - b.line || a.column - b.column);
}

/**
 * The message for an unknown key at `path`. `quote` false leaves the key's name out (a file
 * reached through extends may be anything: its keys are content).
 */
export function unknownKeyMessage(path: ReadonlyArray<PropertyKey>, key: string, known: readonly string[], quote: boolean): string {
  const where = pathText(path);
  if (key === "action" && (path[0] === "allow" || path[0] === "learned") && path.length === 2) {
    return `${where}: ${path[0]} rules have no action (a match allows the connection); to alert, block or kill, put the rule under deny:`;
  }
  if (path.length === 1 && path[0] === "signals") {
    const hint = closest(key, known);
    return `unknown signal kind${quote ? ` '${key}'` : ""}${hint ? `; did you mean '${hint}'?` : ""} (kinds: ${known.join(", ")})`;
  }
  const hint = closest(key, known);
  const within = where ? ` in ${where}` : "";
  return `unknown key${quote ? ` '${key}'` : ""}${within}${hint ? `; did you mean '${hint}'?` : ""} (expected one of: ${known.join(", ")})`;
}

/** The candidate at most two edits from word, or null (did-you-mean hints). */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c);
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3 || a.length > 64) return 99;
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}

// Values of the small constant propagation: strings (possibly partly unknown), objects, and
// handles (HTTP clients/sessions with an optional base URL, imported modules).
import type { Node } from "web-tree-sitter";
import { maskSecrets } from "../secrets/detect.ts";
import { maxUrlLength } from "../universal/urls.ts";

export type Val =
  | { t: "str"; s: string; known: boolean }
  | { t: "obj"; props: Map<string, Val> }
  | { t: "client"; api: string; base: Val | null; http: boolean }
  | { t: "mod"; path: string }
  /** A class of the file (members under `key.name` in the environment), an instance, a function. */
  | { t: "class"; key: string }
  | { t: "inst"; cls: string; props: Map<string, Val> }
  /** property: read as an attribute (`@property`), the value is its return value. */
  | { t: "fn"; key: string; property?: boolean };

/**
 * Strings longer than a URL is read (urls.ts) are cut and count as partly unknown: a file that
 * doubles a string in a line of assignments (s = s + s, 60 times) must not build an exabyte of text.
 */
export const str = (s: string, known = true): Val =>
  s.length > maxUrlLength ? { t: "str", s: `${s.slice(0, maxUrlLength)}{…}`, known: false } : { t: "str", s, known };

/** Text of a value for a URL; unknown parts render as {…}. */
export function text(v: Val | null | undefined, hint = "…"): string {
  if (!v) return `{${hint}}`;
  if (v.t === "str") return v.s;
  if (v.t === "client" && v.base) return text(v.base, hint);
  return `{${hint}}`;
}

/** A value that can stand for a URL (a string, a client with its base URL); others are unknown there. */
export function urlVal(v: Val | null | undefined): Val | null {
  return v && (v.t === "str" || (v.t === "client" && v.base)) ? v : null;
}

export function known(v: Val | null | undefined): boolean {
  return !!v && v.t === "str" && v.known;
}

export function concat(parts: Array<Val | null>, hints: string[] = []): Val {
  return str(parts.map((p, i) => text(p, hints[i] ?? "…")).join(""), parts.every(known));
}

/**
 * Short display of an unresolved expression for {…} placeholders: the source text, masked before
 * it is cut (a secret literal cut short is no longer recognised), with room for a secret across
 * the cut. Secrets the file holds elsewhere are masked later, with the file's findings (file-scan.ts).
 */
export function hintOf(node: Node | null): string {
  if (!node) return "…";
  const t = maskSecrets(node.text.slice(0, 1024).replace(/\s+/g, " "));
  return t.length > 30 ? `${t.slice(0, 27)}...` : t;
}

export function prop(v: Val | null | undefined, key: string): Val | null {
  return v && v.t === "obj" ? (v.props.get(key) ?? null) : null;
}

/** Joins a base URL and a path the way HTTP clients do (one slash between). */
export function joinUrl(base: Val | null, path: Val | null): Val | null {
  if (!base) return path;
  if (!path) return base;
  const p = text(path);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return path;
  const b = text(base);
  return str(b.replace(/\/+$/, "") + "/" + p.replace(/^\/+/, ""), known(base) && known(path));
}

export function unescapeString(s: string): string {
  return s.replace(/\\(["'\\/nrt])/g, (_, c: string) => ({ n: "\n", r: "\r", t: "\t" })[c] ?? c);
}

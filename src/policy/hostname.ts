// Hostname normalization and pattern matching. Every decision here is about refusing
// look-alikes: a name either is the pattern's name (label by label) or it does not match.
import { domainToASCII } from "node:url";

const MAX_NAME = 253;
const PLACEHOLDER = "wc_star_9f3a";
const LABEL = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
// Characters that URL parsing would silently cut at or reinterpret ("evil.com/x" → "evil.com").
const FORBIDDEN = /[\s/\\?#@:%\[\]<>"'`^{}|\u0000-\u001f\u007f]/;

/**
 * Lower-case ASCII form of a hostname with one trailing dot removed, IDN names in their
 * punycode form. Returns null for anything that is not a valid hostname (a malformed
 * name must never match an allow rule).
 */
export function normalizeHost(input: unknown): string | null {
  if (typeof input !== "string") return null;
  if (input.length === 0 || input.length > 1024 || FORBIDDEN.test(input)) return null;
  let name = input.endsWith(".") ? input.slice(0, -1) : input;
  // Only consult IDNA for non-ASCII; it also maps full-width dots the way resolvers do.
  if (/[^\x00-\x7f]/.test(name)) {
    name = domainToASCII(name);
    if (!name) return null;
    if (name.endsWith(".")) name = name.slice(0, -1);
  }
  name = name.toLowerCase();
  if (name.length === 0 || name.length > MAX_NAME) return null;
  const labels = name.split(".");
  for (const label of labels) if (!LABEL.test(label)) return null;
  return name;
}

/**
 * Normalizes a host pattern from a policy: a hostname whose labels may be `*`.
 * A leading `*.` means one or more labels; a `*` label elsewhere means exactly one label.
 * Returns an error message instead of a pattern when it is not acceptable.
 */
export function normalizeHostPattern(input: string): { pattern: string } | { error: string } {
  if (input.trim() === "*") {
    return { error: "a bare '*' would match every host; use 'default: allow' or a port/CIDR rule if that is meant" };
  }
  const labels = input.split(".");
  if (labels.some((l) => l !== "*" && l.includes("*"))) {
    return { error: `'${input}': '*' must be a whole label, as in '*.example.com' or 'api.*.example.com'` };
  }
  const last = labels[labels.length - 1] === "" ? labels[labels.length - 2] : labels[labels.length - 1];
  if (last === "*") {
    return { error: `'${input}': the last label cannot be '*'` };
  }
  // Replace wildcards with a placeholder label so the rest is checked as a hostname.
  const probe = labels.map((l) => (l === "*" ? PLACEHOLDER : l)).join(".");
  const normalized = normalizeHost(probe);
  if (!normalized) return { error: `'${input}' is not a valid hostname pattern (letters, digits, '-', '_' and '*' labels separated by dots)` };
  const out = normalized.split(".").map((l) => (l === PLACEHOLDER ? "*" : l));
  if (out.length < 2 && out[0] === "*") return { error: `'${input}' would match every host` };
  return { pattern: out.join(".") };
}

/** True when `pattern` (already normalized) matches `host` (already normalized). */
export function hostMatches(pattern: string, host: string): boolean {
  return hostLabelsMatch(patternLabels(pattern), host.split("."));
}

const patternCache = new Map<string, string[]>();

/** Split pattern labels, cached: the same patterns are matched for every connection. */
export function patternLabels(pattern: string): string[] {
  let labels = patternCache.get(pattern);
  if (!labels) {
    labels = pattern.split(".");
    if (patternCache.size > 50_000) patternCache.clear();
    patternCache.set(pattern, labels);
  }
  return labels;
}

export function hostLabelsMatch(p: string[], h: string[]): boolean {
  // Cheap reject: the last labels must agree unless the pattern ends in a wildcard (never allowed).
  if (p[p.length - 1] !== h[h.length - 1]) return false;
  return matchLabels(p, 0, h, 0);
}

function matchLabels(p: string[], pi: number, h: string[], hi: number): boolean {
  if (pi === p.length) return hi === h.length;
  if (hi === h.length) return false;
  if (p[pi] === "*") {
    if (pi === 0) {
      // Leading wildcard: one or more labels, never zero (so *.a.b does not match a.b).
      for (let take = 1; hi + take <= h.length - (p.length - 1); take++) {
        if (matchLabels(p, 1, h, hi + take)) return true;
      }
      return false;
    }
    return matchLabels(p, pi + 1, h, hi + 1);
  }
  return p[pi] === h[hi] && matchLabels(p, pi + 1, h, hi + 1);
}

/** Whether a host pattern contains a wildcard (used for tenant warnings). */
export function isWildcard(pattern: string): boolean {
  return pattern.split(".").includes("*");
}

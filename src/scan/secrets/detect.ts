// Runs the secret rules over a text: keyword prefilter, regex, entropy, validator, redaction.
import type { RawFinding } from "../types.ts";
import { shannonEntropy } from "./entropy.ts";
import { createKeywordScanner, type KeywordScanner } from "./keywords.ts";
import type { KnownSecret } from "./known.ts";
import { redactSecret } from "./redact.ts";
import { secretRules } from "./rules/index.ts";
import { secretKeywordFlags, textFlags } from "../text-flags.ts";
import type { SecretRule } from "./types.ts";

/** The secret a match holds: the rule's group, else the first defined group, else the match. */
function secretOf(rule: SecretRule, m: RegExpMatchArray): { value: string; offset: number } | null {
  const idx = rule.group ?? (m.slice(1).findIndex((g) => g !== undefined) + 1 || 0);
  const value = m[idx];
  if (value === undefined) return null;
  const rel = idx === 0 ? 0 : m[0].indexOf(value);
  return { value, offset: (m.index ?? 0) + Math.max(0, rel) };
}

/**
 * Where a line-scoped rule can match: from the start of the line `before` lines above each
 * keyword's line to the end of the line `after` lines below it, merged, in text order.
 */
export function keywordRegions(text: string, hits: number[], after: number, before = 0): Array<[number, number]> {
  const regions: Array<[number, number]> = [];
  // The automaton's two chains report hits as two ascending runs (overlapping a little).
  const sorted = isAscending(hits) ? hits : [...hits].sort((a, b) => a - b);
  // Where the line of the previous hit ends: a hit on that line adds nothing, and skipping it keeps
  // a minified file's one long line with thousands of hits from being read once per hit.
  let lineEnd = -1;
  for (const h of sorted) {
    if (h < lineEnd) continue;
    const last = regions[regions.length - 1];
    let start = text.lastIndexOf("\n", h) + 1;
    for (let k = 0; k < before && start > 0; k++) start = text.lastIndexOf("\n", start - 2) + 1;
    let end = text.indexOf("\n", h);
    lineEnd = end === -1 ? text.length : end;
    for (let k = 0; k < after && end !== -1; k++) end = text.indexOf("\n", end + 1);
    const stop = end === -1 ? text.length : end;
    if (last && start <= last[1]) last[1] = Math.max(last[1], stop);
    else regions.push([start, stop]);
  }
  return regions;
}

function isAscending(a: number[]): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
  return true;
}

/** Bound on matches per rule and text: pathological inputs stay cheap. */
const maxMatches = 10_000;

/**
 * Matches of one rule in a text (used by the rule tests as well); with `regions`, only matches
 * that lie inside one of them. Each region is searched on its own, so a rule whose keyword sits
 * on a few lines of a large file never reads the rest of it.
 */
export function matchRule(rule: SecretRule, text: string, regions?: Array<[number, number]>): Array<{ value: string; offset: number }> {
  const out: Array<{ value: string; offset: number }> = [];
  let budget = maxMatches;
  if (!regions) collectMatches(rule, text, 0, text.length, out, budget);
  else for (const [a, b] of regions) if ((budget = collectMatches(rule, text, a, b, out, budget)) <= 0) break;
  return out;
}

/** Appends the rule's matches in text[from, to); returns how many of `budget` matches are left. */
function collectMatches(rule: SecretRule, text: string, from: number, to: number, out: Array<{ value: string; offset: number }>, budget: number): number {
  const re = rule.regex;
  const part = from === 0 && to === text.length ? text : text.slice(from, to);
  re.lastIndex = 0;
  for (let m = re.exec(part); m !== null; m = re.exec(part)) {
    if (m[0].length === 0) re.lastIndex++; // never loop on an empty match
    if (--budget < 0) break;
    if (part !== text) {
      // Validators read around the match (the name before a value): they see the whole text.
      m.index += from;
      m.input = text;
    }
    const s = secretOf(rule, m);
    if (!s) continue;
    // Both are pure filters; the rule's own check first, as it rejects most candidates cheaply
    // (the generic rule's secret-name test) where entropy always reads the whole value.
    if (rule.validate && !rule.validate(s.value, m)) continue;
    if (rule.entropy !== undefined && shannonEntropy(s.value) < rule.entropy) continue;
    out.push(s);
  }
  re.lastIndex = 0;
  return budget;
}

const scanners = new WeakMap<SecretRule[], KeywordScanner>();
function scannerFor(rules: SecretRule[]): KeywordScanner {
  let s = scanners.get(rules);
  if (!s) {
    s = createKeywordScanner(rules.map((r) => r.keywords));
    scanners.set(rules, s);
  }
  return s;
}

function scanKeywords(rules: SecretRule[], text: string): { present: Uint8Array; hits: Array<number[] | undefined> } {
  // The built-in rules share text-flags' automaton: one per thread, not two.
  if (rules === secretRules) return textFlags(text).keywords;
  const hits: Array<number[] | undefined> = [];
  return { present: scannerFor(rules).scan(text, hits), hits };
}

/**
 * A short digest of the raw secret, for its fingerprint only (fingerprint.ts mixes it in and drops
 * it): two different secrets with the same redacted value get different fingerprints. Four hex
 * digits, 16 bits: a published fingerprint confirms a guessed password no better than 1 in 65,536.
 */
export function valueDigest(ruleId: string, secret: string): string {
  return Bun.SHA256.hash(`${ruleId}\u0000${secret}`, "hex").slice(0, 4);
}

export function detectSecrets(
  text: string,
  at: (offset: number) => { line: number; column: number },
  language: string,
  rules: SecretRule[] = secretRules,
  /** The keyword flags and hits of `rules` for this text, when an earlier pass has them (text-flags.ts). */
  keywords: { present: Uint8Array; hits: Array<number[] | undefined> } = scanKeywords(rules, text),
  /** Receives each secret found, whole, with its redacted form (for masking it elsewhere: known.ts). */
  found?: KnownSecret[],
): RawFinding[] {
  const { present, hits } = keywords;
  const out: RawFinding[] = [];
  const taken = createSpanSet();
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (present[r] === 0) continue;
    const regions = rule.keywordLines === undefined ? undefined : keywordRegions(text, hits[r] ?? [], rule.keywordLines, rule.keywordLinesBefore);
    for (const s of matchRule(rule, text, regions)) {
      // One finding per secret: the first (most specific) rule wins overlapping spans.
      if (!taken.add(s.offset, s.offset + s.value.length)) continue;
      const { line, column } = at(s.offset);
      const value = redactSecret(s.value, rule.showPrefix);
      found?.push({ raw: s.value, shown: value });
      out.push({
        kind: "secret",
        value,
        host: null,
        line,
        column,
        language,
        analyzer: "secrets",
        rule: `secret/${rule.id}`,
        valueDigest: valueDigest(rule.id, s.value),
      });
    }
  }
  return out;
}

/**
 * Disjoint spans kept in order: `add` takes a span unless it overlaps one already held. A binary
 * search, not a look at every span: a file can hold thousands of secrets.
 */
export function createSpanSet() {
  const starts: number[] = [];
  const ends: number[] = [];
  return {
    add(start: number, end: number): boolean {
      // The first span that ends after `start`: the only one that can overlap [start, end).
      let lo = 0;
      let hi = ends.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ends[mid] <= start) lo = mid + 1;
        else hi = mid;
      }
      if (lo < starts.length && starts[lo] < end) return false;
      starts.splice(lo, 0, start);
      ends.splice(lo, 0, end);
      return true;
    },
  };
}

/** The text with every secret (and URL password) replaced by "…": safe to print as context. */
export function maskSecrets(text: string): string {
  // Every rule's secret has a run of 16+ token characters (or a key block): skip short texts fast.
  // A URL's user and password hold no "/", so the look for "@" stops at one (not at the end of a
  // long line of URLs, from each of them).
  if (!/[A-Za-z0-9_+/=~.-]{16}|PRIVATE KEY|pass|pwd|:\/\/[^\s@/]*@/i.test(text)) return text;
  const spans: Array<[number, number]> = [];
  const present = secretKeywordFlags(text);
  for (let r = 0; r < secretRules.length; r++) {
    const rule = secretRules[r];
    if (present[r] === 0) continue;
    for (const s of matchRule(rule, text)) spans.push([s.offset, s.offset + s.value.length]);
  }
  // One pass over the spans in order (overlapping ones merged): a text with thousands of secrets
  // is not copied once per secret.
  const parts: string[] = [];
  let done = 0;
  for (const [a, b] of spans.sort((x, y) => x[0] - y[0] || y[1] - x[1])) {
    if (b <= done) continue;
    if (a >= done) parts.push(text.slice(done, a), "…");
    done = b;
  }
  parts.push(text.slice(done));
  return parts.join("").replace(/(:\/\/[^\s:/@"'`]{0,64}:)[^\s@/"'`]+@/g, "$1***@");
}

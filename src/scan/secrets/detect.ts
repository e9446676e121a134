// Runs the secret rules over a text: keyword prefilter, regex, entropy, validator, redaction.
import type { RawFinding } from "../types.ts";
import { shannonEntropy } from "./entropy.ts";
import { createKeywordScanner, type KeywordScanner } from "./keywords.ts";
import { redactSecret } from "./redact.ts";
import { secretRules } from "./rules/index.ts";
import type { SecretRule } from "./types.ts";

/** The secret a match holds: the rule's group, else the first defined group, else the match. */
function secretOf(rule: SecretRule, m: RegExpMatchArray): { value: string; offset: number } | null {
  const idx = rule.group ?? (m.slice(1).findIndex((g) => g !== undefined) + 1 || 0);
  const value = m[idx];
  if (value === undefined) return null;
  const rel = idx === 0 ? 0 : m[0].indexOf(value);
  return { value, offset: (m.index ?? 0) + Math.max(0, rel) };
}

/** Matches of one rule in a text (used by the rule tests as well). */
export function matchRule(rule: SecretRule, text: string): Array<{ value: string; offset: number }> {
  const out: Array<{ value: string; offset: number }> = [];
  rule.regex.lastIndex = 0;
  let n = 0;
  for (const m of text.matchAll(rule.regex)) {
    if (++n > 10_000) break; // bound pathological inputs
    const s = secretOf(rule, m);
    if (!s) continue;
    // Both are pure filters; the rule's own check first, as it rejects most candidates cheaply
    // (the generic rule's secret-name test) where entropy always reads the whole value.
    if (rule.validate && !rule.validate(s.value, m)) continue;
    if (rule.entropy !== undefined && shannonEntropy(s.value) < rule.entropy) continue;
    out.push(s);
  }
  return out;
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

export function detectSecrets(
  text: string,
  at: (offset: number) => { line: number; column: number },
  language: string,
  rules: SecretRule[] = secretRules,
  /** The keyword flags of `rules` for this text, when an earlier pass has them (text-flags.ts). */
  present: Uint8Array = scannerFor(rules).scan(text),
): RawFinding[] {
  const out: RawFinding[] = [];
  const taken: Array<[number, number]> = [];
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r];
    if (present[r] === 0) continue;
    for (const s of matchRule(rule, text)) {
      const end = s.offset + s.value.length;
      // One finding per secret: the first (most specific) rule wins overlapping spans.
      if (taken.some(([a, b]) => s.offset < b && end > a)) continue;
      taken.push([s.offset, end]);
      const { line, column } = at(s.offset);
      out.push({
        kind: "secret",
        value: redactSecret(s.value, rule.showPrefix),
        host: null,
        line,
        column,
        language,
        analyzer: "secrets",
        rule: `secret/${rule.id}`,
      });
    }
  }
  return out;
}

/** The text with every secret (and URL password) replaced by "…": safe to print as context. */
export function maskSecrets(text: string): string {
  // Every rule's secret has a run of 16+ token characters (or a key block): skip short texts fast.
  if (!/[A-Za-z0-9_+/=~.-]{16}|PRIVATE KEY|pass|pwd|:\/\/[^\s@]*@/i.test(text)) return text;
  const spans: Array<[number, number]> = [];
  const present = scannerFor(secretRules).scan(text);
  for (let r = 0; r < secretRules.length; r++) {
    const rule = secretRules[r];
    if (present[r] === 0) continue;
    for (const s of matchRule(rule, text)) spans.push([s.offset, s.offset + s.value.length]);
  }
  let out = text;
  for (const [a, b] of spans.sort((x, y) => y[0] - x[0])) out = out.slice(0, a) + "…" + out.slice(b);
  return out.replace(/(:\/\/[^\s:/@"'`]{0,64}:)[^\s@/"'`]+@/g, "$1***@");
}

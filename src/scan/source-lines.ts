// Source lines as the scan's renderers show them (the text report, the terminal scan browser, the
// web view): lines that hold a secret finding withheld, every line of a multi-line one included;
// every other line with the file's secrets, the rules' secrets and URL credentials masked.
import { detectSecrets, maskSecrets } from "./secrets/detect.ts";
import { knownSecretMasker, type KnownSecret } from "./secrets/known.ts";
import { maskUrlParams } from "./universal/urls.ts";

/** Where a secret finding is; with its reported value, how far it runs ("[redacted N chars]"). */
export interface SecretSpot {
  line: number;
  column?: number;
  value?: string;
}

export const WITHHELD = "(line withheld: it holds a secret)";

const beginKey = /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY/;
const endKey = /-----END[ A-Z0-9_-]{0,100}PRIVATE KEY/;
const redactedLength = /\[redacted (\d+) chars\]$/;

/**
 * The lines (first and last, 1-based) each secret covers: its own line, and for a multi-line
 * secret as many characters as its value says from its column, and for a private key from the
 * BEGIN line through the END line (or the last line when there is none). Lines may be given with
 * or without their "\r": without, a secret's length covers more lines, not fewer.
 */
export function secretExtents(lines: readonly string[], secrets: Iterable<SecretSpot>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const s of secrets) {
    if (s.line < 1 || s.line > lines.length) continue;
    let last = s.line;
    const m = s.value ? redactedLength.exec(s.value) : null;
    if (m) {
      // Characters of the secret left after its first line (the newline counts as one).
      let left = Number(m[1]) - (lines[s.line - 1].length - ((s.column ?? 1) - 1) + 1);
      while (left > 0 && last < lines.length) left -= lines[last++].length + 1;
    }
    if (beginKey.test(lines[s.line - 1])) {
      let n = s.line;
      while (n < lines.length && !endKey.test(lines[n - 1])) n++;
      last = Math.max(last, n);
    }
    out.push([s.line, last]);
  }
  return out;
}

/** The lines (1-based) to withhold: every line of every secret (secretExtents). */
export function withheldLines(lines: readonly string[], secrets: Iterable<SecretSpot>): Set<number> {
  const out = new Set<number>();
  for (const [a, b] of secretExtents(lines, secrets)) for (let n = a; n <= b; n++) out.add(n);
  return out;
}

/**
 * Masks, in any text taken from `text`, the secrets the rules find in `text` as a whole: a secret
 * found on one line shows nowhere else in the file either. Null when the file holds none.
 */
export function fileSecretMasker(text: string): ((s: string) => string) | null {
  const found: KnownSecret[] = [];
  detectSecrets(text, () => ({ line: 0, column: 0 }), "text", undefined, undefined, found);
  return knownSecretMasker(found);
}

/** A line as shown: the file's secrets (see fileSecretMasker), the rules' secrets and URL credentials masked. */
export function maskSourceLine(line: string, known?: ((s: string) => string) | null): string {
  // URL parameters first: a known secret masked inside a URL would end the URL at its blank.
  const urls = maskUrlParams(line);
  return maskSecrets(known ? known(urls) : urls);
}

// C0 controls but tab, DEL and C1: a scanned file's escape sequences must not act on a terminal.
const controls = /[\x00-\x08\x0a-\x1f\x7f-\x9f]/g;
const named: Record<string, string> = { "\r": "\\r", "\n": "\\n", "\x1b": "\\x1b" };

/** Control characters written out (\x1b, \r, \x00) so that a terminal shows them instead of obeying them. */
export function visibleControls(s: string): string {
  controls.lastIndex = 0;
  if (!controls.test(s)) return s;
  controls.lastIndex = 0;
  return s.replace(controls, (c) => named[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** The source view of one file: which lines to withhold and how to show the others. */
export function sourceView(text: string, secrets: readonly SecretSpot[], lines: readonly string[] = text.split("\n")) {
  const extents = secretExtents(lines, secrets);
  const withheld = new Set<number>();
  /** Lines of a secret after its first (a private key's body). */
  const continued = new Set<number>();
  for (const [a, b] of extents) {
    withheld.add(a);
    for (let n = a + 1; n <= b; n++) withheld.add(n), continued.add(n);
  }
  // Detecting the file's secrets again costs a pass over it: only where the scan found any.
  const known = secrets.length ? fileSecretMasker(text) : null;
  return {
    lines,
    withheld,
    continued,
    /** Masks the file's secrets in text taken from it (null: the scan found none). */
    known,
    /** Line n masked (cut to `max` characters before masking, when given), or null when withheld. */
    line(n: number, max?: number): string | null {
      if (withheld.has(n) || n < 1 || n > lines.length) return null;
      const raw = lines[n - 1].replace(/\r$/, "");
      return maskSourceLine(max === undefined ? raw : raw.slice(0, max), known);
    },
  };
}

// The per-file work: the universal regex pass and the secret rules over any text.
import { lineIndex } from "./lines.ts";
import { detectSecrets } from "./secrets/detect.ts";
import type { RawFinding } from "./types.ts";
import { extractEndpoints } from "./universal/urls.ts";

export function regexPass(text: string, language: string): RawFinding[] {
  const idx = lineIndex(text);
  const at = (o: number) => idx.position(o);
  return [...extractEndpoints(text, at, language), ...detectSecrets(text, at, language)];
}

/** Same kind, value and position reported twice (regex and an analyzer): keep the first. */
export function dedupe(findings: RawFinding[]): RawFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.kind}\u0000${f.value}\u0000${f.line}\u0000${f.column}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

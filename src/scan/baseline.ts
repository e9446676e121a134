// Baseline files: fingerprints a team has accepted; later scans report only what is new.
import type { Finding, ScanResult } from "./types.ts";

/**
 * Version 2: a secret's fingerprint holds a short digest of the raw secret (fingerprint.ts), so a
 * different secret of the same length is new. Version 1 files are still read; their secret
 * entries match nothing any more (those secrets show as new), their endpoint entries still match.
 */
export const baselineVersion = 2;

export interface Baseline {
  version: number;
  fingerprints: string[];
}

export function makeBaseline(result: ScanResult): Baseline {
  return { version: baselineVersion, fingerprints: [...new Set(result.findings.map((f) => f.fingerprint ?? ""))].filter(Boolean).sort() };
}

/** Parses a baseline file's text; throws Error with a plain message on a malformed file. */
export function readBaseline(text: string): { fingerprints: Set<string>; version: number } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error("baseline is not JSON");
  }
  const fps = (data as Baseline | null)?.fingerprints;
  if (!Array.isArray(fps) || !fps.every((x) => typeof x === "string")) {
    throw new Error("baseline has no 'fingerprints' list of strings");
  }
  // Files written before versions were checked may lack one: they are version 1.
  const version = (data as Baseline).version ?? 1;
  if (version !== 1 && version !== 2) {
    throw new Error(`baseline version ${JSON.stringify(version)} is not one this trustrun reads (1 or 2)`);
  }
  return { fingerprints: new Set(fps), version };
}

/** The accepted fingerprints of a baseline file's text (see readBaseline). */
export function parseBaseline(text: string): Set<string> {
  return readBaseline(text).fingerprints;
}

export function withoutBaseline(findings: Finding[], accepted: Set<string>): Finding[] {
  return findings.filter((f) => !f.fingerprint || !accepted.has(f.fingerprint));
}

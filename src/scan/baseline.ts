// Baseline files: fingerprints a team has accepted; later scans report only what is new.
import type { Finding, ScanResult } from "./types.ts";

export interface Baseline {
  version: 1;
  fingerprints: string[];
}

export function makeBaseline(result: ScanResult): Baseline {
  return { version: 1, fingerprints: [...new Set(result.findings.map((f) => f.fingerprint ?? ""))].filter(Boolean).sort() };
}

/** Parses a baseline file's text; throws Error with a plain message on a malformed file. */
export function parseBaseline(text: string): Set<string> {
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
  return new Set(fps);
}

export function withoutBaseline(findings: Finding[], accepted: Set<string>): Finding[] {
  return findings.filter((f) => !f.fingerprint || !accepted.has(f.fingerprint));
}

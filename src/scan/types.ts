// Scan options and results. ScanResult is the scan JSON contract (ARCHITECTURE.md, "Scan JSON").
import type { Finding as CoreFinding } from "../core/types.ts";
import type { ConnectionFacts } from "../policy/types.ts";

/**
 * Where a finding sits (universal/context.ts): `code`, a `comment`, or `docs` (documentation
 * files, `.d.ts` declarations, Python docstrings, notebooks' markdown cells). Tree-sitter call
 * sites are always `code`. `--fail-on violation` counts `code` findings unless told otherwise.
 */
export type FindingContext = "code" | "comment" | "docs";

/** A scan finding as in the scan JSON contract, with its context (an addition to the contract). */
export interface Finding extends CoreFinding {
  context?: FindingContext;
}
export type FindingKind = Finding["kind"];
export type FindingVerdict = Finding["verdict"];

/** A file the walker or the scanner left out, and why. */
export interface SkippedFile {
  file: string; // relative to the root, forward slashes
  reason: string;
}

export interface ScanStats {
  files: number;
  bytes: number;
  ms: number;
  /** Files parsed with tree-sitter (the rest got the regex pass only). */
  parsed?: number;
  /** Parser worker threads still running at the end (0: parsed on the main thread). */
  workers?: number;
}

export interface ScanResult {
  version: 1;
  root: string;
  stats: ScanStats;
  findings: Finding[];
  /** What was not scanned and why (binary, too large, unreadable, symlink outside the root...). */
  skipped: SkippedFile[];
}

export interface ScanOptions {
  /**
   * The policy verdict for a destination (build it with verdict.ts: policyVerdict(evaluate, policy)).
   * Without it every endpoint is "unknown".
   */
  verdict?: (facts: ConnectionFacts) => FindingVerdict;
  /**
   * Extra patterns (gitignore syntax, and brace lists such as `*.{py,js}`) to include only / to
   * exclude. A pattern gitignore cannot use (an unclosed `[`) makes the scan throw.
   */
  include?: string[];
  exclude?: string[];
  /** Files larger than this many bytes are skipped. Default 5 MB. */
  maxFileSize?: number;
  /** Skip tree-sitter analyzers: universal regex and secrets only. */
  regexOnly?: boolean;
  /** Worker threads for the per-file work; 0 = this thread. Default: one per 64 MB of input, at most CPUs - 1 and 4. */
  workers?: number;
  /** With workers: leave every file to them, none to this thread (a diagnostic for tests). */
  workersOnly?: boolean;
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** Told about what may make the scan miss files but does not stop it (an --include pattern that matches no file). */
  onWarning?: (message: string) => void;
}

export interface ScanProgress {
  phase: "walk" | "scan";
  files: number;
  total: number;
  bytes: number;
}

export type ProgressFn = (p: ScanProgress) => void;

/** A finding before the policy verdict and fingerprint are attached. */
export type RawFinding = Omit<Finding, "verdict" | "fingerprint" | "file"> & {
  /** Port for the policy check when the source says it (URL port or scheme default). */
  port?: number | null;
  /** Set once the file's findings are final (fingerprint.ts). */
  fingerprint?: string;
  /**
   * Secrets only: a short digest of the raw value (detect.ts), mixed into the fingerprint and then
   * removed, in the thread that scanned the file: it is never reported, stored or sent on.
   */
  valueDigest?: string;
};

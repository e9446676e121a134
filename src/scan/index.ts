// Public API of the scanner.
export { scanDirectory, defaultMaxFileSize } from "./scan-directory.ts";
export { renderText, type TextOptions } from "./report/text.ts";
export { renderJson } from "./report/json.ts";
export { renderSarif } from "./report/sarif.ts";
export { makeBaseline, parseBaseline, readBaseline, withoutBaseline } from "./baseline.ts";
export { policyVerdict, verdictFromDecision } from "./verdict.ts";
export type { ScanOptions, ScanResult, ScanProgress, ProgressFn, SkippedFile, Finding } from "./types.ts";

// The per-file work, run in a parser worker or inline: decode, the universal regex pass and the
// secret rules over any text, then the language analyzer on source that might call the network.
import { decodeText, looksBinary } from "./decode.ts";
import { embeddedBlocks } from "./embedded.ts";
import { languageOf } from "./languages.ts";
import { lineIndex } from "./lines.ts";
import { looksMinified, mightCallNetwork } from "./prefilter.ts";
import { addFingerprints } from "./fingerprint.ts";
import { detectSecrets } from "./secrets/detect.ts";
import { knownSecretMasker, type KnownSecret } from "./secrets/known.ts";
import { secretRules } from "./secrets/rules/index.ts";
import { textFlags } from "./text-flags.ts";
import type { RawFinding } from "./types.ts";
import { fileContext, placeFindings } from "./universal/context.ts";
import { ipv4NotAddress, oidFile } from "./universal/ip-context.ts";
import { extractEndpoints } from "./universal/urls.ts";

/** Bigger files get the regex pass only: parsing them is slow and rarely adds anything. */
export const maxParseSize = 1_000_000;

/**
 * The universal pass and the secret rules; `found` receives the secrets whole (see maskKnown).
 * `file` (the path) helps tell what the text is (a file of OIDs).
 */
export function regexPass(text: string, language: string, found?: KnownSecret[], file = ""): RawFinding[] {
  const idx = lineIndex(text);
  const at = (o: number) => idx.position(o);
  const flags = textFlags(text);
  // IPv4-shaped OIDs, versions, sections and networks the line around them names as such, or a
  // file of OIDs (ip-context.ts: asked once, and only when an address could be an OID).
  let oids: boolean | undefined;
  const inOidFile = () => (oids ??= oidFile(text, file));
  const endpoints = extractEndpoints(text, at, language, flags).filter(
    (f) => f.rule !== "ip/v4" || !ipv4NotAddress(text, idx.offsetOf(f.line, f.column), f.value, inOidFile),
  );
  const all = [...endpoints, ...detectSecrets(text, at, language, secretRules, flags.keywords, found)];
  // Code, comment or docs: by the file's name and the text before each finding (context.ts).
  const fc = fileContext(file, text);
  if (!fc.docs && !fc.syntax && !fc.blocks) for (const f of all) f.context = "code";
  else if (all.length) {
    const where = placeFindings(text, fc, all.map((f) => idx.offsetOf(f.line, f.column)));
    all.forEach((f, i) => (f.context = where[i]));
  }
  return all;
}

/**
 * The file's other findings with its secrets masked wherever they occur (a key the file assigns
 * and then puts in a URL, a call's source text), as the secret's own finding shows it.
 */
export function maskKnown(findings: RawFinding[], found: readonly KnownSecret[]): RawFinding[] {
  if (!found.length) return findings;
  const mask = knownSecretMasker(found);
  if (!mask) return findings;
  for (const f of findings) {
    if (f.kind === "secret") continue;
    f.value = mask(f.value);
    if (f.host) f.host = mask(f.host);
  }
  return findings;
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

/** A file's findings as reported: duplicates dropped, in position order, fingerprinted. */
export function finishFindings(rel: string, findings: RawFinding[]): RawFinding[] {
  const out = dedupe(findings).sort(
    (a, b) => a.line - b.line || a.column - b.column || a.kind.localeCompare(b.kind) || a.rule.localeCompare(b.rule) || a.value.localeCompare(b.value),
  );
  addFingerprints(rel, out);
  return out;
}

export interface FileJob {
  id: number;
  rel: string;
  bytes: Uint8Array;
  regexOnly: boolean;
  /** Do not parse here: answer parseLater instead (parsing stays on one thread, see pool.ts). */
  deferParse?: boolean;
}

export interface FileAnswer {
  id: number;
  findings: RawFinding[];
  /** Set when the file was not scanned (binary) or only partly (parse failed). */
  skipped?: string;
  parsed: boolean;
  /** The file needs parsing, left to the thread that parses (no findings given). */
  parseLater?: boolean;
}

export async function scanFile(job: FileJob): Promise<FileAnswer> {
  const { id, rel, bytes } = job;
  if (looksBinary(bytes)) return { id, findings: [], skipped: "binary", parsed: false };
  const text = decodeText(bytes);
  const { language, grammar } = languageOf(rel);
  // The secrets whole: they never leave this function, only findings masked with them do.
  const found: KnownSecret[] = [];
  const findings = regexPass(text, language, found, rel);
  const finish = (fs: RawFinding[]) => finishFindings(rel, maskKnown(fs, found));
  if (job.regexOnly) return { id, findings: finish(findings), parsed: false };
  // Notebooks and R Markdown / Quarto: their code blocks, mapped back to the file's positions
  // (a notebook's size and long lines are mostly outputs, so the limits apply to the code).
  const blocks = grammar
    ? [{ grammar, source: text, position: (line: number, column: number) => ({ line, column }) }]
    : embeddedBlocks(text, language);
  const todo = blocks.filter((b) => b.source.length <= maxParseSize && !looksMinified(b.source) && mightCallNetwork(b.source, b.grammar));
  if (!todo.length) return { id, findings: finish(findings), parsed: false };
  if (job.deferParse) return { id, findings: [], parsed: false, parseLater: true };
  try {
    // Imported on demand: a regex-only scan never loads tree-sitter.
    const { analyzeSource } = await import("./treesitter/analyze.ts");
    for (const b of todo) {
      for (const f of await analyzeSource(b.source, b.grammar, language)) {
        findings.push({ ...f, ...b.position(f.line, f.column), context: "code" });
      }
    }
    return { id, findings: finish(findings), parsed: true };
  } catch (err) {
    return { id, findings: finish(findings), parsed: false, skipped: `parse failed: ${(err as Error)?.message ?? err}` };
  }
}

// `trustrun scan DIR`: endpoints, SDK clients and secrets in source, checked against the policy.
import { accessSync, constants, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ScanProgress, ScanResult } from "../../scan/types.ts";
import { CliError, UsageError, flag, intOption, list, sizeOption, oneOf, str, type Command, type CommandIO } from "../command.ts";
import { version } from "../version.ts";
import { policyFromArgs, policyOptionSpecs } from "./policy.ts";

/** Keeps the scan for the web view and history; a store that cannot be written never fails the scan. */
async function storeScan(result: ScanResult, dbPath: string | undefined, policyName: string, startedAt: number, io: CommandIO): Promise<number | null> {
  try {
    const { openStore } = await import("../../store/index.ts");
    const store = openStore(dbPath);
    try {
      return store.saveScan(result, startedAt, policyName);
    } finally {
      store.close();
    }
  } catch (err) {
    io.stderr(`trustrun scan: the scan was not stored (${(err as Error).message}); the report is complete\n`);
    return null;
  }
}

/**
 * Why `path` cannot be written as a file, or null when it can (as far as can be told before
 * writing): checked before a scan starts, so a long scan's report is never lost to a bad path.
 */
export function unwritableReason(path: string): string | null {
  const code = (err: unknown) => (err as NodeJS.ErrnoException)?.code ?? "error";
  try {
    const st = statSync(path);
    if (st.isDirectory()) return "it is a directory";
    accessSync(path, constants.W_OK);
    return null;
  } catch (err) {
    if (code(err) !== "ENOENT") return code(err) === "EACCES" ? "permission denied" : code(err);
  }
  const parent = dirname(resolve(path));
  try {
    if (!statSync(parent).isDirectory()) return `${parent} is not a directory`;
    accessSync(parent, constants.W_OK);
    return null;
  } catch (err) {
    if (code(err) === "ENOENT" || code(err) === "ENOTDIR") return `directory ${parent} does not exist`;
    return code(err) === "EACCES" ? `permission denied in ${parent}` : code(err);
  }
}

const formats = ["text", "json", "sarif"] as const;
const failOns = ["violation", "secret", "any", "none"] as const;
export type FailOn = (typeof failOns)[number];
const failOnContexts = ["code", "all"] as const;
export type FailOnContext = (typeof failOnContexts)[number];

/**
 * Whether the findings trigger --fail-on. A violation counts when it is in code, or anywhere
 * (comments, docs) with `context` "all"; a secret counts wherever it is.
 */
export function failTriggered(result: ScanResult, failOn: FailOn, context: FailOnContext = "code"): boolean {
  const violation = result.findings.some((f) => f.verdict === "violation" && (context === "all" || (f.context ?? "code") === "code"));
  const secret = result.findings.some((f) => f.kind === "secret");
  if (failOn === "violation") return violation;
  if (failOn === "secret") return secret;
  if (failOn === "any") return violation || secret;
  return false;
}

/** A one-line progress display on stderr, only when stderr is a terminal. */
function progressPrinter(io: CommandIO): { onProgress?: (p: ScanProgress) => void; finish: () => void } {
  if (!process.stderr.isTTY) return { finish() {} };
  let shown = false;
  return {
    onProgress(p) {
      if (p.phase === "walk" || p.total < 200) return; // small trees finish before it would help
      shown = true;
      const pct = p.total ? Math.floor((p.files / p.total) * 100) : 100;
      io.stderr(`\r\x1b[2Kscanning ${p.files}/${p.total} files (${pct}%), ${(p.bytes / 1e6).toFixed(1)} MB`);
    },
    finish() {
      if (shown) io.stderr("\r\x1b[2K");
    },
  };
}

export const scanCommand: Command = {
  name: "scan",
  summary: "Find endpoints, SDK clients and hard-coded secrets in source code",
  usage: "trustrun scan DIR [--policy FILE]... [--preset NAME]... [--format text|json|sarif] [options]",
  description:
    "Scans every text file under DIR (honouring .gitignore and .trustrunignore) for URLs, IPs, hostnames and\n" +
    "secrets, and parses Python, JavaScript/TypeScript and R to find the endpoints HTTP clients and SDKs\n" +
    "will call. Each endpoint gets the policy verdict: allowed, violation or unknown. Secrets are always\n" +
    "redacted. Exit status: 0 clean, 1 when --fail-on triggers, 2 on a usage or fatal error.",
  options: {
    ...policyOptionSpecs,
    format: { type: "string", arg: "FMT", description: "Report format: text (default), json or sarif" },
    json: { type: "boolean", description: "Same as --format json" },
    output: { type: "string", short: "o", arg: "FILE", description: "Write the report to FILE instead of stdout" },
    "fail-on": { type: "string", arg: "WHAT", description: "Exit 1 on: violation (default), secret, any or none" },
    "fail-on-context": {
      type: "string",
      arg: "WHERE",
      description: "Violations that count for --fail-on: in code (default), or all (also in comments and docs); secrets count anywhere",
    },
    include: { type: "string", multiple: true, arg: "GLOB", description: "Scan only files matching GLOB (gitignore syntax)" },
    exclude: { type: "string", multiple: true, arg: "GLOB", description: "Skip files matching GLOB (gitignore syntax)" },
    "max-file-size": { type: "string", arg: "SIZE", description: "Skip files larger than this: bytes, or 500k, 5M, 2MiB (default 5M)" },
    "regex-only": { type: "boolean", description: "Skip the tree-sitter analyzers (faster; no call-site resolution)" },
    "no-gitignore": { type: "boolean", description: "Scan files that .gitignore excludes too" },
    baseline: { type: "string", arg: "FILE", description: "Report only findings not accepted in this baseline file" },
    "write-baseline": { type: "string", arg: "FILE", description: "Write all current findings' fingerprints to FILE" },
    db: { type: "string", arg: "PATH", description: "SQLite store the scan is kept in for 'trustrun server' (default $TRUSTRUN_HOME/trustrun.db)" },
    "no-store": { type: "boolean", description: "Do not keep the scan in the store" },
    workers: { type: "string", arg: "N", description: "Worker threads besides the main one (default: one per 64 MB of input, at most one per CPU but one, 4 in all)" },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "trustrun scan .",
    "trustrun scan src --preset public-ai-apis --fail-on any",
    "trustrun scan . --policy strict.yaml --fail-on-context all",
    "trustrun scan . --format sarif --output trustrun.sarif",
    "trustrun scan . --write-baseline .trustrun-baseline.json",
    "trustrun scan . --baseline .trustrun-baseline.json --fail-on any",
  ],
  async run(args, io) {
    const v = args.values;
    const dir = args.positionals[0];
    let isDir = false;
    try {
      isDir = statSync(dir).isDirectory();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === "EACCES") throw new CliError(`cannot read the directory ${dir}: EACCES`, 2);
    }
    if (!isDir) throw new UsageError(`'${dir}' is not a directory`);
    const format = flag(v, "json") ? "json" : oneOf(v, "format", formats, "text")!;
    const failOn = oneOf(v, "fail-on", failOns, "violation")!;
    const failOnContext = oneOf(v, "fail-on-context", failOnContexts, "code")!;
    const maxFileSize = sizeOption(v, "max-file-size", 1);
    const workers = intOption(v, "workers", 0, 64);
    const include = list(v, "include");
    const exclude = list(v, "exclude");
    try {
      const { preparePatterns } = await import("../../scan/globs.ts");
      preparePatterns(include, "--include");
      preparePatterns(exclude, "--exclude");
    } catch (err) {
      throw new CliError((err as Error).message, 2);
    }
    // Before the scan: a path that cannot be written must not cost the scan's report.
    const writeBaseline = str(v, "write-baseline");
    for (const [what, path] of [["baseline", writeBaseline], ["report to", str(v, "output")]] as const) {
      const why = path === undefined ? null : unwritableReason(path);
      if (why) throw new CliError(`cannot write ${what} ${path}: ${why}`, 2);
    }
    const policy = policyFromArgs(v, process.cwd(), io);
    // The scanner, the reports and the store load here: other commands never pay for them.
    const [{ evaluate }, { makeBaseline, readBaseline, withoutBaseline }, { scanDirectory }, { policyVerdict }] = await Promise.all([
      import("../../policy/evaluate.ts"),
      import("../../scan/baseline.ts"),
      import("../../scan/scan-directory.ts"),
      import("../../scan/verdict.ts"),
    ]);
    const scanStarted = Date.now();
    let accepted: Set<string> | null = null;
    const baselineFile = str(v, "baseline");
    if (baselineFile) {
      try {
        const read = readBaseline(readFileSync(baselineFile, "utf8"));
        accepted = read.fingerprints;
        if (read.version === 1) {
          io.stderr(`trustrun scan: ${baselineFile} is a version 1 baseline: its secrets no longer match and show as new; accept them again with --write-baseline\n`);
        }
      } catch (err) {
        throw new CliError(`cannot use baseline ${baselineFile}: ${(err as Error).message}`, 2);
      }
    }
    let result: ScanResult;
    const progress = progressPrinter(io);
    try {
      result = await scanDirectory(
        dir,
        {
          verdict: policyVerdict(evaluate, policy),
          include,
          exclude,
          maxFileSize,
          regexOnly: flag(v, "regex-only"),
          gitignore: !flag(v, "no-gitignore"),
          workers,
          onWarning: (m) => io.stderr(`trustrun scan: warning: ${m}\n`),
          // A diagnostic: every file to the workers, so what they find can be checked.
          workersOnly: process.env.TRUSTRUN_SCAN_MAIN === "0",
        },
        progress.onProgress,
      );
    } catch (err) {
      throw new CliError(`scan failed: ${(err as Error).message}`, 2);
    } finally {
      progress.finish();
    }
    if (writeBaseline) {
      try {
        writeFileSync(writeBaseline, JSON.stringify(makeBaseline(result), null, 2) + "\n");
      } catch (err) {
        throw new CliError(`cannot write baseline ${writeBaseline}: ${(err as Error).message}`, 2);
      }
      io.stderr(`wrote ${result.findings.length} fingerprints to ${writeBaseline}\n`);
    }
    if (accepted) result = { ...result, findings: withoutBaseline(result.findings, accepted) };
    const storeStarted = performance.now();
    if (!flag(v, "no-store")) await storeScan(result, str(v, "db"), policy.name, scanStarted, io);
    const storeMs = performance.now() - storeStarted;
    // On a terminal with no format asked for, an interactive browser; --format output stays plain.
    const plainAsked = str(v, "format") !== undefined || flag(v, "json") || str(v, "output") !== undefined;
    if (!plainAsked && process.stdin.isTTY && process.stdout.isTTY && process.env.TERM !== "dumb") {
      // Loaded on use: Ink and React cost more start-up than a small scan.
      const { browseScan } = await import("../../tui/scan/browse.tsx");
      if (await browseScan(result)) return failTriggered(result, failOn, failOnContext) ? 1 : 0;
    }
    const report =
      format === "json"
        ? (await import("../../scan/report/json.ts")).renderJson(result)
        : format === "sarif"
          ? (await import("../../scan/report/sarif.ts")).renderSarif(result, version)
          : (await import("../../scan/report/text.ts")).renderText(result, { color: !str(v, "output") && process.stdout.isTTY === true });
    const out = str(v, "output");
    if (out) {
      try {
        writeFileSync(out, report);
      } catch (err) {
        throw new CliError(`cannot write ${out}: ${(err as Error).message}`, 2);
      }
    } else io.stdout(report);
    if (process.env.TRUSTRUN_DEBUG) {
      io.stderr(`scan: ${result.stats.ms} ms scanning, ${storeMs.toFixed(0)} ms storing, ${(performance.now() - storeStarted - storeMs).toFixed(0)} ms reporting; ${Math.round(performance.now() + performance.timeOrigin - scanStarted)} ms since the command started, ${Math.round(performance.now())} ms since the process started\n`);
    }
    return failTriggered(result, failOn, failOnContext) ? 1 : 0;
  },
};

// Learning mode's outputs: `trustrun policy learn SESSION` (a proposed policy from a stored
// session) and the helpers `run`/`watch --learn` use to write what was learned.
import { existsSync, readFileSync, renameSync, unlinkSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "../command.ts";
import { CliError, ioError, list, str } from "../command.ts";
import { addLearnedEntries, proposePolicy, type LearnedEntry } from "../../policy/learn.ts";
import { loadPolicy } from "../../policy/load.ts";
import { DEFAULT_POLICY_FILE } from "../../policy/default-policy.ts";
import type { CompiledPolicy } from "../../policy/types.ts";
import { openStore, type Store } from "../../store/index.ts";
import { destinationProtos } from "../../store/lookups.ts";
import { formatPolicyError } from "./policy.ts";
import { openExistingStore } from "./sessions.ts";
import { learnedEntries, learnedHeadline, learnedSummary, type LearnedDecision } from "../../tui/state/learned.ts";

/** The session's policy with `prompt` as its default: every destination no rule covers is asked about. */
export function learningPolicy(policy: CompiledPolicy): CompiledPolicy {
  // The built-in observe-only policy allows everything unasked; learning starts from it too. A
  // question nobody answers (timeout, no terminal) gets the policy's own default: learning never
  // weakens a `default: block`.
  const unanswered = policy.observeOnly || policy.defaultAction === "prompt" ? "alert" : policy.defaultAction;
  return { ...policy, defaultAction: "prompt", observeOnly: false, unanswered };
}

/** Where "always" answers go: --learn-output, else the first --policy file, else ./trustrun.yaml. */
export function learnedFile(values: Record<string, unknown>, learnOutput: string | undefined, cwd: string): string {
  if (learnOutput) return resolve(cwd, learnOutput);
  const files = list(values as never, "policy");
  return resolve(cwd, files[0] ?? DEFAULT_POLICY_FILE);
}

/** Writes through a temporary file next to `file` and a rename; on failure the temporary file is removed. */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.trustrun-tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text, { mode: 0o644 });
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created */
    }
    throw err;
  }
}

/**
 * Adds learned entries to a policy file (created when missing), keeping its comments, and checks
 * that the result still loads. Returns how many entries the file gained.
 */
export function writeLearnedEntries(file: string, entries: LearnedEntry[]): number {
  if (!entries.length) return 0;
  let before = "";
  try {
    before = existsSync(file) ? readFileSync(file, "utf8") : "";
  } catch (err) {
    throw new CliError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let after: string;
  try {
    after = addLearnedEntries(before, entries);
  } catch (err) {
    throw new CliError(`cannot add what was learned to ${file}: ${(err as Error).message}`);
  }
  if (after === before) return 0;
  try {
    writeAtomically(file, after);
  } catch (err) {
    throw ioError(`cannot write ${file}`, err);
  }
  const check = loadPolicy({ files: [file], presets: [], cwd: process.cwd() });
  if (!check.ok) {
    writeAtomically(file, before);
    throw new CliError(`the learned policy did not validate, ${file} left as it was:\n${check.errors.map((e) => `  ${formatPolicyError(e)}`).join("\n")}`);
  }
  return entries.length;
}

/** The proposed policy text for a stored session. */
export function proposalFor(store: Store, sessionId: string): { text: string; destinations: number } {
  const rows = store.destinations(sessionId);
  // A destination reached over one protocol only is proposed for that protocol (UDP/53 must not
  // also allow TCP/53).
  const protos = destinationProtos(store.db, sessionId);
  const text = proposePolicy(
    rows.map((r) => {
      const seen = protos.get(`${r.host ?? r.ip}|${r.port}`) ?? [];
      return { host: r.host, ip: r.ip, port: r.port, count: r.count, proto: seen.length === 1 ? seen[0] : null, verdict: r.verdict, rule: r.rule };
    }),
    { name: `learned from session ${sessionId}` },
  );
  return { text, destinations: rows.length };
}

/** `run`/`watch --learn` without a terminal: write the proposal for the session that just ended. */
export function writeProposal(dbPath: string | undefined, sessionId: string, file: string | undefined, cwd: string): { file: string; destinations: number } {
  const out = resolve(cwd, file ?? `trustrun-proposed-${sessionId}.yaml`);
  const store = openStore(dbPath);
  try {
    const { text, destinations } = proposalFor(store, sessionId);
    writeAtomically(out, text);
    return { file: out, destinations };
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw ioError(`cannot write the proposed policy ${out}`, err);
  } finally {
    store.close();
  }
}

export const policyLearnCommand: Command = {
  name: "policy learn",
  summary: "Propose a policy from the destinations a stored session reached",
  usage: "trustrun policy learn SESSION [-o FILE] [--db PATH]",
  description: `
Reads every destination SESSION connected to and writes a policy for review: destinations an
allow preset covers become 'extends', destinations on a deny preset become deny rules, the rest
'learned:' entries, each with a comment saying how often it was seen; the default is alert.
Without -o the policy goes to stdout. The result is checked to load before it is written.`,
  options: {
    output: { type: "string", short: "o", arg: "FILE", description: "Write the proposed policy to FILE (default stdout)" },
    db: { type: "string", arg: "PATH", description: "SQLite database (default $TRUSTRUN_HOME/trustrun.db)" },
  },
  positionals: { min: 1, max: 1 },
  examples: ["trustrun policy learn 3f9a1c -o trustrun.yaml", "trustrun policy learn 3f9a1c | less"],
  run(args, io) {
    const store = openExistingStore(str(args.values, "db"));
    try {
      const session = store.getSession(args.positionals[0]);
      if (!session) throw new CliError(`no session '${args.positionals[0]}' (or the prefix is ambiguous): see 'trustrun sessions'`);
      const { text, destinations } = proposalFor(store, session.id);
      const check = loadPolicy({ files: ["proposed.yaml"], presets: [], cwd: "/", overlay: { "/proposed.yaml": text } });
      if (!check.ok) throw new CliError(`internal: the proposed policy does not validate: ${check.errors[0]?.message}`);
      const out = str(args.values, "output");
      if (!out) {
        io.stdout(text);
        return 0;
      }
      try {
        writeAtomically(resolve(out), text);
      } catch (err) {
        throw ioError(`cannot write ${out}`, err);
      }
      io.stderr(`wrote ${out}: ${destinations} destination${destinations === 1 ? "" : "s"} from session ${session.id}; review it before use\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};

export interface LearningReport {
  sessionId: string;
  /** Answers from the live screen, or null when there was none (then a proposal is written). */
  decisions: LearnedDecision[] | null;
  learn: boolean;
  learnedFile: string;
  learnOutput?: string;
  dbPath?: string;
  cwd: string;
  stderr: (text: string) => void;
}

/** After a session: the summary of what was answered, and the file(s) written. */
export function reportLearning(r: LearningReport): void {
  if (r.decisions) {
    if (r.decisions.length) {
      r.stderr(`trustrun: learning: ${learnedHeadline(r.decisions)}\n`);
      for (const line of learnedSummary(r.decisions)) r.stderr(`  ${line}\n`);
    } else if (r.learn) r.stderr("trustrun: learning: no destination needed a question\n");
    const entries = learnedEntries(r.decisions);
    const n = writeLearnedEntries(r.learnedFile, entries);
    if (n) r.stderr(`trustrun: wrote ${n} learned entr${n === 1 ? "y" : "ies"} to ${r.learnedFile} (it validates)\n`);
    return;
  }
  if (!r.learn) return;
  const { file, destinations } = writeProposal(r.dbPath, r.sessionId, r.learnOutput, r.cwd);
  r.stderr(`trustrun: learning without a terminal: wrote a proposed policy with ${destinations} destination${destinations === 1 ? "" : "s"} to ${file}; review it before use\n`);
}

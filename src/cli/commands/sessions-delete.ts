// `trustrun sessions delete`: a session's data (events with any captured bodies, alerts, the
// command's output file) removed for good, not only hidden.
import type { Command } from "../command.ts";
import { CliError, flag, str, UsageError } from "../command.ts";
import { deleteSessionsForGood } from "../../store/retention.ts";
import { openExistingStore } from "./sessions.ts";

const units: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "30d", "12h", "90m", "2w" → milliseconds; null when malformed. */
export function parseAge(text: string): number | null {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  return m ? Number(m[1]) * units[m[2]!]! : null;
}

export const sessionsDeleteCommand: Command = {
  name: "sessions delete",
  summary: "Delete sessions for good: their events, captured bodies, alerts and output files",
  usage: "trustrun sessions delete SESSION... | --older-than AGE [--yes] [--force] [--db PATH] [--json]",
  description:
    "Deleted rows are overwritten on disk (SQLite secure_delete) and the write-ahead log is truncated, so a session's data, bodies captured at level full included, does not stay readable in the database file. With --older-than the sessions that would go are listed; add --yes to delete them. Sessions without an end (running, or their monitor died) are kept unless --force.",
  options: {
    "older-than": { type: "string", arg: "AGE", description: "Every ended session that started longer ago than AGE (90m, 12h, 30d, 2w)" },
    yes: { type: "boolean", description: "With --older-than: delete (without it, only list)" },
    force: { type: "boolean", description: "Also delete sessions that never recorded an end" },
    db: { type: "string", arg: "PATH", description: "SQLite database (default $TRUSTRUN_HOME/trustrun.db)" },
    json: { type: "boolean", description: "Print what was deleted as JSON" },
  },
  positionals: { min: 0 },
  examples: ["trustrun sessions delete 3f9a2c1b7e04", "trustrun sessions delete --older-than 30d", "trustrun sessions delete --older-than 30d --yes"],
  run(args, io) {
    const ageText = str(args.values, "older-than");
    const ids = args.positionals;
    if (!ids.length && ageText === undefined) throw new UsageError("name the sessions to delete, or give --older-than AGE", sessionsDeleteCommand);
    if (ids.length && ageText !== undefined) throw new UsageError("give sessions or --older-than, not both", sessionsDeleteCommand);
    const age = ageText === undefined ? null : parseAge(ageText);
    if (ageText !== undefined && age === null) throw new UsageError(`--older-than: '${ageText}' is not an age such as 90m, 12h, 30d or 2w`, sessionsDeleteCommand);
    const force = flag(args.values, "force");
    const store = openExistingStore(str(args.values, "db"));
    try {
      let chosen;
      if (age !== null) {
        const before = Date.now() - age;
        chosen = store.listSessions({ until: before, limit: 1_000_000 }).rows.filter((s) => force || s.endedAt !== null);
      } else {
        // All named first: an unknown one stops everything, so nothing is half done.
        chosen = ids.map((id) => {
          const s = store.getSession(id);
          if (!s) throw new CliError(`no session '${id}' (see 'trustrun sessions'); nothing was deleted`);
          if (s.endedAt === null && !force) throw new CliError(`session ${s.id} has no end (running, or its monitor died): add --force to delete it; nothing was deleted`);
          return s;
        });
      }
      if (age !== null && !flag(args.values, "yes")) {
        if (flag(args.values, "json")) io.stdout(JSON.stringify({ wouldDelete: chosen.map((s) => s.id) }) + "\n");
        else {
          for (const s of chosen) io.stdout(`${s.id}  ${new Date(s.startedAt).toISOString().slice(0, 19).replace("T", " ")}  ${s.argv ? s.argv.join(" ").slice(0, 60) : `pid ${s.targetPid}`}\n`);
          io.stdout(`${chosen.length} session${chosen.length === 1 ? "" : "s"} would be deleted; add --yes to delete ${chosen.length === 1 ? "it" : "them"}\n`);
        }
        return 0;
      }
      const result = deleteSessionsForGood(store, chosen.map((s) => s.id));
      if (flag(args.values, "json")) io.stdout(JSON.stringify(result) + "\n");
      else {
        const n = result.deleted.length;
        io.stdout(`deleted ${n} session${n === 1 ? "" : "s"} (${result.events} events, ${result.alerts} alerts, ${result.outputFiles} output file${result.outputFiles === 1 ? "" : "s"}); freed pages overwritten\n`);
        if (!result.walTruncated) io.stdout("note: another process has the database open; its write-ahead log is truncated at the next checkpoint\n");
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

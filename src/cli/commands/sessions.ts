import { existsSync } from "node:fs";
import type { Command } from "../command.ts";
import { CliError, flag, intOption, str } from "../command.ts";
import { defaultDbPath, openStore, type Store } from "../../store/index.ts";
import { commandOutputPath } from "../../store/retention.ts";
import { formatConnection, plainStyle, ansiStyle, clock } from "../output/format.ts";
import type { ConnectionEvent } from "../../core/types.ts";

const dbOption = { type: "string" as const, arg: "PATH", description: "SQLite database (default $TRUSTRUN_HOME/trustrun.db)" };
const jsonOption = { type: "boolean" as const, description: "Print JSON for machines" };

export function openExistingStore(path: string | undefined): Store {
  const p = path ?? defaultDbPath();
  if (!existsSync(p)) throw new CliError(`no database at ${p} yet: run 'trustrun run' or 'trustrun watch' first (or pass --db)`);
  try {
    return openStore(p);
  } catch (err) {
    throw new CliError(`cannot open ${p}: ${(err as Error).message}`);
  }
}

function when(ts: number): string {
  return new Date(ts).toISOString().replace("T", " ").slice(0, 19);
}

export const sessionsCommand: Command = {
  name: "sessions",
  summary: "List past and running monitoring sessions",
  usage: "trustrun sessions [--search TEXT] [--violations] [--limit N] [--db PATH] [--json]",
  options: {
    search: { type: "string", arg: "TEXT", description: "Only sessions whose command, policy or destinations contain TEXT" },
    limit: { type: "string", arg: "N", description: "How many, newest first (default 20)" },
    violations: { type: "boolean", description: "Only sessions with violations" },
    db: dbOption,
    json: jsonOption,
  },
  examples: ["trustrun sessions", "trustrun sessions --search api.openai.com --violations", "trustrun sessions --json | jq '.[0].id'"],
  run(args, io) {
    const store = openExistingStore(str(args.values, "db"));
    try {
      const { rows, total } = store.listSessions({
        search: str(args.values, "search"), limit: intOption(args.values, "limit", 1, 10000) ?? 20, withViolations: flag(args.values, "violations"),
      });
      if (flag(args.values, "json")) {
        io.stdout(JSON.stringify(rows, null, 2) + "\n");
        return 0;
      }
      if (!rows.length) {
        io.stdout("no sessions\n");
        return 0;
      }
      io.stdout(`${"SESSION".padEnd(14)}${"STARTED".padEnd(21)}${"MODE".padEnd(7)}${"CONN".padStart(6)}${"VIOL".padStart(6)}  ${"PROBES".padEnd(16)}COMMAND\n`);
      for (const s of rows) {
        const cmd = s.argv ? s.argv.join(" ") : `pid ${s.targetPid}`;
        const probes = s.probes.map((p) => p.name).join("+") + (s.complete ? "" : "*");
        const state = s.endedAt === null ? " (running or interrupted)" : "";
        io.stdout(`${s.id.padEnd(14)}${when(s.startedAt).padEnd(21)}${s.mode.padEnd(7)}${String(s.connections).padStart(6)}${String(s.violations).padStart(6)}  ${probes.padEnd(16)}${cmd.slice(0, 60)}${state}\n`);
      }
      io.stdout(`${rows.length} of ${total} session${total === 1 ? "" : "s"}; * = polling only, may have missed short-lived connections\n`);
      return 0;
    } finally {
      store.close();
    }
  },
};

export const showCommand: Command = {
  name: "show",
  summary: "Print one session: its destinations, violations and connections",
  usage: "trustrun show SESSION [--events N] [--db PATH] [--json]",
  options: {
    events: { type: "string", arg: "N", description: "How many connection events to list (default 50; 0 for none)" },
    db: dbOption,
    json: jsonOption,
  },
  positionals: { min: 1, max: 1 },
  examples: ["trustrun show 3f9a2c1b7e04", "trustrun show 3f9a --json > session.json"],
  run(args, io) {
    const store = openExistingStore(str(args.values, "db"));
    try {
      const s = store.getSession(args.positionals[0]);
      if (!s) throw new CliError(`no session '${args.positionals[0]}' (see 'trustrun sessions'; a prefix must be unique and at least 4 characters)`);
      const limit = intOption(args.values, "events", 0, 100000) ?? 50;
      const events = limit ? store.listEvents({ session: s.id, type: "connection", limit }).reverse() : [];
      const destinations = store.destinations(s.id);
      const alerts = store.listAlerts({ session: s.id, limit: 1000 });
      if (flag(args.values, "json")) {
        const output = commandOutputPath(s.id);
        io.stdout(JSON.stringify({ session: s, destinations, alerts, events: events.map((e) => e.event), ...(existsSync(output) ? { outputFile: output } : {}) }, null, 2) + "\n");
        return 0;
      }
      const style = process.stdout.isTTY && !process.env.NO_COLOR ? ansiStyle : plainStyle;
      io.stdout(`Session ${s.id} (${s.mode}) ${s.argv ? s.argv.join(" ") : `pid ${s.targetPid}`}\n`);
      io.stdout(`  started ${when(s.startedAt)}${s.endedAt ? `, ended ${when(s.endedAt)}` : ", still running or interrupted"}${s.exitCode !== null ? `, exit ${s.exitCode}` : ""}\n`);
      io.stdout(`  policy ${s.policy}; probes ${s.probes.map((p) => p.name + (p.note ? ` (${p.note})` : "")).join(", ")}; ${s.complete ? "complete capture" : "INCOMPLETE capture (polling): short-lived connections can be missed"}\n`);
      io.stdout(`  ${s.connections} connections, ${s.destinations} destinations, ${s.violations} violations\n`);
      // Written when the command ran under the live screen (run.ts).
      const output = commandOutputPath(s.id);
      if (existsSync(output)) io.stdout(`  the command's output: ${output}\n`);
      io.stdout(`\nDestinations:\n`);
      for (const d of destinations) {
        const name = d.host ?? d.ip ?? "?";
        io.stdout(`  ${style.verdict(d.verdict, d.verdict.toUpperCase().padEnd(5))} ${`${name}:${d.port}`.padEnd(40)} ${String(d.count).padStart(5)}×  ${clock(d.firstSeen)}–${clock(d.lastSeen)}  ${d.exes.map((e) => e.split("/").pop()).join(", ")}\n`);
      }
      if (alerts.length) {
        io.stdout(`\nAlerts:\n`);
        for (const a of alerts.slice(0, 50)) io.stdout(`  [${a.severity}] ${a.message}\n    → ${a.suggestion}\n`);
      }
      if (events.length) {
        io.stdout(`\nConnections (last ${events.length}):\n`);
        for (const e of events) io.stdout(`  ${formatConnection(e.event as ConnectionEvent, style)}\n`);
      }
      return 0;
    } finally {
      store.close();
    }
  },
};

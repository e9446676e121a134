import type { Command, ParsedArgs } from "../command.ts";
import { CliError, flag, str, UsageError } from "../command.ts";
import { defaultDbPath, openStore } from "../../store/index.ts";
import { generateToken, isLoopback, validToken } from "../../web/security.ts";

export interface ServerSettings {
  host: string;
  port: number;
  token: string;
  tokenPinned: boolean;
  dbPath: string;
  open: boolean;
  warnings: string[];
}

/** --port: decimal digits only, 0 (any free port) to 65535; '', '0x50', '1e3', ' 80' are refused. */
export function parsePort(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(n <= 65535)) throw new UsageError(`--port takes a port number from 1 to 65535 (or 0 for any free port), not '${raw}'`);
  return n;
}

/** Pure: the settings a `trustrun server` invocation asks for, or a UsageError. */
export function serverSettings(values: ParsedArgs["values"], env: Record<string, string | undefined>): ServerSettings {
  const host = str(values, "host") ?? "127.0.0.1";
  const port = parsePort(str(values, "port")) ?? 7777;
  const warnings: string[] = [];
  if (!isLoopback(host)) {
    if (!flag(values, "allow-remote")) {
      throw new UsageError(`--host ${host} is reachable from other machines; add --allow-remote if that is what you want`);
    }
    warnings.push(`listening on ${host}: anyone who can reach it and has the token sees your sessions; traffic is plain HTTP`);
  }
  const pinned = str(values, "token") ?? env.TRUSTRUN_TOKEN;
  if (pinned !== undefined && !validToken(pinned)) {
    throw new UsageError("a pinned token (--token or TRUSTRUN_TOKEN) needs 16 to 256 characters from A-Z a-z 0-9 _ -");
  }
  return {
    host, port, token: pinned ?? generateToken(), tokenPinned: pinned !== undefined,
    dbPath: str(values, "db") ?? defaultDbPath(), open: flag(values, "open"), warnings,
  };
}

async function openBrowser(url: string): Promise<string | null> {
  const opener = process.platform === "darwin" ? "open" : "xdg-open";
  if (!Bun.which(opener)) return `${opener} not found: open the URL yourself`;
  try {
    Bun.spawn([opener, url], { stdout: "ignore", stderr: "ignore" }).unref();
    return null;
  } catch (err) {
    return `could not start ${opener}: ${(err as Error).message}`;
  }
}

export const serverCommand: Command = {
  name: "server",
  summary: "Serve the local web view: live connections, sessions, policies, scans, alerts",
  usage: "trustrun server [--port N] [--host ADDR [--allow-remote]] [--token TOKEN] [--db PATH] [--open]",
  description: `
Serves a web view over the same database that 'run', 'watch' and 'scan' write: a 'run' started
while the server runs shows up live. It listens on 127.0.0.1 only unless --host and
--allow-remote say otherwise. Every request needs the access token printed at start (a new
random one each time; pin one with --token or TRUSTRUN_TOKEN); the browser keeps it in a cookie
after the first visit. The JSON API under /api takes it as 'Authorization: Bearer TOKEN'.`,
  options: {
    port: { type: "string", short: "p", arg: "N", description: "TCP port (default 7777; 0 picks a free one)" },
    host: { type: "string", arg: "ADDR", description: "Address to listen on (default 127.0.0.1)" },
    "allow-remote": { type: "boolean", description: "Allow a --host that is not loopback" },
    token: { type: "string", arg: "TOKEN", description: "Use this access token instead of a random one (or set TRUSTRUN_TOKEN)" },
    db: { type: "string", arg: "PATH", description: "SQLite database (default $TRUSTRUN_HOME/trustrun.db)" },
    open: { type: "boolean", description: "Open the URL in the default browser" },
  },
  examples: [
    "trustrun server",
    "trustrun server --port 8080 --open",
    "TRUSTRUN_TOKEN=$(cat ~/.trustrun/token) trustrun server --db ./ci.db",
    "curl -H \"Authorization: Bearer $TOKEN\" http://127.0.0.1:7777/api/sessions",
  ],
  async run(args, io) {
    const s = serverSettings(args.values, process.env);
    let store;
    try {
      store = openStore(s.dbPath);
    } catch (err) {
      throw new CliError(`cannot open ${s.dbPath}: ${(err as Error).message}`);
    }
    const { startServer } = await import("../../web/server.ts");
    let server;
    try {
      server = startServer({ store, token: s.token, host: s.host, port: s.port });
    } catch (err) {
      store.close();
      const e = err as NodeJS.ErrnoException;
      if (e.code === "EADDRINUSE") throw new CliError(`port ${s.port} on ${s.host} is in use: pick another with --port (0 = any free port)`);
      if (e.code === "EADDRNOTAVAIL") throw new CliError(`cannot listen on ${s.host}: no such local address`);
      throw new CliError(`cannot start the server: ${e.message}`);
    }
    for (const w of s.warnings) io.stderr(`warning: ${w}\n`);
    const link = `${server.url}?token=${s.token}`;
    io.stdout(`TrustRun web view on ${server.url}\n  open: ${link}\n  database: ${s.dbPath}\n  token: ${s.tokenPinned ? "pinned" : "new for this start"}; API: Authorization: Bearer ${s.token}\nCtrl-C stops it.\n`);
    if (s.open) {
      const problem = await openBrowser(link);
      if (problem) io.stderr(`${problem}\n`);
    }
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.stop();
    store.close();
    io.stdout("stopped\n");
    return 0;
  },
};

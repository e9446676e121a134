// Serves the app with Bun.serve and pushes new rows to dashboards over a WebSocket.
import type { Server, ServerWebSocket } from "bun";
import type { Store } from "../store/index.ts";
import { createApp } from "./app.ts";
import { createLivePoller } from "./live.ts";
import { redactEventForDisplay } from "./redact-event.ts";
import { gate, hostNamesFor, wildcardNames } from "./security.ts";

export interface ServerOptions {
  store: Store;
  token: string;
  host?: string; // default 127.0.0.1
  port?: number; // default 7777; 0 = any free port
  /** Extra Host names to accept (e.g. a name for a remote bind). */
  extraHosts?: string[];
  pollMs?: number;
  policyCwd?: string;
}

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  /** Dashboard clients connected now. */
  clients(): number;
  stop(): Promise<void>;
}

const TOPIC = "live";
// A client this far behind in buffered bytes is dropped rather than slowing everyone.
const MAX_BUFFERED = 8 * 1024 * 1024;

export function startServer(opts: ServerOptions): RunningServer {
  const host = opts.host ?? "127.0.0.1";
  let allowed: string[] = [];
  const app = createApp({ store: opts.store, token: opts.token, allowedHosts: () => allowed, policyCwd: opts.policyCwd });
  const sockets = new Set<ServerWebSocket<unknown>>();

  const server: Server<unknown> = Bun.serve({
    hostname: host,
    port: opts.port ?? 7777,
    fetch(req, srv) {
      if (new URL(req.url).pathname === "/ws") {
        const refused = gate(req, opts.token, allowed);
        if (refused) return refused;
        if (srv.upgrade(req, { data: {} })) return undefined;
        return new Response("expected a WebSocket upgrade", { status: 426 });
      }
      return app.fetch(req);
    },
    websocket: {
      open(ws) {
        sockets.add(ws);
        ws.subscribe(TOPIC);
        ws.send(JSON.stringify({ type: "hello", lastId: opts.store.lastEventId() }));
      },
      close(ws) {
        sockets.delete(ws);
      },
      message() {
        // The stream is one-way; clients send nothing we act on.
      },
    },
  });
  const port = server.port ?? opts.port ?? 0;
  allowed = hostNamesFor(host, port, [...wildcardNames(host), ...(opts.extraHosts ?? [])]);

  const publish = (msg: unknown) => {
    const text = JSON.stringify(msg);
    for (const ws of sockets) if (ws.getBufferedAmount() > MAX_BUFFERED) ws.close(1013, "too slow");
    server.publish(TOPIC, text);
  };
  const poller = createLivePoller(opts.store, {
    intervalMs: opts.pollMs ?? 250,
    onEvents: (events) => {
      if (!sockets.size) return;
      publish({ type: "events", events: events.map((e) => ({ id: e.id, event: redactEventForDisplay(e.event) })) });
    },
    onGap: (skipped) => publish({ type: "gap", skipped }),
    onSessionsChanged: () => publish({ type: "sessions" }),
  });
  poller.start();

  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    host,
    clients: () => sockets.size,
    async stop() {
      poller.stop();
      for (const ws of sockets) ws.close(1001, "server stopping");
      await server.stop(true);
    },
  };
}

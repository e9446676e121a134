import { existsSync, readFileSync } from "node:fs";
import type { ConnectionEvent, TrustRunEvent } from "../../src/core/types.ts";

export function readNdjson(path: string): TrustRunEvent[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

export function connections(events: TrustRunEvent[]): ConnectionEvent[] {
  return events.filter((e): e is ConnectionEvent => e.type === "connection");
}

/** Local HTTP server on 127.0.0.1 that counts requests. */
export function countingServer() {
  let count = 0;
  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch() {
      count++;
      return new Response("ok");
    },
  });
  return { port: server.port!, get count() { return count; }, stop: () => server.stop(true) };
}

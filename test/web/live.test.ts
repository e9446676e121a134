// The live path without a browser: rows written by another connection reach a WebSocket client.
import { rmSync } from "node:fs";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { openStore, type Store } from "../../src/store/index.ts";
import { startServer, type RunningServer } from "../../src/web/server.ts";
import { connection, makeFixture, TOKEN, type Fixture } from "./fixtures.ts";

let fx: Fixture;
let server: RunningServer;
let writer: Store;

beforeAll(() => {
  fx = makeFixture();
  server = startServer({ store: fx.store, token: TOKEN, port: 0, pollMs: 50 });
  writer = openStore(join(fx.dir, "trustrun.db")); // a second connection, as a `trustrun run` would be
});
afterAll(async () => {
  await server.stop();
  writer.close();
  fx.store.close();
  rmSync(fx.dir, { recursive: true, force: true });
});

function open(headers: Record<string, string>): Promise<{ ws: WebSocket; messages: any[] } | { refused: true }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(server.url.replace("http", "ws") + "ws", { headers } as any);
    const messages: any[] = [];
    const t = setTimeout(() => resolve({ refused: true }), 3000);
    ws.onmessage = (m) => messages.push(JSON.parse(String(m.data)));
    ws.onopen = () => { clearTimeout(t); resolve({ ws, messages }); };
    ws.onerror = () => { clearTimeout(t); resolve({ refused: true }); };
  });
}

test("a row written by another process reaches the dashboard socket", async () => {
  const c = await open({ cookie: `trustrun_token_${server.port}=${TOKEN}`, origin: server.url.slice(0, -1) });
  if ("refused" in c) throw new Error("socket refused");
  writer.appendEvents([connection({ host: "live.example", dst: { ip: "198.51.100.9", port: 443 }, http: { headers: { authorization: "Bearer abcdefghijklmnop" }, responseHeaders: { "x-upstream-token": "RESPTOKENSECRET1234567890", "set-cookie": "sid=COOKIESECRET123", "content-type": "text/plain" } } })]);
  const deadline = Date.now() + 3000;
  let got: any;
  while (!got && Date.now() < deadline) {
    got = c.messages.find((m) => m.type === "events")?.events.find((e: any) => e.event.host === "live.example");
    await Bun.sleep(20);
  }
  expect(got).toBeDefined();
  expect(got.event.http.headers.authorization).toBe("[REDACTED]");
  expect(got.event.http.responseHeaders).toEqual({ "x-upstream-token": "[REDACTED]", "set-cookie": "[REDACTED]", "content-type": "text/plain" });
  expect(server.clients()).toBe(1);
  c.ws.close();
});

test("the socket refuses a missing token and a foreign Origin", async () => {
  expect("refused" in (await open({}))).toBe(true);
  expect("refused" in (await open({ cookie: `trustrun_token_${server.port}=${TOKEN}`, origin: "http://evil.example" }))).toBe(true);
  const res = await fetch(server.url + "ws", { headers: { cookie: `trustrun_token_${server.port}=${TOKEN}`, host: "evil.example" } });
  expect(res.status).toBe(400);
});

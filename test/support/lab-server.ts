// Runs inside a lab network namespace: a DNS server for the lab's names and an HTTP(S) server
// on each name's address. Reports each request on stdout as one JSON line.
import { createSocket } from "node:dgram";
import { buildDnsResponse, parseDnsMessage } from "../../src/capture/dns.ts";

const config = JSON.parse(process.argv[2]) as {
  names: Record<string, string>;
  dnsIp: string;
  tls?: { cert: string; key: string };
};
const byName = new Map(Object.entries(config.names).map(([n, ip]) => [n.toLowerCase(), ip]));
const say = (o: object) => process.stdout.write(JSON.stringify(o) + "\n");

const dns = createSocket("udp4");
dns.on("message", (msg, rinfo) => {
  const q = parseDnsMessage(new Uint8Array(msg));
  const question = q?.questions[0];
  if (!q || !question) return;
  const ip = byName.get(question.name.toLowerCase());
  const answers = ip && question.type === "A" ? [{ type: "A", data: ip, ttl: 60 }] : [];
  const reply = buildDnsResponse({ id: q.id, name: question.name, type: question.type, rcode: ip ? 0 : 3, answers });
  dns.send(reply, rinfo.port, rinfo.address);
  say({ event: "dns", name: question.name, type: question.type, answered: answers.length > 0 });
});
dns.bind(53, config.dnsIp);

const ips = new Set(byName.values());
for (const ip of ips) {
  const handler = async (req: Request, server: import("bun").Server<unknown>) => {
    const url = new URL(req.url);
    await req.arrayBuffer().catch(() => undefined);
    say({ event: "request", ip, host: req.headers.get("host"), method: req.method, path: url.pathname });
    // A WebSocket handshake gets an echo socket (realtime APIs).
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket" && server.upgrade(req, { data: {} })) return undefined;
    return Response.json({ ok: true, served_by: ip, choices: [{ message: { content: "summary" } }] });
  };
  const websocket = { message(ws: import("bun").ServerWebSocket<unknown>, m: string | Buffer) { ws.send(`echo:${m}`); } };
  Bun.serve({ hostname: ip, port: 80, fetch: handler, websocket });
  if (config.tls) Bun.serve({ hostname: ip, port: 443, fetch: handler, websocket, tls: { cert: config.tls.cert, key: config.tls.key } });
}
say({ event: "ready" });

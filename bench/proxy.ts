// Cost of the TrustRun proxy at capture level headers, on loopback.
// Usage: bun bench/proxy.ts [requests=400] [concurrency=16]
// 1. Added latency per request: sequential HTTPS GETs from Bun fetch, direct vs through the proxy
//    (TLS intercepted, request judged, headers captured and redacted, client pid looked up).
//    Direct is measured both with keep-alive and with a new connection per request, since the
//    proxy opens one upstream connection per request (and tells clients to close).
// 2. Throughput of the proxy: requests/s with `concurrency` requests in flight.
// The proxy runs in a child process so that the client and the proxy do not share an event loop.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createCaCertificate, createLeafIssuer } from "../src/capture/proxy/x509.ts";
import { startProxy } from "../src/capture/proxy/proxy.ts";
import { observeOnlyPolicy } from "../src/policy/default-policy.ts";

if (process.argv[2] === "--child") {
  const cfg = JSON.parse(process.argv[3]!);
  let records = 0;
  const proxy = await startProxy({
    level: "headers", policy: observeOnlyPolicy(), issuer: createLeafIssuer(cfg.proxyCa), upstreamCa: [cfg.upstreamCaPem],
    resolve: async () => "127.0.0.1", onRecord: () => records++,
    candidates: () => [process.ppid], // the client is the parent, as the target tree is for `run`
  });
  process.stdout.write(JSON.stringify({ port: proxy.port }) + "\n");
  process.on("SIGTERM", () => {
    process.stderr.write(JSON.stringify({ records, ...proxy.stats() }) + "\n");
    process.exit(0);
  });
  await new Promise(() => {});
}

const N = Number(process.argv[2] ?? 400);
const C = Number(process.argv[3] ?? 16);
const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-proxy-"));
const upstreamCa = createCaCertificate("Bench Upstream CA", 2);
const upstream = createLeafIssuer(upstreamCa);
const proxyCa = createCaCertificate("Bench TrustRun CA", 2);
const bothCa = join(dir, "both.pem");
writeFileSync(bothCa, upstreamCa.certPem + proxyCa.certPem);
const server = Bun.serve({
  hostname: "127.0.0.1", port: 0, tls: { cert: upstream.certFor("bench.test"), key: upstream.keyPem },
  fetch: () => new Response("x".repeat(512), { headers: { "content-type": "text/plain" } }),
});
const child = Bun.spawn([process.execPath, import.meta.path, "--child", JSON.stringify({ proxyCa, upstreamCaPem: upstreamCa.certPem })], { stdout: "pipe", stderr: process.env.PT ? "inherit" : "pipe" });
const reader = child.stdout.getReader();
const { value } = await reader.read();
if (!value) throw new Error(`the proxy child did not start: ${await new Response(child.stderr).text()}`);
const { port } = JSON.parse(new TextDecoder().decode(value).split("\n")[0]!);
const proxyUrl = `http://127.0.0.1:${port}`;
const tls = { ca: [upstreamCa.certPem, proxyCa.certPem] };
const url = `https://bench.test:${server.port}/v1/x`;
const directUrl = `https://127.0.0.1:${server.port}/v1/x`;

async function sequential(label: string, n: number, get: () => Promise<Response>): Promise<number> {
  for (let i = 0; i < 20; i++) await (await get()).text(); // warm-up
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await get();
    if ((await r.text()).length !== 512) throw new Error(`${label}: bad body`);
  }
  return ((performance.now() - t) * 1000) / n;
}

// Direct requests need a name that matches the certificate: connect to 127.0.0.1 with SNI bench.test.
const directKeepAlive = await sequential("direct", N, () => fetch(directUrl, { tls: { ...tls, serverName: "bench.test" }, headers: { host: "bench.test" } } as RequestInit));
const directFresh = await sequential("direct-fresh", N, () => fetch(directUrl, { tls: { ...tls, serverName: "bench.test" }, headers: { host: "bench.test" }, keepalive: false } as RequestInit));
const proxied = await sequential("proxy", N, () => fetch(url, { proxy: proxyUrl, tls, headers: { authorization: "Bearer sk-bench-0123456789abcdef" } } as RequestInit));
const proxiedFresh = await sequential("proxy-fresh", Math.min(N, 300), () => fetch(url, { proxy: proxyUrl, tls, keepalive: false } as RequestInit));

const t = performance.now();
let next = 0;
await Promise.all(Array.from({ length: C }, async () => {
  while (next < N) {
    next++;
    const r = await fetch(url, { proxy: proxyUrl, tls } as RequestInit);
    await r.text();
  }
}));
const rps = N / ((performance.now() - t) / 1000);
child.kill("SIGTERM");
const stats = await new Response(child.stderr).text();
server.stop(true);

const f = (x: number) => x.toFixed(0).padStart(7);
const d = (a: number, b: number) => `${a >= b ? "+" : "-"}${Math.abs(a - b).toFixed(0)} µs, ${(a / b).toFixed(1)}x`;
console.log(`requests: ${N} sequential per mode (${Math.min(N, 300)} for new-connection-through-proxy); throughput with ${C} in flight`);
console.log(`direct, keep-alive                          ${f(directKeepAlive)} µs/request`);
console.log(`direct, new connection each                 ${f(directFresh)} µs/request`);
console.log(`through proxy, keep-alive (headers level)   ${f(proxied)} µs/request  (${d(proxied, directKeepAlive)} vs direct keep-alive)`);
console.log(`through proxy, new connection each          ${f(proxiedFresh)} µs/request  (${d(proxiedFresh, directFresh)} vs direct new connection)`);
console.log(`proxy throughput                            ${f(rps)} requests/s`);
console.log(`proxy counters: ${stats.trim()}`);

// The proxy against real local servers on loopback, with real clients (curl, python3, Bun fetch).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { loadPolicyText } from "../../policy/load.ts";
import type { CompiledPolicy } from "../../policy/types.ts";
import { createCaCertificate, createLeafIssuer } from "./x509.ts";
import { startProxy, type ProxyRecord, type ProxyServer } from "./proxy.ts";

function policy(yaml: string): CompiledPolicy {
  const r = loadPolicyText(yaml, "p.yaml", { cwd: "/nonexistent" });
  if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
  return r.policy;
}

const NAMES: Record<string, string> = { "api.example.test": "127.0.0.1", "blocked.example.test": "127.0.0.1" };
const dir = mkdtempSync(join(tmpdir(), "trustrun-proxy-test-"));
const upstreamCa = createCaCertificate("Upstream Test CA", 2);
const upstreamIssuer = createLeafIssuer(upstreamCa);
const proxyCa = createCaCertificate("TrustRun Test CA", 2);
const proxyCaFile = join(dir, "proxy-ca.pem");
writeFileSync(proxyCaFile, proxyCa.certPem);

interface Seen { method: string; path: string; host: string | null; auth: string | null; body: string }
const seen: Seen[] = [];
let httpsServer: ReturnType<typeof Bun.serve>;
let httpServer: ReturnType<typeof Bun.serve>;
const records: ProxyRecord[] = [];
let proxy: ProxyServer;

const handler = async (req: Request) => {
  const url = new URL(req.url);
  const body = await req.text();
  seen.push({ method: req.method, path: url.pathname + url.search, host: req.headers.get("host"), auth: req.headers.get("authorization"), body });
  if (url.pathname === "/gzip") {
    return new Response(gzipSync(JSON.stringify({ patient: "Jane Roe", api_key: "hunter2-secret-value" })), {
      headers: { "content-encoding": "gzip", "content-type": "application/json" },
    });
  }
  if (url.pathname === "/big") return new Response("x".repeat(200_000), { headers: { "content-type": "text/plain" } });
  return new Response(JSON.stringify({ ok: true, path: url.pathname }), { headers: { "content-type": "application/json", "set-cookie": "session=abcdef123456" } });
};

function waitFor<T>(get: () => T | undefined, ms = 3000): Promise<T> {
  return (async () => {
    const until = Date.now() + ms;
    for (;;) {
      const v = get();
      if (v !== undefined) return v;
      if (Date.now() > until) throw new Error("timed out waiting");
      await Bun.sleep(10);
    }
  })();
}

beforeAll(async () => {
  httpsServer = Bun.serve({
    hostname: "127.0.0.1", port: 0, fetch: handler,
    tls: { cert: upstreamIssuer.certFor("api.example.test"), key: upstreamIssuer.keyPem },
  });
  httpServer = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: handler });
  proxy = await startProxy({
    level: "full",
    policy: policy(`
name: t
default: alert
deny:
  - host: blocked.example.test
    action: block
    description: never here
  - host: api.example.test
    methods: [POST]
    paths: [/v1/files]
    action: block
    description: no uploads
`),
    issuer: createLeafIssuer(proxyCa),
    upstreamCa: [upstreamCa.certPem],
    resolve: async (h) => NAMES[h] ?? (h === "127.0.0.1" ? h : null),
    onRecord: (r) => records.push(r),
    bodyCap: 1024,
  });
});

afterAll(async () => {
  await proxy?.close();
  httpsServer?.stop(true);
  httpServer?.stop(true);
});

// Async spawns only: the proxy runs in this process and must keep serving meanwhile.
async function spawn(argv: string[], env?: Record<string, string | undefined>) {
  const p = Bun.spawn(argv, { stdout: "pipe", stderr: "pipe", env: env ?? process.env });
  const timer = setTimeout(() => p.kill("SIGKILL"), 15000);
  const [out, err, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  clearTimeout(timer);
  return { code, out, err };
}

function curl(args: string[]) {
  return spawn(["curl", "-sS", "--max-time", "10", "--cacert", proxyCaFile, "-x", proxy.url, ...args]);
}

describe("proxy (loopback)", () => {
  test("curl over HTTPS is intercepted: headers captured with secrets redacted", async () => {
    const before = seen.length;
    const r = await curl(["-H", "Authorization: Bearer sk-proj-abcdefghijklmnopqrstuvwx", "-H", "x-api-key: key-123456789", `https://api.example.test:${httpsServer.port}/v1/chat?api_key=zzzsecret`]);
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toEqual({ ok: true, path: "/v1/chat" });
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)!.auth).toBe("Bearer sk-proj-abcdefghijklmnopqrstuvwx"); // forwarded untouched
    const rec = await waitFor(() => records.find((x) => x.http?.path?.startsWith("/v1/chat")));
    expect(rec.mode).toBe("intercept");
    expect(rec.host).toBe("api.example.test");
    expect(rec.http!.method).toBe("GET");
    expect(rec.http!.status).toBe(200);
    expect(rec.http!.headers!.authorization).toBe("[REDACTED]");
    expect(rec.http!.headers!["x-api-key"]).toBe("[REDACTED]");
    expect(rec.http!.path).not.toContain("zzzsecret");
    expect(rec.http!.responseHeaders!["set-cookie"]).toBe("[REDACTED]");
    expect(rec.http!.responseBytes).toBeGreaterThan(0);
    expect(JSON.stringify(rec)).not.toContain("sk-proj-abcdefghijklmnop");
  });

  test("a denied method+path gets a 403 naming the rule, and nothing reaches the server", async () => {
    const before = seen.length;
    const r = await curl(["-i", "-X", "POST", "--data", "patient=1", `https://api.example.test:${httpsServer.port}/v1/files/x`]);
    expect(r.out).toContain("403 Forbidden");
    expect(r.out).toContain("blocked by TrustRun policy: rule deny[1]");
    await Bun.sleep(50);
    expect(seen.length).toBe(before);
    const rec = await waitFor(() => records.find((x) => x.refused && x.http?.path === "/v1/files/x"));
    expect(rec.decision.verdict).toBe("block");
    // the same host, another path, still works
    expect((await curl([`https://api.example.test:${httpsServer.port}/v1/models`])).code).toBe(0);
  });

  test("a denied host's CONNECT is refused", async () => {
    const before = seen.length;
    const r = await curl([`https://blocked.example.test:${httpsServer.port}/`]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/403/);
    expect(seen.length).toBe(before);
    expect(records.some((x) => x.refused && x.host === "blocked.example.test" && x.decision.rule === "deny[0]")).toBe(true);
  });

  test("plain HTTP through the proxy, with a request body captured and redacted", async () => {
    const r = await curl(["-X", "PUT", "-H", "content-type: application/json", "--data", '{"name":"Jane","password":"pw-123"}', `http://api.example.test:${httpServer.port}/v2/put`]);
    expect(r.code).toBe(0);
    expect(seen.at(-1)!.body).toBe('{"name":"Jane","password":"pw-123"}');
    const rec = await waitFor(() => records.find((x) => x.http?.path === "/v2/put"));
    expect(rec.mode).toBe("plain");
    expect(rec.http!.body!.request).toContain('"name":"Jane"');
    expect(rec.http!.body!.request).not.toContain("pw-123");
  });

  test("full level: gzip bodies decoded then redacted; large bodies cut at the cap", async () => {
    expect((await curl(["--compressed", `https://api.example.test:${httpsServer.port}/gzip`])).out).toContain("Jane Roe");
    const g = await waitFor(() => records.find((x) => x.http?.path === "/gzip"));
    expect(g.http!.body!.response).toContain("Jane Roe");
    expect(g.http!.body!.response).not.toContain("hunter2");
    const big = await curl([`https://api.example.test:${httpsServer.port}/big`]);
    expect(big.out.length).toBe(200_000);
    const b = await waitFor(() => records.find((x) => x.http?.path === "/big"));
    expect(b.http!.body!.response!.length).toBeLessThan(1200);
    expect(b.http!.body!.response).toContain("truncated: 200000 bytes");
  });

  test("chunked request bodies are forwarded exactly", async () => {
    const r = await curl(["-H", "Transfer-Encoding: chunked", "--data-binary", "hello chunked world", `https://api.example.test:${httpsServer.port}/chunk`]);
    expect(r.code).toBe(0);
    expect(seen.at(-1)!.body).toBe("hello chunked world");
  });

  test("python3 requests and Bun fetch go through it", async () => {
    const py = await spawn(["python3", "-c", `import requests,sys; r=requests.get(sys.argv[1], proxies={"https": sys.argv[2]}, verify=sys.argv[3], headers={"api-key": "azure-key-1234567"}); print(r.status_code)`,
      `https://api.example.test:${httpsServer.port}/py`, proxy.url, proxyCaFile]);
    if (py.code !== 0 && /No module named 'requests'/.test(py.err)) {
      console.log("python3 requests not installed: row skipped (apt-get install python3-requests)");
    } else {
      expect(py.out.trim()).toBe("200");
      const rec = await waitFor(() => records.find((x) => x.http?.path === "/py"));
      expect(rec.http!.headers!["api-key"]).toBe("[REDACTED]");
    }
    const bun = await spawn([process.execPath, "-e", `const r = await fetch(process.argv[1]); console.log(r.status)`, `https://api.example.test:${httpsServer.port}/bun`],
      { ...process.env, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: proxyCaFile });
    expect(bun.err).toBe("");
    expect(bun.out.trim()).toBe("200");
    expect(records.some((x) => x.http?.path === "/bun")).toBe(true);
  });

  test("a client that does not trust the CA fails, and the host becomes pass-through", async () => {
    const r = await spawn(["curl", "-sS", "--max-time", "5", "-x", proxy.url, `https://api.example.test:${httpsServer.port}/untrusted`]);
    expect(r.code).not.toBe(0);
    await Bun.sleep(50);
    // now passed through: the client sees the real upstream certificate
    const upCa = join(dir, "up.pem");
    writeFileSync(upCa, upstreamCa.certPem);
    const r2 = await spawn(["curl", "-sS", "--max-time", "5", "--cacert", upCa, "-x", proxy.url, `https://api.example.test:${httpsServer.port}/pinned`]);
    expect(r2.err).toBe("");
    expect(r2.code).toBe(0);
    expect(records.some((x) => x.mode === "passthrough" && x.host === "api.example.test" && !x.http)).toBe(true);
  });

  test("the proxy answers malformed input without crashing", async () => {
    const inputs = ["GARBAGE\r\n\r\n", "GET http://x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "CONNECT :::: HTTP/1.1\r\n\r\n", "\x16\x03\x01\x00", "GET / HTTP/1.1\r\n\r\n"];
    for (const input of inputs) {
      const sock = await Bun.connect({ hostname: "127.0.0.1", port: proxy.port, socket: { data() {}, open() {} } });
      sock.write(input);
      sock.end();
    }
    await Bun.sleep(100);
    expect((await curl([`http://api.example.test:${httpServer.port}/alive`])).code).toBe(0);
  });
});

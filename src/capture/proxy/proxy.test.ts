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
import { upstreamProxyChooser } from "./upstream-proxy.ts";

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

/** A proxy of its own for one test (trusting the test servers); what it records goes to `records`. */
async function ownProxy(level: "metadata" | "headers" | "full", yaml: string, extra: Partial<Parameters<typeof startProxy>[0]> = {}) {
  const records: ProxyRecord[] = [];
  const proxy = await startProxy({
    level, policy: policy(yaml), ...(level === "metadata" ? {} : { issuer: createLeafIssuer(proxyCa) }),
    upstreamCa: [upstreamCa.certPem], resolve: async (h) => NAMES[h] ?? null, onRecord: (r) => records.push(r), ...extra,
  });
  return { proxy, records };
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

  test("keep-alive: every request on one tunnel is judged; a denied one after an allowed one never reaches the server", async () => {
    const before = seen.length;
    const conns = proxy.stats().connections;
    const r = await curl(["-sS", `https://api.example.test:${httpsServer.port}/v1/ka-1`, `https://api.example.test:${httpsServer.port}/v1/ka-2`,
      "--next", "--cacert", proxyCaFile, "-x", proxy.url, "-X", "POST", "--data", "x=1", `https://api.example.test:${httpsServer.port}/v1/files/ka-3`]);
    expect(r.out).toContain('"path":"/v1/ka-1"');
    expect(r.out).toContain('"path":"/v1/ka-2"');
    expect(r.out).toContain("blocked by TrustRun policy");
    expect(seen.slice(before).map((x) => x.path)).toEqual(["/v1/ka-1", "/v1/ka-2"]);
    expect(proxy.stats().connections - conns).toBe(1); // one client connection carried all three
    expect(records.some((x) => x.refused && x.http?.path === "/v1/files/ka-3")).toBe(true);
  });

  test("a Host header naming another host than the tunnel is refused (421)", async () => {
    const before = seen.length;
    const r = await curl(["-i", "-H", "Host: other.example.test", `https://api.example.test:${httpsServer.port}/v1/fronted`]);
    expect(r.out).toContain("421 Misdirected Request");
    expect(seen.length).toBe(before);
  });

  test("plain HTTP: a Host header naming another host than the absolute-form target is refused (421)", async () => {
    const before = seen.length;
    const r = await curl(["-i", "-H", "Host: blocked.example.test", `http://api.example.test:${httpServer.port}/v1/fronted-plain`]);
    expect(r.out).toContain("421 Misdirected Request");
    expect(seen.length).toBe(before);
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

  test("a client that does not trust the CA fails; with path rules on that host later tunnels are refused, not passed through", async () => {
    const r = await spawn(["curl", "-sS", "--max-time", "5", "-x", proxy.url, `https://api.example.test:${httpsServer.port}/untrusted`]);
    expect(r.code).not.toBe(0);
    await Bun.sleep(50);
    const upCa = join(dir, "up.pem");
    writeFileSync(upCa, upstreamCa.certPem);
    const before = seen.length;
    const r2 = await spawn(["curl", "-sS", "--max-time", "5", "--cacert", upCa, "-x", proxy.url, `https://api.example.test:${httpsServer.port}/pinned`]);
    expect(r2.code).not.toBe(0);
    expect(r2.err).toContain("403");
    expect(seen.length).toBe(before);
    expect(records.some((x) => x.refused && x.mode === "passthrough" && x.decision.reason.includes("must be inspected"))).toBe(true);
  });

  test("--passthrough hosts are tunnelled by host decision only, never decrypted", async () => {
    const passRecords: ProxyRecord[] = [];
    const pass = await startProxy({
      level: "headers", policy: policy("name: p\ndefault: alert\n"), issuer: createLeafIssuer(proxyCa),
      passthrough: (h) => h === "api.example.test", resolve: async (h) => NAMES[h] ?? null, onRecord: (r) => passRecords.push(r),
    });
    try {
      const upCa = join(dir, "up2.pem");
      writeFileSync(upCa, upstreamCa.certPem);
      const r = await spawn(["curl", "-sS", "--max-time", "5", "--cacert", upCa, "-x", pass.url, `https://api.example.test:${httpsServer.port}/v1/pass`]);
      expect(r.err).toBe(""); // the client saw the real server certificate
      expect(passRecords).toHaveLength(1);
      expect(passRecords[0]).toMatchObject({ mode: "passthrough", host: "api.example.test", refused: false });
      expect(passRecords[0].http).toBeUndefined();
    } finally {
      await pass.close();
    }
  });

  test("without path rules for it, a host whose client refuses TrustRun's certificate passes through afterwards", async () => {
    const pinRecords: ProxyRecord[] = [];
    const pin = await startProxy({
      level: "headers", policy: policy("name: p\ndefault: alert\n"), issuer: createLeafIssuer(proxyCa),
      resolve: async (h) => NAMES[h] ?? null, onRecord: (r) => pinRecords.push(r), onWarning: () => {},
    });
    try {
      const upCa = join(dir, "up3.pem");
      writeFileSync(upCa, upstreamCa.certPem);
      const url = `https://api.example.test:${httpsServer.port}/v1/pin`;
      const r = await spawn(["curl", "-sS", "--max-time", "5", "--cacert", upCa, "-x", pin.url, url]); // trusts only the real CA: rejects ours
      expect(r.code).not.toBe(0);
      await Bun.sleep(50);
      const r2 = await spawn(["curl", "-sS", "--max-time", "5", "--cacert", upCa, "-x", pin.url, url]);
      expect(r2.err).toBe("");
      expect(pinRecords.at(-1)).toMatchObject({ mode: "passthrough", refused: false });
    } finally {
      await pin.close();
    }
  });

  test("behind the user's own proxy: upstream connections go through it with CONNECT", async () => {
    const outerRecords: ProxyRecord[] = [];
    const outer = await startProxy({ level: "metadata", policy: policy("name: o\ndefault: alert\n"), resolve: async (h) => NAMES[h] ?? null, onRecord: (r) => outerRecords.push(r) });
    const chained: ProxyRecord[] = [];
    const inner = await startProxy({
      level: "headers", policy: policy("name: i\ndefault: alert\n"), issuer: createLeafIssuer(proxyCa), upstreamCa: [upstreamCa.certPem],
      resolve: async () => null, // names resolve only beyond the user's proxy
      upstreamProxy: upstreamProxyChooser({ HTTPS_PROXY: outer.url, HTTP_PROXY: outer.url, NO_PROXY: "nothing.example" })!,
      onRecord: (r) => chained.push(r),
    });
    try {
      const r = await spawn(["curl", "-sS", "--max-time", "5", "--cacert", proxyCaFile, "-x", inner.url, `https://api.example.test:${httpsServer.port}/v1/chained`, `http://api.example.test:${httpServer.port}/v1/chained-plain`]);
      expect(r.err).toBe("");
      expect(r.out).toContain('"path":"/v1/chained"');
      expect(r.out).toContain('"path":"/v1/chained-plain"');
      expect(chained.map((c) => c.http?.path).sort()).toEqual(["/v1/chained", "/v1/chained-plain"]);
      expect(outerRecords.map((c) => c.port).sort()).toEqual([httpServer.port!, httpsServer.port!].sort());
      expect(outerRecords.every((c) => c.mode === "passthrough" && !c.http)).toBe(true);
    } finally {
      await inner.close();
      await outer.close();
    }
  });

  test("the proxy answers malformed input without crashing, and garbage never switches a host to pass-through", async () => {
    const fz = await startProxy({
      level: "headers", policy: policy("name: f\ndefault: alert\n"), issuer: createLeafIssuer(proxyCa), upstreamCa: [upstreamCa.certPem],
      resolve: async (h) => NAMES[h] ?? null, onRecord: () => {}, onWarning: () => {},
    });
    try {
      const inputs = ["GARBAGE\r\n\r\n", "GET http://x HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "CONNECT :::: HTTP/1.1\r\n\r\n", "\x16\x03\x01\x00", "GET / HTTP/1.1\r\n\r\n"];
      let seed = 7;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
      const garbage = () => Uint8Array.from({ length: 1 + Math.floor(rnd() * 300) }, () => Math.floor(rnd() * 256));
      for (let i = 0; i < 70; i++) {
        const sock = await Bun.connect({ hostname: "127.0.0.1", port: fz.port, socket: { data() {}, open() {} } });
        if (i < inputs.length) sock.write(inputs[i]!);
        else {
          // random bytes, and random bytes inside a valid CONNECT tunnel (some shaped like a TLS record)
          if (i % 2) sock.write(`CONNECT api.example.test:${httpsServer.port} HTTP/1.1\r\n\r\n`);
          sock.write(i % 3 === 0 ? Uint8Array.from([0x16, 0x03, 0x01, ...garbage()]) : garbage());
        }
        sock.end();
      }
      await Bun.sleep(200);
      const via = ["curl", "-sS", "--max-time", "5", "--cacert", proxyCaFile, "-x", fz.url];
      const plain = await spawn([...via, `http://api.example.test:${httpServer.port}/alive`]);
      expect(plain.err).toBe("");
      const tlsAlive = await spawn([...via, `https://api.example.test:${httpsServer.port}/alive-tls`]);
      expect(tlsAlive.err).toBe(""); // still intercepted with our CA: not pinned by garbage
      expect(tlsAlive.out).toContain("alive-tls");
    } finally {
      await fz.close();
    }
  });
});

describe("learning mode (default: prompt): the proxy holds what it asks about", () => {
  type Asked = { host: string; port: number; answer: (d: import("../../core/types.ts").Decision) => void };
  const questions: Asked[] = [];
  const allow = { verdict: "allow" as const, rule: null, reason: "learning: answered allow-once" };
  const deny = { verdict: "block" as const, rule: null, reason: "learning: answered deny-once" };
  let learnRecords: ProxyRecord[] = [];
  async function learningProxy(level: "full" | "metadata") {
    const { proxy, records } = await ownProxy(level, "name: l\ndefault: prompt\n", {
      ask: (q) => new Promise((resolve) => questions.push({ host: q.host, port: q.port, answer: resolve })),
    });
    learnRecords = records;
    return proxy;
  }
  const question = () => waitFor(() => questions.shift(), 10000);

  test("an intercepted request waits for the answer: nothing reaches the server before 'allow', nothing at all after 'deny'", async () => {
    const lp = await learningProxy("full");
    try {
      const via = ["curl", "-sS", "--max-time", "15", "--cacert", proxyCaFile, "-x", lp.url];
      const before = seen.length;
      const allowed = spawn([...via, `https://api.example.test:${httpsServer.port}/learn-allowed`]);
      const q = await question();
      expect(q).toMatchObject({ host: "api.example.test", port: httpsServer.port });
      await Bun.sleep(300); // the client is waiting; the server must not have the request yet
      expect(seen.length).toBe(before);
      q.answer(allow);
      const r = await allowed;
      expect(r.out).toContain("learn-allowed");
      expect(seen.at(-1)!.path).toBe("/learn-allowed");
      const rec = await waitFor(() => learnRecords.find((x) => x.http?.path === "/learn-allowed"));
      expect(rec).toMatchObject({ asked: true, refused: false, decision: allow });

      const denied = spawn([...via, `https://api.example.test:${httpsServer.port}/learn-denied`]);
      (await question()).answer(deny);
      const d = await denied;
      expect(d.out).toContain("blocked by TrustRun policy");
      expect(seen.some((x) => x.path === "/learn-denied")).toBe(false);
      expect(await waitFor(() => learnRecords.find((x) => x.http?.path === "/learn-denied"))).toMatchObject({ asked: true, refused: true, decision: deny });
    } finally {
      await lp.close();
    }
  });

  test("the answer holds for the rest of the client's connection (two requests on one tunnel, one question)", async () => {
    const lp = await learningProxy("full");
    try {
      const base = `https://api.example.test:${httpsServer.port}`;
      const both = spawn(["curl", "-sS", "--max-time", "15", "--cacert", proxyCaFile, "-x", lp.url, `${base}/learn-one`, `${base}/learn-two`]);
      (await question()).answer(allow);
      const r = await both;
      expect(r.out).toContain("learn-one");
      expect(r.out).toContain("learn-two");
      expect(questions).toHaveLength(0);
      const recs = learnRecords.filter((x) => x.http?.path === "/learn-one" || x.http?.path === "/learn-two");
      expect(recs).toHaveLength(2);
      // Both carry the answer (the second reused it), so the session asks nothing again.
      expect(recs.every((x) => x.asked && x.decision === allow)).toBe(true);
    } finally {
      await lp.close();
    }
  });

  test("plain HTTP keep-alive: the answer holds for the client's connection too", async () => {
    const lp = await learningProxy("full");
    try {
      const base = `http://api.example.test:${httpServer.port}`;
      const both = spawn(["curl", "-sS", "--max-time", "15", "-x", lp.url, `${base}/plain-one`, `${base}/plain-two`]);
      (await question()).answer(allow);
      const r = await both;
      expect(r.out).toContain("plain-one");
      expect(r.out).toContain("plain-two");
      expect(questions).toHaveLength(0);
    } finally {
      await lp.close();
    }
  });

  test("a tunnel judged by host only (metadata level) is asked about before it opens; 'deny' refuses the CONNECT", async () => {
    const lp = await learningProxy("metadata");
    try {
      const before = seen.length;
      // Not intercepted: the client talks TLS with the server itself and trusts the server's CA.
      writeFileSync(join(dir, "upstream-ca.pem"), upstreamCa.certPem);
      const via = ["curl", "-sS", "--max-time", "15", "--cacert", join(dir, "upstream-ca.pem"), "-x", lp.url];
      const denied = spawn([...via, `https://api.example.test:${httpsServer.port}/tunnel-denied`]);
      const q = await question();
      await Bun.sleep(200);
      expect(seen.length).toBe(before);
      q.answer(deny);
      const d = await denied;
      expect(d.code).not.toBe(0);
      expect(d.err).toMatch(/403/);
      expect(seen.length).toBe(before);
      expect(await waitFor(() => learnRecords.find((x) => x.mode === "passthrough" && x.refused))).toMatchObject({ asked: true, decision: deny });

      const allowed = spawn([...via, `https://api.example.test:${httpsServer.port}/tunnel-allowed`]);
      (await question()).answer(allow);
      expect((await allowed).out).toContain("tunnel-allowed");
    } finally {
      await lp.close();
    }
  });
});

test("a tunnel opened for path-level allow rules carries no other protocol to a host the default blocks", async () => {
  let received = 0;
  const raw = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data(_s, d) { received += d.length; }, open() {} } });
  const { proxy: p, records: recs } = await ownProxy("full", "name: r\ndefault: block\nallow:\n  - host: api.example.test\n    paths: [/v1/ok]\n");
  try {
    let got = "";
    let closed = false;
    const sock = await Bun.connect({
      hostname: "127.0.0.1", port: p.port,
      socket: { data(_s, d) { got += d.toString(); }, close() { closed = true; }, open() {} },
    });
    sock.write(`CONNECT api.example.test:${raw.port} HTTP/1.1\r\nHost: api.example.test:${raw.port}\r\n\r\n`);
    await waitFor(() => (got.includes("200") ? true : undefined));
    sock.write("\x00\x01not tls, not http\r\n");
    await waitFor(() => (closed ? true : undefined));
    expect(received).toBe(0);
    expect(await waitFor(() => recs.find((r) => r.refused))).toMatchObject({ mode: "passthrough", decision: { verdict: "block" } });
  } finally {
    await p.close();
    raw.stop(true);
  }
});

test("tenant rules: only requests for the pinned AWS account get through; the tunnel opens so each request can be judged", async () => {
  const { proxy: p, records: recs } = await ownProxy("headers", "name: t\ndefault: block\nallow:\n  - host: api.example.test\n    tenant: { awsAccount: \"123456789012\" }\n");
  try {
    const via = ["curl", "-sS", "--max-time", "10", "--cacert", proxyCaFile, "-x", p.url, "-o", "/dev/null", "-w", "%{http_code}"];
    const url = (path: string) => `https://api.example.test:${httpsServer.port}${path}`;
    const ours = await spawn([...via, "-H", "x-amz-expected-bucket-owner: 123456789012", url("/tenant-ours")]);
    const theirs = await spawn([...via, "-H", "x-amz-expected-bucket-owner: 999999999999", url("/tenant-theirs")]);
    const unknown = await spawn([...via, url("/tenant-unknown")]);
    expect([ours.out, theirs.out, unknown.out]).toEqual(["200", "403", "403"]);
    expect(seen.some((x) => x.path === "/tenant-ours")).toBe(true);
    expect(seen.some((x) => x.path === "/tenant-theirs" || x.path === "/tenant-unknown")).toBe(false);
    const theirsRec = await waitFor(() => recs.find((r) => r.http?.path === "/tenant-theirs"));
    expect(theirsRec).toMatchObject({ refused: true, decision: { verdict: "block", rule: null }, http: { tenant: { awsAccount: "999999999999" } } });
    expect(theirsRec.decision.reason).toContain("for AWS account 999999999999");
  } finally {
    await p.close();
  }
});

describe("WebSocket through an intercepted tunnel", () => {
  // A hand-written client: CONNECT, TLS with TrustRun's CA, the upgrade request, one masked frame.
  async function wsExchange(proxyPort: number, port: number, path: string, text: string) {
    const net = await import("node:net");
    const tls = await import("node:tls");
    const raw = net.connect(proxyPort, "127.0.0.1");
    await new Promise((r, j) => (raw.once("connect", r), raw.once("error", j)));
    const readHead = (s: import("node:stream").Duplex) =>
      new Promise<{ head: string; rest: Buffer }>((resolve, reject) => {
        let buf = Buffer.alloc(0);
        const onData = (c: Buffer) => {
          buf = Buffer.concat([buf, c]);
          const end = buf.indexOf("\r\n\r\n");
          if (end < 0) return;
          s.off("data", onData);
          s.pause();
          resolve({ head: buf.subarray(0, end).toString(), rest: buf.subarray(end + 4) });
        };
        s.on("data", onData);
        s.once("error", reject);
        s.once("close", () => reject(new Error(`closed: ${buf.toString()}`)));
      });
    raw.write(`CONNECT api.example.test:${port} HTTP/1.1\r\nHost: api.example.test:${port}\r\n\r\n`);
    expect((await readHead(raw)).head).toMatch(/^HTTP\/1\.1 200/);
    const s = tls.connect({ socket: raw, servername: "api.example.test", ca: proxyCa.certPem });
    await new Promise((r, j) => (s.once("secureConnect", r), s.once("error", j)));
    s.write(`GET ${path} HTTP/1.1\r\nHost: api.example.test:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nAuthorization: Bearer sk-ws-secret-0123456789\r\n\r\n`);
    const { head, rest } = await readHead(s);
    if (!head.startsWith("HTTP/1.1 101")) {
      s.destroy();
      return { head, echo: null as string | null };
    }
    const payload = Buffer.from(text);
    const mask = Buffer.from([1, 2, 3, 4]);
    s.write(Buffer.concat([Buffer.from([0x81, 0x80 | payload.length]), mask, Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))]));
    const frame = await new Promise<Buffer>((resolve) => {
      let buf = rest;
      const check = () => {
        if (buf.length >= 2 && buf.length >= 2 + (buf[1]! & 0x7f)) resolve(buf);
      };
      s.on("data", (c: Buffer) => ((buf = Buffer.concat([buf, c])), check()));
      s.resume();
      check();
    });
    s.destroy();
    return { head, echo: frame.subarray(2, 2 + (frame[1]! & 0x7f)).toString() };
  }

  test("the handshake is judged and recorded (status 101, secrets redacted); frames flow both ways", async () => {
    const ws = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      tls: { cert: upstreamIssuer.certFor("api.example.test"), key: upstreamIssuer.keyPem },
      fetch(req, srv) {
        return srv.upgrade(req) ? undefined : new Response("not a websocket", { status: 400 });
      },
      websocket: { message(sock, m) { sock.send(`echo:${m}`); } },
    });
    // Its own proxy: the shared one has learned by now that api.example.test refuses its certificate.
    const { proxy: p, records: recs } = await ownProxy("full", "name: w\ndefault: alert\nallow:\n  - host: api.example.test\n");
    try {
      const r = await wsExchange(p.port, ws.port!, "/v1/realtime?model=x", "hello");
      expect(r.head).toMatch(/^HTTP\/1\.1 101/);
      expect(r.head.toLowerCase()).toContain("upgrade: websocket");
      expect(r.echo).toBe("echo:hello");
      const rec = await waitFor(() => recs.find((x) => x.http?.path === "/v1/realtime?model=x"));
      expect(rec).toMatchObject({ mode: "intercept", refused: false, decision: { verdict: "allow" }, http: { method: "GET", status: 101 } });
      expect(JSON.stringify(rec)).not.toContain("sk-ws-secret");
    } finally {
      await p.close();
      ws.stop(true);
    }
  });

  test("a denied handshake gets 403 and never reaches the server", async () => {
    let upgrades = 0;
    const ws = Bun.serve({
      hostname: "127.0.0.1", port: 0,
      tls: { cert: upstreamIssuer.certFor("api.example.test"), key: upstreamIssuer.keyPem },
      fetch(req, srv) {
        upgrades++;
        return srv.upgrade(req) ? undefined : new Response("no", { status: 400 });
      },
      websocket: { message() {} },
    });
    const { proxy: p } = await ownProxy("headers", "name: w\ndefault: alert\ndeny:\n  - host: api.example.test\n    paths: [/v1/realtime]\n");
    try {
      const r = await wsExchange(p.port, ws.port!, "/v1/realtime", "hi");
      expect(r.head).toMatch(/^HTTP\/1\.1 403/);
      expect(upgrades).toBe(0);
    } finally {
      await p.close();
      ws.stop(true);
    }
  });
});

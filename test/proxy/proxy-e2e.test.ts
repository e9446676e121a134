// `trustrun run --level headers` and `--jail` end to end: the compiled binary inside a network
// lab where api.openai.com resolves (through the lab's DNS) to a local HTTPS server. Real
// clients: curl, python3 requests, Bun fetch, Node http.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { createLab, labUnavailable, type Lab } from "../support/lab.ts";
import { connections, readNdjson } from "../e2e/ndjson.ts";
import { openDir, readableCa, trustrunInLab } from "./support.ts";

const why = !haveBinary ? `${BIN} not built` : labUnavailable();
if (why) console.warn(`skipping proxy end-to-end tests: ${why}`);

const POLICY = `name: lab
default: alert
allow:
  - host: api.openai.com
deny:
  - host: api.openai.com
    methods: [POST]
    paths: [/v1/files]
    action: block
    description: no file uploads
`;

function userNamespacesWork(): string | null {
  const r = Bun.spawnSync(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--", "unshare", "-r", "-n", "true"], { stderr: "pipe" });
  return r.exitCode === 0 ? null : `unprivileged user namespaces unavailable: ${r.stderr.toString().trim()}`;
}

describe.skipIf(why !== null)("trustrun run through the proxy (lab)", () => {
  let lab: Lab;
  let labCa: string;
  beforeAll(async () => {
    lab = await createLab({ names: { "api.openai.com": "10.88.0.20" }, tls: true });
    labCa = readableCa(lab);
  });
  afterAll(async () => {
    await lab?.close();
  });

  function setup() {
    const home = openDir("trustrun-proxy-e2e-");
    const policy = join(home, "policy.yaml");
    writeFileSync(policy, POLICY);
    return { home, policy, log: join(home, "run.ndjson") };
  }

  test("headers level: curl, python3 requests, Bun fetch and Node http are captured with secrets redacted; a denied path gets 403", async () => {
    const { home, policy, log } = setup();
    const before = lab.requestsTo("api.openai.com").length;
    const node = `const u = new URL(process.env.HTTP_PROXY); require("http").get({ host: u.hostname, port: u.port, path: "http://api.openai.com/node-plain", headers: { host: "api.openai.com" } }, (r) => { console.log("node " + r.statusCode); r.resume(); })`;
    const script = [
      `curl -sS -o /dev/null -w "curl %{http_code}\\n" -H "Authorization: Bearer sk-proj-abcdefghijklmnopqrstuvwx" -H "x-api-key: secret-key-123456" https://api.openai.com/v1/models`,
      `python3 -c 'import requests; print("py", requests.get("https://api.openai.com/v1/py", headers={"api-key": "azure-key-1234567890"}).status_code)'`,
      `${process.execPath} -e 'const r = await fetch("https://api.openai.com/v1/bun", { headers: { cookie: "session=abc123456" } }); console.log("bun " + r.status)'`,
      `node -e '${node}'`,
      `curl -sS -X POST --data patient=1 https://api.openai.com/v1/files/upload`,
    ].join("; ");
    const r = await trustrunInLab(lab, ["run", "--level", "headers", "--policy", policy, "--log", log, "--output", "text", "--", "sh", "-c", script], { home, env: { NODE_EXTRA_CA_CERTS: labCa } });
    expect(r.stdout).toContain("curl 200");
    expect(r.stdout).toContain("py 200");
    expect(r.stdout).toContain("bun 200");
    expect(r.stdout).toContain("node 200");
    expect(r.stdout).toContain("blocked by TrustRun policy: rule deny[0]");

    const received = lab.requestsTo("api.openai.com").slice(before).map((q) => q.path);
    expect(received.sort()).toEqual(["/node-plain", "/v1/bun", "/v1/models", "/v1/py"]);

    const proxied = connections(readNdjson(log)).filter((c) => c.probe === "proxy");
    const byPath = new Map(proxied.map((c) => [c.http?.path, c]));
    const models = byPath.get("/v1/models")!;
    expect(models).toMatchObject({ host: "api.openai.com", hostSource: "proxy", verdict: "allow", dst: { ip: "10.88.0.20", port: 443 } });
    expect(models.exe).toEndWith("curl");
    expect(models.http).toMatchObject({ method: "GET", status: 200 });
    expect(models.http!.headers!.authorization).toBe("[REDACTED]");
    expect(models.http!.headers!["x-api-key"]).toBe("[REDACTED]");
    expect(byPath.get("/v1/py")!.http!.headers!["api-key"]).toBe("[REDACTED]");
    expect(byPath.get("/v1/bun")!.http!.headers!.cookie).toBe("[REDACTED]");
    expect(byPath.get("/node-plain")!.http!.status).toBe(200);
    const denied = byPath.get("/v1/files/upload")!;
    expect(denied).toMatchObject({ verdict: "block", rule: "deny[0]", enforced: "refused by the TrustRun proxy (403)" });
    expect(denied.http!.status).toBe(403);
    // What the proxy recorded (argv redaction is the session's business, tested elsewhere).
    const text = JSON.stringify(proxied.map((c) => c.http));
    expect(text).not.toContain("sk-proj-abcdefghijklmnop");
    expect(text).not.toContain("secret-key-123456");
    expect(text).not.toContain("azure-key-1234567890");
  }, 90000);

  test("a WebSocket (wss://, as realtime APIs use) works through the proxy: handshake judged and recorded, frames relayed", async () => {
    const { home, policy, log } = setup();
    const before = lab.requestsTo("api.openai.com").length;
    const client = join(home, "ws.py");
    writeFileSync(client, [
      "import os, socket, ssl, base64",
      "from urllib.parse import urlparse",
      "p = urlparse(os.environ['HTTPS_PROXY'])",
      "s = socket.create_connection((p.hostname, p.port), timeout=10)",
      "s.sendall(b'CONNECT api.openai.com:443 HTTP/1.1\\r\\nHost: api.openai.com:443\\r\\n\\r\\n')",
      "r = b''",
      "def more(sock, buf):",
      "    c = sock.recv(4096)",
      "    if not c: raise SystemExit('closed after %r' % buf)",
      "    return buf + c",
      "while b'\\r\\n\\r\\n' not in r: r = more(s, r)",
      "t = ssl.create_default_context(cafile=os.environ['SSL_CERT_FILE']).wrap_socket(s, server_hostname='api.openai.com')",
      "key = base64.b64encode(os.urandom(16)).decode()",
      "t.sendall(('GET /v1/realtime?model=x HTTP/1.1\\r\\nHost: api.openai.com\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n'",
      "  'Sec-WebSocket-Key: ' + key + '\\r\\nSec-WebSocket-Version: 13\\r\\nAuthorization: Bearer sk-proj-wsrealtime0123456789\\r\\n\\r\\n').encode())",
      "b = b''",
      "while b'\\r\\n\\r\\n' not in b: b = more(t, b)",
      "head, _, rest = b.partition(b'\\r\\n\\r\\n')",
      "print('ws', head.split(b'\\r\\n')[0].decode())",
      "m = os.urandom(4)",
      "t.sendall(bytes([0x81, 0x80 | 5]) + m + bytes(c ^ m[i % 4] for i, c in enumerate(b'hello')))",
      "while len(rest) < 2 or len(rest) < 2 + (rest[1] & 0x7f): rest = more(t, rest)",
      "print('ws echo', rest[2:2 + (rest[1] & 0x7f)].decode())",
    ].join("\n"));
    const r = await trustrunInLab(lab, ["run", "--level", "headers", "--policy", policy, "--log", log, "--output", "text", "--", "python3", client], { home, env: { NODE_EXTRA_CA_CERTS: labCa } });
    expect(r.stdout).toContain("ws HTTP/1.1 101");
    expect(r.stdout).toContain("ws echo echo:hello");
    expect(lab.requestsTo("api.openai.com").slice(before).map((q) => q.path)).toEqual(["/v1/realtime"]);
    const [c] = connections(readNdjson(log)).filter((x) => x.probe === "proxy" && x.http?.path?.startsWith("/v1/realtime"));
    expect(c).toMatchObject({ verdict: "allow", http: { method: "GET", status: 101 } });
    expect(c.http!.headers!.authorization).toBe("[REDACTED]");
  }, 60000);

  test("tenant rules: only requests for the pinned AWS account reach the server", async () => {
    const { home, log } = setup();
    const pinned = join(home, "tenant.yaml");
    writeFileSync(pinned, `name: tenant\ndefault: block\ncapture: headers\nallow:\n  - host: api.openai.com\n    tenant: { awsAccount: "123456789012" }\n`);
    const before = lab.requestsTo("api.openai.com").length;
    const curl = (account: string, path: string) => `curl -sS -o /dev/null -w "${path} %{http_code}\\n" -H "x-amz-expected-bucket-owner: ${account}" https://api.openai.com${path}`;
    const script = [curl("123456789012", "/v1/ours"), curl("999999999999", "/v1/theirs")].join("; ");
    const r = await trustrunInLab(lab, ["run", "--policy", pinned, "--log", log, "--output", "text", "--", "sh", "-c", script], { home, env: { NODE_EXTRA_CA_CERTS: labCa } });
    expect(r.stdout).toContain("/v1/ours 200");
    expect(r.stdout).toContain("/v1/theirs 403");
    expect(lab.requestsTo("api.openai.com").slice(before).map((q) => q.path)).toEqual(["/v1/ours"]);
    const proxied = connections(readNdjson(log)).filter((c) => c.probe === "proxy");
    expect(proxied.map((c) => [c.http?.path, c.verdict, c.http?.tenant?.awsAccount])).toEqual([
      ["/v1/ours", "allow", "123456789012"],
      ["/v1/theirs", "block", "999999999999"],
    ]);
  }, 60000);

  test("full level stores redacted bodies", async () => {
    const { home, policy, log } = setup();
    const script = `curl -sS -o /dev/null -H "content-type: application/json" --data '{"patient":"Jane Roe","password":"pw-secret-1"}' https://api.openai.com/v1/chat`;
    const r = await trustrunInLab(lab, ["run", "--level", "full", "--policy", policy, "--log", log, "--output", "text", "--", "sh", "-c", script], { home, env: { NODE_EXTRA_CA_CERTS: labCa } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("may contain PHI");
    const [c] = connections(readNdjson(log)).filter((x) => x.http?.path === "/v1/chat");
    expect(c.http!.body!.request).toContain("Jane Roe");
    expect(c.http!.body!.request).not.toContain("pw-secret-1");
    expect(c.http!.body!.response).toContain("summary");
  }, 60000);

  const jailRows: Array<{ name: string; asUser: boolean; skip: string | null }> = [
    { name: "as root", asUser: false, skip: null },
    { name: "as an unprivileged user (uid 65534)", asUser: true, skip: userNamespacesWork() },
  ];
  for (const row of jailRows) {
    if (row.skip) console.warn(`skipping --jail ${row.name}: ${row.skip}`);
    test.skipIf(row.skip !== null)(`--jail ${row.name}: a client ignoring the proxy fails and nothing reaches the server; proxied traffic works`, async () => {
      const { home, policy, log } = setup();
      const before = lab.requestsTo("api.openai.com").length;
      const pyFile = join(home, "direct.py");
      writeFileSync(pyFile, [
        "import urllib.request as u",
        "try:",
        "    u.build_opener(u.ProxyHandler({})).open('http://10.88.0.20/v1/direct-py', timeout=5)",
        "    print('direct-py reached')",
        "except Exception as e:",
        "    print('direct-py failed:', type(e).__name__, e)",
      ].join("\n"));
      const script = [
        `curl -sS --noproxy "*" --max-time 5 -k https://10.88.0.20/v1/direct-ip; echo "direct-ip rc=$?"`,
        `curl -sS --noproxy "*" --max-time 5 -k https://api.openai.com/v1/direct-name; echo "direct-name rc=$?"`,
        `/usr/bin/python3 ${pyFile}`,
        `curl -sS -o /dev/null -w "proxied %{http_code}\\n" https://api.openai.com/v1/via-proxy`,
      ].join("; ");
      const r = await trustrunInLab(lab, ["run", "--jail", "--level", "headers", "--policy", policy, "--log", log, "--output", "text", "--", "sh", "-c", script],
        { home, env: { NODE_EXTRA_CA_CERTS: labCa }, asUser: row.asUser });
      expect(r.stderr).toContain("jail: the command runs in its own network namespace");
      expect(r.stdout).toContain("direct-ip rc=7"); // curl: could not connect (no route)
      expect(r.stdout).toContain("direct-name rc=6"); // curl: could not resolve (no DNS either)
      expect(r.stdout).toMatch(/direct-py failed: URLError .*(unreachable|Network)/i);
      expect(r.stdout).toContain("proxied 200");
      const received = lab.requestsTo("api.openai.com").slice(before).map((q) => q.path);
      const direct = lab.events.slice(0).filter((e) => e.event === "request" && (e.path ?? "").includes("direct"));
      expect(direct).toEqual([]);
      expect(received).toEqual(["/v1/via-proxy"]);
      const proxied = connections(readNdjson(log)).filter((c) => c.probe === "proxy");
      expect(proxied).toHaveLength(1);
      expect(proxied[0].exe).toEndWith("curl"); // the relay told the proxy which process connected
    }, 90000);
  }
});

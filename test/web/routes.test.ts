// Route tests: the whole app through app.request(), against a real store on disk.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createApp } from "../../src/web/app.ts";
import { csrfFor, hostNamesFor } from "../../src/web/security.ts";
import { connection, HOSTS, makeFixture, sessionStart, TOKEN, type Fixture } from "./fixtures.ts";

let fx: Fixture;
let app: ReturnType<typeof createApp>;
const csrf = csrfFor(TOKEN);
const cookie = `trustrun_token_7777=${TOKEN}`;

function req(path: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return app.request(path, { ...init, headers: { host: "127.0.0.1:7777", cookie, ...(init.headers ?? {}) } });
}
function form(fields: Record<string, string | string[]>, withCsrf = true): URLSearchParams {
  const p = new URLSearchParams();
  if (withCsrf) p.append("_csrf", csrf);
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
  return p;
}
const post = (path: string, body: URLSearchParams, headers: Record<string, string> = {}) =>
  req(path, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });

beforeAll(() => {
  fx = makeFixture();
  app = createApp({ store: fx.store, token: TOKEN, allowedHosts: HOSTS, policyCwd: fx.dir });
});
afterAll(() => {
  fx.store.close();
  rmSync(fx.dir, { recursive: true, force: true });
});

describe("access control", () => {
  test("no token: refused, for pages and API", async () => {
    const page = await app.request("/", { headers: { host: "127.0.0.1:7777" } });
    expect(page.status).toBe(401);
    const api = await app.request("/api/sessions", { headers: { host: "127.0.0.1:7777" } });
    expect(api.status).toBe(401);
    expect((await api.json()).error).toContain("token");
    const wrong = await app.request("/", { headers: { host: "127.0.0.1:7777", cookie: "trustrun_token_7777=nope" } });
    expect(wrong.status).toBe(401);
  });

  test("?token= sets an HttpOnly SameSite=Strict cookie and strips the token from the URL", async () => {
    const res = await app.request("/sessions?q=x&token=" + TOKEN, { headers: { host: "127.0.0.1:7777" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sessions?q=x");
    const set = res.headers.get("set-cookie")!;
    expect(set).toContain(`trustrun_token_7777=${TOKEN}`);
    expect(set).toContain("HttpOnly");
    expect(set).toContain("SameSite=Strict");
    const bad = await app.request("/?token=wrong-token-0123456789", { headers: { host: "127.0.0.1:7777" } });
    expect(bad.status).toBe(401);
  });

  test("Bearer token works for the API; a wrong one is refused", async () => {
    const ok = await app.request("/api/sessions", { headers: { host: "localhost:7777", authorization: `Bearer ${TOKEN}` } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).total).toBe(1);
    const bad = await app.request("/api/sessions", { headers: { host: "localhost:7777", authorization: "Bearer abc", cookie } });
    expect(bad.status).toBe(401);
  });

  test("foreign Host (DNS rebinding) and foreign Origin are refused even with the token", async () => {
    expect((await req("/", { headers: { host: "evil.example:7777" } })).status).toBe(400);
    expect((await req("/", { headers: { host: "127.0.0.1:7778" } })).status).toBe(400);
    expect((await req("/api/sessions", { headers: { origin: "http://evil.example" } })).status).toBe(403);
    expect((await req("/", { headers: { origin: "null" } })).status).toBe(403);
    expect((await req("/", { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    expect((await req("/", { headers: { origin: "http://127.0.0.1:7777", "sec-fetch-site": "same-origin" } })).status).toBe(200);
  });

  test("state changes need the CSRF token when authenticated by cookie", async () => {
    const body = form({ name: "p1", yaml: "default: alert\n" }, false);
    expect((await post("/policies/save", body)).status).toBe(403);
    expect((await post("/policies/save", form({ name: "p1", yaml: "default: alert\n", _csrf: "forged" }, false))).status).toBe(403);
    expect(fx.store.getPolicy("p1")).toBeNull();
    expect((await post("/policies/save", body, { "x-csrf-token": csrf })).status).toBe(303);
    expect(fx.store.getPolicy("p1")).not.toBeNull();
    // A bearer token is never sent by a browser on its own, so no CSRF token is needed with it.
    const api = await app.request("/api/policies/p2", { method: "PUT", body: "default: block\n", headers: { host: "127.0.0.1:7777", authorization: `Bearer ${TOKEN}` } });
    expect(api.status).toBe(200);
    const noCsrf = await req("/api/policies/p3", { method: "PUT", body: "default: block\n" });
    expect(noCsrf.status).toBe(403);
  });

  test("security headers on every answer", async () => {
    for (const res of [await req("/"), await req("/api/sessions"), await app.request("/", { headers: { host: "x" } })]) {
      expect(res.headers.get("content-security-policy")).toContain("script-src 'self'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("same-origin");
    }
  });
});

describe("pages", () => {
  test("dashboard lists recent connections and embeds the CSRF token, no inline script", async () => {
    const html = await (await req("/")).text();
    expect(html).toContain("evil.example:8443");
    expect(html).toContain(csrf);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).toContain('src="/static/htmx.min.js"');
  });

  test("embedded assets are served", async () => {
    const htmx = await req("/static/htmx.min.js");
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get("content-type")).toContain("javascript");
    expect((await htmx.text()).length).toBeGreaterThan(30_000);
    const etag = htmx.headers.get("etag")!;
    expect((await req("/static/htmx.min.js", { headers: { "if-none-match": etag } })).status).toBe(304);
    expect((await req("/static/style.css")).status).toBe(200);
    expect((await req("/static/nope.js")).status).toBe(404);
  });

  test("session page: destinations, alerts, probes, completeness, and nothing secret", async () => {
    const res = await req("/sessions/sess-0001aaaa");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("bedrock-runtime.us-east-1.amazonaws.com:443");
    expect(html).toContain("AWS account 123456789012 · AWS bedrock in us-east-1"); // whose account the call was for
    expect(html).toContain("evil.example:8443");
    expect(html).toContain("Use the Azure OpenAI tenant under your BAA");
    expect(html).toContain("ebpf");
    expect(html).toContain("complete");
    for (const secret of ["sk-proj-abcdefghijklmnop", "hunter2hunter2", "abcdefghijklmnop"]) expect(html).not.toContain(secret);
  });

  test("session history filters by search, verdict and date", async () => {
    const has = async (q: string) => (await (await req(`/sessions?${q}`)).text()).includes('href="/sessions/sess-0001aaaa"');
    expect(await has("")).toBe(true);
    expect(await has("q=evil.example")).toBe(true);
    expect(await has("q=python3")).toBe(true);
    expect(await has("q=nothing-like-this")).toBe(false);
    expect(await has("verdict=violations")).toBe(true);
    expect(await has("since=2999-01-01")).toBe(false);
    expect(await has("until=2000-01-01")).toBe(false);
  });

  test("alerts feed shows process and acknowledges with htmx", async () => {
    const html = await (await req("/alerts")).text();
    expect(html).toContain("python3 (4242)");
    expect(html).toContain("deny[0]");
    const res = await post(`/alerts/${fx.alertId}/ack`, form({}), { "hx-request": "true" });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("acknowledged");
    expect(fx.store.listAlerts({ unackedOnly: true })).toHaveLength(0);
    expect(await (await req("/alerts?unacked=1")).text()).toContain("No alerts.");
  });
});

test("a session's connections filter by verdict and search", async () => {
  const rows = async (q: string) => [...(await (await req(`/sessions/sess-0001aaaa?${q}`)).text()).matchAll(/<tr data-id="\d+" data-verdict="(\w+)"/g)].map((m) => m[1]);
  expect(await rows("")).toHaveLength(3);
  expect(await rows("verdict=block")).toEqual(["block"]);
  expect(await rows("q=bedrock")).toEqual(["allow"]);
  expect(await rows("verdict=bogus")).toHaveLength(3);
});

describe("session pagination (keyset, never the whole table)", () => {
  test("pages of 100 with an htmx link to the next older page", async () => {
    const id = "sess-big00000";
    fx.store.startSession({ type: "session", phase: "start", session: id, ts: Date.now(), target: { mode: "watch", pid: 9 }, policy: "p", probes: [{ name: "proc", complete: false }], complete: false });
    fx.store.appendEvents(Array.from({ length: 250 }, (_, i) => connection({ session: id, ts: Date.now() + i, dst: { ip: `10.0.${i >> 8}.${i & 255}`, port: 443 }, host: null, verdict: "allow" })));
    const html = await (await req(`/sessions/${id}`)).text();
    expect(html).toContain("polling");
    const rows = html.match(/<tr data-id="(\d+)"/g)!;
    expect(rows).toHaveLength(100);
    const before = html.match(/hx-get="\/sessions\/sess-big00000\/events\?before=(\d+)"/)![1];
    const page2 = await (await req(`/sessions/${id}/events?before=${before}`)).text();
    const ids2 = [...page2.matchAll(/<tr data-id="(\d+)"/g)].map((m) => Number(m[1]));
    expect(ids2).toHaveLength(100);
    expect(Math.max(...ids2)).toBeLessThan(Number(before));
    const api = await (await req(`/api/sessions/${id}/events?limit=200`)).json();
    expect(api.events).toHaveLength(200);
    const rest = await (await req(`/api/sessions/${id}/events?limit=200&before=${api.next}`)).json();
    expect(rest.events).toHaveLength(50);
    expect(rest.next).toBeNull();
  });
});

test("a big session's destination summary loads after the page, then comes from the cache", async () => {
  const id = "sess-huge0000";
  fx.store.startSession({ type: "session", phase: "start", session: id, ts: Date.now(), target: { mode: "run", pid: 9 }, policy: "p", probes: [{ name: "ebpf", complete: true }], complete: true });
  fx.store.appendEvents(Array.from({ length: 20_001 }, (_, i) => connection({ session: id, host: `h${i % 3}.example`, verdict: "allow" })));
  const html = await (await req(`/sessions/${id}`)).text();
  expect(html).toContain('hx-get="/sessions/sess-huge0000/destinations"');
  expect(html).not.toContain('id="destinations"');
  const frag = await (await req(`/sessions/${id}/destinations`)).text();
  expect(frag.match(/h[012]\.example:443/g)).toHaveLength(3);
  const again = await (await req(`/sessions/${id}`)).text();
  expect(again).toContain('id="destinations"');
});

describe("policy editor", () => {
  test("saves a valid policy from YAML", async () => {
    const res = await post("/policies/save", form({ name: "saved-yaml", original: "", yaml: "name: s\ndefault: block\nallow:\n  - host: api.example.com\n" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/policies/saved-yaml?saved=1&tab=yaml");
    expect(fx.store.getPolicy("saved-yaml")!.yaml).toContain("api.example.com");
    const page = await (await req("/policies/saved-yaml?saved=1")).text();
    expect(page).toContain("Saved.");
  });

  test("an invalid policy is not saved and the error is shown at its line", async () => {
    const yaml = "name: bad\ndefault: alert\nallow:\n  - hots: api.example.com\n";
    const res = await post("/policies/save", form({ name: "bad", original: "", yaml }));
    expect(res.status).toBe(422);
    const html = await res.text();
    expect(html).toMatch(/line 4, column \d+: [^<]*hots/);
    expect(html).toMatch(/<li value="4" class="err-line"/);
    expect(fx.store.getPolicy("bad")).toBeNull();
    const frag = await (await post("/policies/validate", form({ name: "bad", yaml: "default: maybe\n" }))).text();
    expect(frag).toContain('data-valid="false"');
    expect(frag).toContain("line 1");
    const ok = await (await post("/policies/validate", form({ name: "ok", yaml: "default: block\n" }))).text();
    expect(ok).toContain('data-valid="true"');
  });

  test("visual rows save as YAML; a bad CIDR is reported", async () => {
    const fields = {
      name: "visual", original: "", title: "Visual", description: "", default: "block", capture: "", base: "", extendsFiles: "",
      preset: ["aws-bedrock", "not-a-preset"],
      section: ["allow", "deny", "allow"], hosts: ["api.example.com", "", ""], cidrs: ["", "192.0.2.0/24", ""], ports: ["443", "", ""], action: ["", "kill", ""], extra: ["", "", ""],
    };
    const res = await post("/policies/visual", form(fields));
    expect(res.status).toBe(303);
    const yaml = fx.store.getPolicy("visual")!.yaml;
    expect(yaml).toContain("preset:aws-bedrock");
    expect(yaml).not.toContain("not-a-preset");
    expect(yaml).toMatch(/deny:\n\s+- cidrs: \[ 192\.0\.2\.0\/24 \]\n\s+action: kill/);
    const bad = await post("/policies/visual", form({ ...fields, name: "visual2", cidrs: ["", "999.0.0.0/8", ""] }));
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("999.0.0.0/8");
    expect(fx.store.getPolicy("visual2")).toBeNull();
  });

  test("import and export YAML, delete, and add a preset", async () => {
    const fd = new FormData();
    fd.append("_csrf", csrf);
    fd.append("file", new File(["name: imp\ndefault: alert\ndeny:\n  - host: '*.evil.test'\n"], "imported policy.yaml", { type: "application/yaml" }));
    const res = await req("/policies/import", { method: "POST", body: fd });
    expect(res.status).toBe(303);
    expect(fx.store.getPolicy("imported-policy")).not.toBeNull();
    const exp = await req("/policies/imported-policy/export");
    expect(exp.headers.get("content-disposition")).toContain('filename="imported-policy.yaml"');
    expect(await exp.text()).toContain("*.evil.test");
    const added = await (await post("/presets/add", form({ preset: "telemetry", policy: "imported-policy" }))).text();
    expect(added).toContain("preset:telemetry");
    expect((await post("/policies/imported-policy/delete", form({}))).status).toBe(303);
    expect(fx.store.getPolicy("imported-policy")).toBeNull();
    const presets = await (await req("/presets")).text();
    expect(presets).toContain("aws-bedrock");
    expect(presets).toContain("https://docs.aws.amazon.com/");
  });

  test("a session's destinations become a proposed policy with the chosen verdicts", async () => {
    const page = await (await req("/sessions/sess-0001aaaa/propose")).text();
    expect(page).toContain('name="d2"');
    const dests = fx.store.destinations("sess-0001aaaa");
    const choice: Record<string, string> = { name: "proposal" };
    dests.forEach((d, i) => (choice[`d${i}`] = d.host === "evil.example" ? "deny" : d.host === "api.openai.com" ? "skip" : "allow"));
    const html = await (await post("/sessions/sess-0001aaaa/propose", form(choice))).text();
    expect(html).toContain("preset:aws-bedrock");
    expect(html).toContain("evil.example");
    expect(html).not.toContain("api.openai.com");
    expect(html).toContain('data-valid="true"');
    expect(fx.store.getPolicy("proposal")).toBeNull(); // only saved from the editor
  });
});

describe("scans", () => {
  test("findings grouped by host and file with the source line highlighted and secrets masked", async () => {
    const html = await (await req(`/scans/${fx.scanId}`)).text();
    expect(html).toContain("src/client.py");
    expect(html).toMatch(/<li value="5" class="hit"><code>    return requests\.post\(&#39;https:\/\/api\.openai\.com\/v1\/chat\/completions&#39;, json=data\)<\/code>/);
    expect(html).toMatch(/<li value="2" class="hit"><code>API_KEY = (&#39;)?\[REDACTED\]/);
    expect(html).not.toContain("abcdefghijklmnopqrstuvwx");
    expect(html).toContain("(secrets)");
  });

  test("JSON and SARIF downloads", async () => {
    const json = await req(`/scans/${fx.scanId}/report.json`);
    expect(json.headers.get("content-disposition")).toContain("attachment");
    const report = await json.json();
    expect(report.findings).toHaveLength(2);
    const sarif = await (await req(`/scans/${fx.scanId}/report.sarif`)).json();
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs[0].results).toHaveLength(2);
    expect((await req("/scans/999")).status).toBe(404);
  });

  test("a finding in a comment or docs is marked so, and its context is in the downloads", async () => {
    const where = (line: number, context?: "code" | "comment" | "docs") => ({
      kind: "url" as const, value: `https://l${line}.acme-health.com`, host: `l${line}.acme-health.com`, file: "src/client.py", line, column: 1,
      language: "python", analyzer: "regex", rule: "url/https", verdict: "violation" as const, ...(context ? { context } : {}),
    });
    const id = fx.store.saveScan({ version: "1", root: fx.dir, stats: { files: 1, bytes: 1, ms: 1 }, findings: [where(1, "comment"), where(3, "docs"), where(5, "code"), where(6)] });
    const html = await (await req(`/scans/${id}`)).text();
    expect([...html.matchAll(/class="muted where"[^>]*>\((\w+)\)</g)].map((m) => m[1])).toEqual(["comment", "docs"]);
    const report = await (await req(`/scans/${id}/report.json`)).json();
    expect(report.findings.map((f: { context?: string }) => f.context)).toEqual(["comment", "docs", "code", undefined]);
    const sarif = await (await req(`/scans/${id}/report.sarif`)).json();
    expect(sarif.runs[0].results.map((r: { level: string }) => r.level)).toEqual(["note", "note", "error", "error"]);
  });
});

describe("API", () => {
  test("sessions, events tail, series, alerts, presets, policies, scans", async () => {
    const one = await (await req("/api/sessions/sess-0001aaaa")).json();
    expect(one.session.id).toBe("sess-0001aaaa");
    expect(one.destinations.length).toBe(3);
    const tail = await (await req("/api/events?after=0&limit=2")).json();
    expect(tail.events.map((e: any) => e.id)).toEqual([1, 2]);
    expect(JSON.stringify(tail)).not.toContain("hunter2hunter2");
    const series = await (await req("/api/series?minutes=60&bucket=60")).json();
    expect(series.points.reduce((n: number, p: any) => n + p.connections, 0)).toBeGreaterThanOrEqual(3);
    expect(Array.isArray(await (await req("/api/alerts")).json())).toBe(true);
    expect((await (await req("/api/presets")).json()).some((p: any) => p.name === "aws-bedrock")).toBe(true);
    const bad = await app.request("/api/policies/x", { method: "PUT", body: JSON.stringify({ yaml: "allow:\n  - host: 'a..b'\n" }), headers: { host: "127.0.0.1:7777", authorization: `Bearer ${TOKEN}`, "content-type": "application/json" } });
    expect(bad.status).toBe(422);
    expect((await bad.json()).errors[0].line).toBe(2);
    expect((await (await req(`/api/scans/${fx.scanId}`)).json()).report.findings).toHaveLength(2);
    expect((await req("/api/nothing")).status).toBe(404);
  });
});

describe("deleting a session", () => {
  const make = (id: string, ended = true) => {
    const start = sessionStart(id, Date.now() - 1000);
    fx.store.startSession(start);
    fx.store.appendEvents([connection({ session: id, http: { method: "POST", path: "/v1/notes", body: { request: '{"note":"PATIENT-MRN-9912"}' } } })]);
    if (ended) fx.store.endSession({ ...start, phase: "end", ts: start.ts + 10, exitCode: 0, counts: { connections: 1, violations: 1, destinations: 1 } });
  };

  test("the session page links to a confirmation; posting it (with the CSRF token) deletes for good", async () => {
    make("sess-del00001");
    expect(await (await req("/sessions/sess-del00001")).text()).toContain('href="/sessions/sess-del00001/delete"');
    const confirm = await (await req("/sessions/sess-del00001/delete")).text();
    expect(confirm).toContain("1 events");
    expect(confirm).toContain('action="/sessions/sess-del00001/delete"');
    expect(fx.store.getSession("sess-del00001")).not.toBeNull(); // a GET never deletes
    expect((await post("/sessions/sess-del00001/delete", form({}, false))).status).toBe(403); // no CSRF token
    const res = await post("/sessions/sess-del00001/delete", form({}));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/sessions?deleted=sess-del00001");
    expect(fx.store.getSession("sess-del00001")).toBeNull();
    expect(fx.store.listEvents({ session: "sess-del00001", limit: 10 })).toHaveLength(0);
    expect(await (await req("/sessions?deleted=sess-del00001")).text()).toContain("Session sess-del00001 was deleted");
  });

  test("a session without an end is not deleted from the web view; the API deletes with a bearer token", async () => {
    make("sess-open0001", false);
    expect(await (await req("/sessions/sess-open0001")).text()).not.toContain("/sessions/sess-open0001/delete\"");
    expect((await post("/sessions/sess-open0001/delete", form({}))).status).toBe(409);
    const api = (path: string) => app.request(path, { method: "DELETE", headers: { host: "127.0.0.1:7777", authorization: `Bearer ${TOKEN}` } });
    expect((await api("/api/sessions/sess-open0001")).status).toBe(409);
    const r = await api("/api/sessions/sess-open0001?force=1");
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ deleted: ["sess-open0001"], events: 1 });
    expect((await api("/api/sessions/sess-open0001")).status).toBe(404);
  });
});

describe("response headers and other secrets are redacted wherever events leave", () => {
  const sid = "sess-resp0001";
  beforeAll(() => {
    const start = sessionStart(sid, Date.now() - 2000);
    fx.store.startSession({ ...start, target: { ...start.target, argv: ["curl", "--token", "ARGVSECRET1234567890"] } });
    fx.store.appendEvents([
      connection({
        session: sid, host: "resp.example",
        http: {
          method: "GET", path: "/x", status: 200,
          headers: { "x-functions-key": "REQKEYSECRET1234567890", accept: "*/*" },
          responseHeaders: { "x-upstream-token": "RESPTOKENSECRET1234567890", "set-cookie": "sid=RESPCOOKIESECRET123; HttpOnly", "content-type": "application/json", "x-note": "api_key=RESPNOTESECRET12345" },
        },
      }),
      { type: "signal", ts: Date.now(), session: sid, pid: 1, kind: "request-shape", detail: { responseHeaders: { "x-upstream-token": "SIGSECRET1234567890" } } },
    ]);
    fx.store.appendAlerts([{ type: "alert", ts: Date.now(), session: sid, severity: "low", pid: 1, dst: null, host: "resp.example", rule: null, message: "sent password=ALERTSECRET12345", suggestion: "" }]);
  });
  const leaks = (text: string) => ["RESPTOKENSECRET", "RESPCOOKIESECRET", "REQKEYSECRET", "RESPNOTESECRET", "SIGSECRET", "ALERTSECRET", "ARGVSECRET"].filter((s) => text.includes(s));

  test("REST: events tail, a session's events, its detail, sessions and alerts", async () => {
    const tail = await (await req("/api/events?limit=50")).json();
    const conn = tail.events.find((e: any) => e.event.host === "resp.example").event;
    expect(conn.http.responseHeaders).toEqual({ "x-upstream-token": "[REDACTED]", "set-cookie": "[REDACTED]", "content-type": "application/json", "x-note": "api_key=[REDACTED]" });
    expect(conn.http.headers).toEqual({ "x-functions-key": "[REDACTED]", accept: "*/*" });
    for (const path of ["/api/events?limit=50", `/api/sessions/${sid}/events`, `/api/sessions/${sid}`, "/api/sessions", "/api/alerts"]) {
      expect([path, leaks(await (await req(path)).text())]).toEqual([path, []]);
    }
  });

  test("pages: dashboard, session page, its next page, alerts", async () => {
    for (const path of ["/", `/sessions/${sid}`, `/sessions/${sid}/events`, "/alerts", "/sessions"]) {
      const res = await req(path);
      expect(res.status).toBe(200);
      expect([path, leaks(await res.text())]).toEqual([path, []]);
    }
  });
});

describe("stored policies are not overwritten by accident", () => {
  const api = (path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { host: "127.0.0.1:7777", authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string> ?? {}) } });

  test("a new policy with an existing name is refused until the replace box is ticked", async () => {
    fx.store.savePolicy("team-prod", "name: team-prod\ndefault: block\n");
    const res = await post("/policies/save", form({ name: "team-prod", original: "", yaml: "default: allow\n" }));
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("a stored policy named &#39;team-prod&#39; already exists");
    expect(html).toMatch(/<input type="checkbox" name="overwrite" value="team-prod"\/?>/);
    expect(html).toContain('name="original" value=""');
    expect(fx.store.getPolicy("team-prod")!.yaml).toContain("default: block");
    // The visual form is refused the same way.
    const visual = await post("/policies/visual", form({ name: "team-prod", original: "", title: "", description: "", default: "allow", capture: "", base: "", extendsFiles: "", section: ["allow"], hosts: [""], cidrs: [""], ports: [""], action: [""], extra: [""] }));
    expect(visual.status).toBe(409);
    // A box ticked for another name does not count.
    expect((await post("/policies/save", form({ name: "team-prod", original: "", yaml: "default: allow\n", overwrite: "other" }))).status).toBe(409);
    expect(fx.store.getPolicy("team-prod")!.yaml).toContain("default: block");
    const ok = await post("/policies/save", form({ name: "team-prod", original: "", yaml: "default: allow\n", overwrite: "team-prod" }));
    expect(ok.status).toBe(303);
    expect(fx.store.getPolicy("team-prod")!.yaml).toBe("default: allow\n");
  });

  test("renaming onto an existing policy keeps both; editing in place still saves", async () => {
    fx.store.savePolicy("p1", "default: block\n");
    fx.store.savePolicy("scratch", "default: alert\n");
    const res = await post("/policies/save", form({ name: "p1", original: "scratch", yaml: "default: kill\n" }));
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain('name="original" value="scratch"'); // the form still edits scratch
    expect(html).toContain("Policy scratch");
    expect(fx.store.getPolicy("p1")!.yaml).toBe("default: block\n");
    expect(fx.store.getPolicy("scratch")!.yaml).toBe("default: alert\n");
    expect((await post("/policies/save", form({ name: "scratch", original: "scratch", yaml: "default: kill\n" }))).status).toBe(303);
    expect(fx.store.getPolicy("scratch")!.yaml).toBe("default: kill\n");
    // A rename to a free name moves it.
    expect((await post("/policies/save", form({ name: "scratch2", original: "scratch", yaml: "default: kill\n" }))).status).toBe(303);
    expect(fx.store.getPolicy("scratch")).toBeNull();
    // Confirmed: the rename replaces p1.
    expect((await post("/policies/save", form({ name: "p1", original: "scratch2", yaml: "default: kill\n", overwrite: "p1" }))).status).toBe(303);
    expect(fx.store.getPolicy("p1")!.yaml).toBe("default: kill\n");
    expect(fx.store.getPolicy("scratch2")).toBeNull();
  });

  test("import onto an existing name shows the editor with the choice; overwrite=1 replaces", async () => {
    fx.store.savePolicy("imp-exists", "default: block\n");
    const upload = (overwrite?: string) => {
      const fd = new FormData();
      fd.append("_csrf", csrf);
      if (overwrite) fd.append("overwrite", overwrite);
      fd.append("file", new File(["default: allow\n"], "imp-exists.yaml", { type: "application/yaml" }));
      return req("/policies/import", { method: "POST", body: fd });
    };
    const res = await upload();
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(html).toContain("already exists");
    expect(html).toContain("default: allow");
    expect(fx.store.getPolicy("imp-exists")!.yaml).toBe("default: block\n");
    expect((await upload("1")).status).toBe(303);
    expect(fx.store.getPolicy("imp-exists")!.yaml).toBe("default: allow\n");
    expect(await (await req("/policies")).text()).toContain('name="overwrite" value="1"');
  });

  test("PUT /api/policies/NAME: 409 for an existing name unless ?overwrite=1 (or JSON overwrite: true)", async () => {
    expect((await api("/api/policies/api-p", { method: "PUT", body: "default: block\n" })).status).toBe(200);
    const again = await api("/api/policies/api-p", { method: "PUT", body: "default: allow\n" });
    expect(again.status).toBe(409);
    expect((await again.json()).error).toContain("already exists; add ?overwrite=1");
    expect(fx.store.getPolicy("api-p")!.yaml).toBe("default: block\n");
    expect((await api("/api/policies/api-p?overwrite=1", { method: "PUT", body: "default: alert\n" })).status).toBe(200);
    expect(fx.store.getPolicy("api-p")!.yaml).toBe("default: alert\n");
    const json = await api("/api/policies/api-p", { method: "PUT", body: JSON.stringify({ yaml: "default: kill\n", overwrite: true }), headers: { "content-type": "application/json" } });
    expect(json.status).toBe(200);
    expect(fx.store.getPolicy("api-p")!.yaml).toBe("default: kill\n");
  });
});

describe("extends from the web view stays inside the policy directory", () => {
  let outside: string;
  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), "trw-outside-"));
    writeFileSync(join(outside, "shadow"), "root:*:20228:0:99999:7::\ndaemon:*:20228:0:99999:7:::\n");
    writeFileSync(join(fx.dir, "base.yaml"), "allow:\n  - host: base.example\n");
    writeFileSync(join(fx.dir, "not-policy.yaml"), "root:*:20228:0:99999:7::\n");
  });
  afterAll(() => rmSync(outside, { recursive: true, force: true }));
  const bearer = { host: "127.0.0.1:7777", authorization: `Bearer ${TOKEN}` };
  const rel = () => relative(fx.dir, join(outside, "shadow"));

  test("a file outside is refused without quoting it: API save and validate, editor save and live check", async () => {
    for (const entry of [rel(), join(outside, "shadow"), "../../../../../../../../etc/shadow"]) {
      const yaml = `name: x\nextends: ["${entry}"]\n`;
      const put = await app.request("/api/policies/p4", { method: "PUT", body: yaml, headers: bearer });
      expect(put.status).toBe(422);
      const body = await put.text();
      expect(body).toContain("outside the policy directory");
      expect(body).not.toContain("root:");
      const v = await (await app.request("/api/policies/validate", { method: "POST", body: yaml, headers: bearer })).text();
      expect(v).toContain("outside the policy directory");
      for (const path of ["/policies/save", "/policies/validate"]) {
        const html = await (await post(path, form({ name: "p4", original: "", yaml }))).text();
        expect(html).toContain("outside the policy directory");
        expect(html).not.toContain("root:");
      }
    }
    expect(fx.store.getPolicy("p4")).toBeNull();
  });

  test("presets and YAML files inside are fine; a non-policy file inside is named, not quoted", async () => {
    const ok = await app.request("/api/policies/validate", { method: "POST", body: `extends: [./base.yaml, "preset:telemetry"]\n`, headers: bearer });
    expect(await ok.json()).toMatchObject({ ok: true });
    const bad = await (await app.request("/api/policies/validate", { method: "POST", body: `extends: [./not-policy.yaml]\n`, headers: bearer })).text();
    expect(bad).toContain("./not-policy.yaml is not a TrustRun policy");
    expect(bad).not.toContain("root:");
  });
});

test("the chart's points sit on bucket boundaries with fractional (eBPF) timestamps", async () => {
  const now = Date.now();
  fx.store.appendEvents([connection({ session: "sess-series01", ts: now - 5000.4321 }), connection({ session: "sess-series01", ts: now - 3000.75 })]);
  const s = await (await req("/api/series?minutes=15&bucket=10&session=sess-series01")).json();
  expect(s.points.reduce((n: number, p: any) => n + p.connections, 0)).toBe(2);
  for (const p of s.points) expect(Number.isInteger(p.t) && p.t % 10_000 === 0).toBe(true);
});

test("a server on port 80 answers a Host without the port (as browsers send it)", async () => {
  const app80 = createApp({ store: fx.store, token: TOKEN, allowedHosts: hostNamesFor("127.0.0.1", 80), policyCwd: fx.dir });
  const first = await app80.request(`/?token=${TOKEN}`, { headers: { host: "127.0.0.1" } });
  expect(first.status).toBe(303);
  expect(first.headers.get("set-cookie")).toContain(`trustrun_token_80=${TOKEN}`);
  expect((await app80.request("/", { headers: { host: "127.0.0.1", cookie: `trustrun_token_80=${TOKEN}` } })).status).toBe(200);
  expect((await app80.request("/", { headers: { host: "localhost:80", cookie: `trustrun_token_80=${TOKEN}`, origin: "http://localhost" } })).status).toBe(200);
  expect((await app80.request("/", { headers: { host: "evil.example", cookie: `trustrun_token_80=${TOKEN}` } })).status).toBe(400);
  expect((await app80.request("/", { headers: { host: "127.0.0.1:8080", cookie: `trustrun_token_80=${TOKEN}` } })).status).toBe(400);
});

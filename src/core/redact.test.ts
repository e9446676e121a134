import { expect, test } from "bun:test";
import { redactArgv, redactDetail, redactHeaders, redactPath, redactText } from "./redact.ts";

// Samples are assembled at run time so the file itself holds no key-shaped strings.
const openaiKey = ["sk", "proj", "A1b2C3d4E5f6G7h8I9j0KkLlMm"].join("-");
const awsKey = "AKIA" + "IOSFODNN7EXAMPLE";

test("tokens inside text are hidden", () => {
  for (const secret of [openaiKey, awsKey, "ghp_" + "a".repeat(36), "xoxb-" + "1234567890-abcdef"]) {
    const out = redactText(`key is ${secret} ok`);
    expect(out).not.toContain(secret);
    expect(out).toContain("[REDACTED]");
  }
});

test("assignments, bearer tokens, URL credentials and query secrets", () => {
  expect(redactText("password=hunter2 user=bob")).toBe("password=[REDACTED] user=bob");
  expect(redactText("Authorization: Bearer abcdefghijkl")).not.toContain("abcdefghijkl");
  expect(redactText("postgres://admin:s3cret@db.local/x")).toBe("postgres://admin:[REDACTED]@db.local/x");
  expect(redactText("https://x.io/a?api_key=zzz&b=1")).toBe("https://x.io/a?api_key=[REDACTED]&b=1");
});

test("argv: the value after a secret-named flag is hidden", () => {
  expect(redactArgv(["tool", "--api-key", "plainvalue", "--name", "x"])).toEqual(["tool", "--api-key", "[REDACTED]", "--name", "x"]);
  expect(redactArgv(["curl", "-H", `Authorization: Bearer ${openaiKey}`])![2]).not.toContain(openaiKey);
  expect(redactArgv(null)).toBeNull();
});

test("secret headers are replaced, others kept", () => {
  expect(redactHeaders({ Authorization: "Basic abc", "api-key": "k", "content-type": "json" })).toEqual({
    Authorization: "[REDACTED]", "api-key": "[REDACTED]", "content-type": "json",
  });
});

test("JSON-style quoted keys are redacted too", () => {
  const out = redactText(`{"api-key": "abc123secret", "Authorization":"Token zz", "model": "gpt-4o"}`);
  expect(out).not.toContain("abc123secret");
  expect(out).not.toContain("zz\"");
  expect(out).toContain('"model": "gpt-4o"');
});

test("plain text is left alone", () => {
  for (const s of ["hello world", "https://api.example.com/v1/chat", "--verbose", "python3 app.py"]) expect(redactText(s)).toBe(s);
});

test("headers named for a secret by any word of their name are replaced", () => {
  const h = redactHeaders({
    apikey: "supabasekey123456", "x-functions-key": "azfuncKEY123456789", "x-access-token": "accTOKEN12345678",
    "Private-Token": "glpatXYZ123456789", "X-Vault-Token": "hvsVAULT123456789", "x-amz-security-token": "t0k3n",
    ":authority": "api.example.com", "x-author": "ada", "user-agent": "curl/8", "keep-alive": "timeout=5",
  });
  for (const k of ["apikey", "x-functions-key", "x-access-token", "Private-Token", "X-Vault-Token", "x-amz-security-token"]) expect(h[k]).toBe("[REDACTED]");
  expect(h[":authority"]).toBe("api.example.com");
  expect(h["x-author"]).toBe("ada");
  expect(h["user-agent"]).toBe("curl/8");
  expect(h["keep-alive"]).toBe("timeout=5");
});

test("secrets inside a JSON string (escaped quotes) are redacted and the outer JSON stays valid", () => {
  const body = JSON.stringify({ tool_args: JSON.stringify({ password: "hunter2hunter2", api_key: "plainkey9876543210", city: "Oslo" }) });
  const out = redactText(body);
  expect(out).not.toContain("hunter2hunter2");
  expect(out).not.toContain("plainkey9876543210");
  const inner = JSON.parse(JSON.parse(out).tool_args);
  expect(inner).toEqual({ password: "[REDACTED]", api_key: "[REDACTED]", city: "Oslo" });
  // A shell command line carrying such a body.
  const cmd = `curl -s http://127.0.0.1/x -d "{\\"password\\":\\"hunter2hunter2\\",\\"n\\":1}"`;
  expect(redactText(cmd)).not.toContain("hunter2hunter2");
  expect(redactText(cmd)).toContain('\\"n\\":1');
});

test("an unquoted secret inside a JSON string keeps the string's closing quote", () => {
  const body = JSON.stringify({ note: "see api_key=sk-proj-BODYSECRET1234567890abcdefgh", patient_id: 12345 });
  const out = redactText(body);
  expect(out).not.toContain("BODYSECRET");
  expect(JSON.parse(out)).toEqual({ note: "see api_key=[REDACTED]", patient_id: 12345 });
});

test("paths: credentials and per-person segments are replaced, the shape stays", () => {
  expect(redactPath("/bot123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/sendMessage")).toBe("/:secret/sendMessage");
  expect(redactPath("/v1/AKIAIOSFODNN7EXAMPLE/x")).toBe("/v1/:secret/x");
  expect(redactPath("/u/eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZw")).toBe("/u/:secret");
  expect(redactPath("/ssn/123-45-6789")).toBe("/ssn/:id");
  expect(redactPath("/patient/MRN-00012345/record")).toBe("/patient/:id/record");
  expect(redactPath("/app;jsessionid=ABCDEF0123456789ABCDEF/home")).not.toContain("ABCDEF0123456789");
  expect(redactPath("/v1/chat/completions?api_key=zzz&model=gpt")).toBe("/v1/chat/completions?api_key=[REDACTED]&model=gpt");
  for (const p of ["/v1/chat/completions", "/api/v2/users/:id", "/static/app.js", "/openai/deployments/gpt-4o/chat"]) expect(redactPath(p)).toBe(p);
});

test("details: argv lists, paths, headers and free text are all redacted, nested too", () => {
  const d = redactDetail({
    argv: ["curl", "-H", "Authorization: Bearer sk-live-CHILDSECRET1234567890", "--user", "admin:P4ssw0rd", "--api-key", "CLIARGSECRET"],
    child: { argv: ["psql", "postgres://dbuser:DBPASSSECRET@db.internal:5432/phi"] },
    path: "/ssn/123-45-6789",
    headers: { "x-api-key": "k1234567890", accept: "json" },
    note: "password=hunter2hunter2",
    n: 3,
  }) as Record<string, any>;
  const text = JSON.stringify(d);
  for (const s of ["CHILDSECRET", "CLIARGSECRET", "DBPASSSECRET", "123-45-6789", "k1234567890", "hunter2hunter2"]) expect(text).not.toContain(s);
  expect(d.headers.accept).toBe("json");
  expect(d.n).toBe(3);
});

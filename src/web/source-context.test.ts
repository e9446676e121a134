import { describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { b64, body } from "../scan/secrets/fake.ts";
import { contextLines, fileUnderRoot, maskSecretAt, readSource } from "./source-context.ts";

describe("source context", () => {
  const root = mkdtempSync(join(tmpdir(), "trw-src-"));
  mkdirSync(join(root, "app"));
  writeFileSync(join(root, "app", "main.py"), "import os\nkey = 'sk-proj-abcdefghijklmnopqrstuvwx'\nrequests.get('https://api.example.com/v1')\nx = 1\n");
  writeFileSync(join(root, "..", "outside-trw.txt"), "secret");
  symlinkSync("/etc/passwd", join(root, "app", "link"));

  test("stays under the root", () => {
    expect(fileUnderRoot(root, "app/main.py")).toBe(join(root, "app", "main.py"));
    expect(fileUnderRoot(root, "../outside-trw.txt")).toBeNull();
    expect(fileUnderRoot(root, "/etc/passwd")).toBeNull();
    expect(fileUnderRoot(root, "app/link")).toBeNull(); // symlink leaving the root
    expect(fileUnderRoot(root, "missing.py")).toBeNull();
    expect(fileUnderRoot(root, "a\0b")).toBeNull();
    expect(readSource(root, "../outside-trw.txt").ok).toBe(false);
  });

  test("shows the finding's line highlighted, secrets masked", () => {
    const r = readSource(root, "app/main.py");
    if (!r.ok) throw new Error(r.reason);
    const ctx = contextLines(r.text, [{ line: 2, column: 7, kind: "secret" }, { line: 3, column: 14, kind: "url" }], 1);
    const two = ctx.get(2)!;
    expect(two.map((l) => l.n)).toEqual([1, 2, 3]);
    expect(two.find((l) => l.hit)!.text).toBe("key = '[REDACTED]'");
    expect(JSON.stringify([...ctx.values()])).not.toContain("abcdefghijklmnop");
    expect(ctx.get(3)!.find((l) => l.hit)!.text).toContain("https://api.example.com/v1");
  });

  test("masking handles odd columns and unterminated strings", () => {
    expect(maskSecretAt("a = 'abc", 5)).toBe("a = '[REDACTED]");
    expect(maskSecretAt("token=abcd1234;", 7)).toBe("token=[REDACTED];");
    expect(maskSecretAt("", 40)).toBe("");
    expect(maskSecretAt("x", -3)).toBe("[REDACTED]");
    expect(contextLines("", [{ line: 5, column: 1, kind: "secret" }]).size).toBe(0);
  });
});

test("random and truncated file contents never throw and never leak a secret past its column", () => {
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = "ab '\"`=;:\n\r\t\0é🙂{}[]()sk-proj-0123456789";
  for (let i = 0; i < 500; i++) {
    const len = Math.floor(rnd() * 300);
    let text = "";
    for (let j = 0; j < len; j++) text += alphabet[Math.floor(rnd() * alphabet.length)];
    const findings = Array.from({ length: 3 }, () => ({ line: Math.floor(rnd() * 8) - 1, column: Math.floor(rnd() * 60) - 5, kind: rnd() < 0.5 ? ("secret" as const) : ("url" as const) }));
    expect(() => contextLines(text, findings)).not.toThrow();
    expect(() => contextLines(text.slice(0, Math.floor(rnd() * len)), findings, 5)).not.toThrow();
  }
  const secret = "tok_ABCDEFGHIJKLMNOP";
  const line = `x = "${secret}" + y`;
  expect(contextLines(line, [{ line: 1, column: 5, kind: "secret" }]).get(1)![0].text).not.toContain(secret);
});

test("every line of a private key is withheld; the file's secrets count on a filtered page too", () => {
  const begin = ["-----BEGIN", " PRIVATE KEY-----"].join("");
  const end = ["-----END", " PRIVATE KEY-----"].join("");
  const keyBody = [body(64, b64, 601), body(64, b64, 602), body(40, b64, 603)];
  const text = `import requests\nCA_URL = "https://pki.acme-health.com/ca"\nKEY = """${begin}\n${keyBody.join("\n")}\n${end}\n"""\nrequests.get(CA_URL)\n`;
  const secret = { line: 3, column: 9 + begin.length + 1, kind: "secret" as const, value: `…[redacted ${keyBody.join("\n").length + 2} chars]` };
  const url = { line: 2, column: 11, kind: "url" as const };
  for (const ctx of [contextLines(text, [url, secret], 6), contextLines(text, [url], 6, [secret])]) {
    const lines = ctx.get(2)!;
    const shown = JSON.stringify(lines);
    for (const part of keyBody) expect(shown).not.toContain(part.slice(0, 16));
    expect(lines.filter((l) => l.text === "(line withheld: it holds a secret)").map((l) => l.n)).toEqual([4, 5, 6, 7]);
    expect(lines.find((l) => l.n === 2)!.text).toBe('CA_URL = "https://pki.acme-health.com/ca"');
  }
});

test("a secret found on one line is masked on the others; URL credentials are masked", () => {
  const secret = ["Zq8Wm3Xr", "7Tn2Lp5Kv9Bc"].join("");
  const text = `API_KEY = "${secret}"\nrequests.get(sign(TOK, "${secret}"))\nu = "https://a.acme-health.com/cb#access_token=Hx7pQ2mZ9vLe8YuRk3Wq&t=1"\n`;
  const ctx = contextLines(text, [{ line: 2, column: 1, kind: "call-site" }], 1, [{ line: 1, column: 12, kind: "secret", value: "…[redacted 20 chars]" }]);
  expect(ctx.get(2)!.map((l) => l.text)).toEqual([
    'API_KEY = "[REDACTED]"',
    'requests.get(sign(TOK, "…[redacted 20 chars]"))',
    expect.stringMatching(/^u = "https:\/\/a\.acme-health\.com\/cb#access_token=(\*\*\*|\[REDACTED\])&t=1"$/),
  ]);
});

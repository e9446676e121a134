import { describe, expect, test } from "bun:test";
import { scanFile } from "./file-scan.ts";

const enc = new TextEncoder();

describe("scanFile", () => {
  test("binary, UTF-16 and BOM handling", async () => {
    expect((await scanFile({ id: 1, rel: "a.bin", bytes: new Uint8Array([1, 0, 2]), regexOnly: true })).skipped).toBe("binary");
    const utf16 = new Uint8Array([0xff, 0xfe, ...[..."https://u.acme.io"].flatMap((c) => [c.charCodeAt(0), 0])]);
    const r = await scanFile({ id: 2, rel: "a.txt", bytes: utf16, regexOnly: true });
    expect(r.findings.map((f) => f.value)).toEqual(["https://u.acme.io"]);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode("x = 'https://b.acme.io'")]);
    expect((await scanFile({ id: 3, rel: "a.py", bytes: bom, regexOnly: false })).findings[0].column).toBe(6);
  });

  test("fuzz: random and truncated bytes never throw", async () => {
    let seed = 3;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const base = enc.encode("import requests\nrequests.get(f'https://{h}.acme.io/x')\nKEY='AKIA' + 'x'\n");
    for (let i = 0; i < 200; i++) {
      const bytes = base.slice(0, rnd() % base.length);
      for (let j = 0; j < 5; j++) if (bytes.length) bytes[rnd() % bytes.length] = rnd() % 256;
      const rel = ["a.py", "a.js", "a.ts", "a.tsx", "a.R", "a.txt"][i % 6];
      const r = await scanFile({ id: i, rel, bytes, regexOnly: false });
      expect(Array.isArray(r.findings)).toBe(true);
    }
  });
});

describe("a secret the file holds shows in none of its other findings", () => {
  const secret = ["Zq8Wm3Xr", "7Tn2Lp5Kv9Bc"].join("");
  const scan = async (rel: string, code: string, regexOnly = false) => {
    const r = await scanFile({ id: 1, rel, bytes: enc.encode(code), regexOnly });
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(r)).not.toContain(secret.slice(0, 10));
    return r.findings.filter((f) => f.kind !== "secret").map((f) => `${f.line} ${f.kind} ${f.value}`);
  };
  test("Python: a URL built from it, and a call's source text", async () => {
    const got = await scan(
      "client.py",
      `import requests\nAPI_KEY = "${secret}"\nr = requests.get(f"https://api.acme-health.com/v1/{API_KEY}/patients")\n` +
        `s = requests.get("https://api.acme-health.com/v1/search?q=" + API_KEY)\nt = requests.get(sign(TOK, "${secret}"))\n`,
    );
    expect(got).toContain("3 call-site https://api.acme-health.com/v1/…[redacted 20 chars]/patients");
    expect(got).toContain("4 call-site https://api.acme-health.com/v1/search?q=…[redacted 20 chars]");
    expect(got).toContain('5 call-site requests.get(sign(TOK, "…[redacted 20 chars]...)');
  });
  test("JavaScript: a template literal", async () => {
    const got = await scan("c.js", `const key = "${secret}";\nfetch(\`https://api.acme-health.com/q/\${key}\`);\n`);
    expect(got).toContain("2 call-site https://api.acme-health.com/q/…[redacted 20 chars]");
  });
  test("the regex pass: a URL holding it", async () => {
    const got = await scan("a.txt", `api_key = "${secret}"\nsee https://api.acme-health.com/v1/${secret}/x\n`, true);
    expect(got).toEqual(["2 url https://api.acme-health.com/v1/…[redacted 20 chars]/x"]);
  });
});

import { afterEach, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { cleanup, render } from "ink-testing-library";
import type { Finding } from "../../core/types.ts";
import { ScanBrowser } from "./ScanBrowser.tsx";
import { contextLines, groupFindings } from "./groups.ts";
import { fileReader } from "./browse.tsx";
import { b64, body } from "../../scan/secrets/fake.ts";

afterEach(() => cleanup());
const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

function finding(over: Partial<Finding>): Finding {
  return { kind: "url", value: "https://api.openai.com/v1", host: "api.openai.com", file: "app.py", line: 3, column: 5, language: "python", analyzer: "python", rule: "url", verdict: "violation", ...over };
}

const findings = [
  finding({}),
  finding({ file: "lib/client.py", line: 1 }),
  finding({ host: "pypi.org", value: "https://pypi.org/simple", verdict: "allowed", line: 2 }),
  finding({ kind: "secret", host: null, value: "sk-...redacted", rule: "openai-key", verdict: "unknown", line: 4 }),
];

test("groups put violations first and filter by verdict and text", () => {
  const g = groupFindings(findings, { text: "", verdict: "all" });
  expect(g.map((x) => [x.key, x.findings.length, x.verdict])).toEqual([["api.openai.com", 2, "violation"], ["(secrets)", 1, "unknown"], ["pypi.org", 1, "allowed"]]);
  expect(g[0].files).toBe(2);
  expect(groupFindings(findings, { text: "", verdict: "allowed" }).map((x) => x.key)).toEqual(["pypi.org"]);
  expect(groupFindings(findings, { text: "client.py", verdict: "all" }).map((x) => x.findings.length)).toEqual([1]);
});

test("context lines mark the hit, clip at file edges and withhold a secret's line", () => {
  const text = "one\ntwo\nthree\nfour\x07\nfive";
  expect(contextLines(text, 1, 1)).toEqual([{ n: 1, text: "one", hit: true }, { n: 2, text: "two", hit: false }]);
  expect(contextLines(text, 4, 1).map((l) => l.text)).toEqual(["three", "four?", "five"]);
  expect(contextLines(text, 4, 0, 400, true)[0].text).not.toContain("four");
  expect(contextLines("", 9, 2)).toEqual([]);
});

test("context never shows a secret: lines with a found secret are withheld, any other secret is masked", () => {
  const key = "sk-proj-Q7xJ2mZp9LkR4tVw8NbYc3HdF6sG1aEu0oIiWqXzTrUyPlMnBv";
  const aws = "AKIAQ3EGT7XKMZ4WNPLB";
  const text = `import openai\nclient = openai.OpenAI()\nKEY = "${key}"\nid = "${aws}"\n`;
  const lines = contextLines(text, 2, 3, 400, false, new Set([3]));
  const shown = lines.map((l) => l.text).join("\n");
  expect(shown).toContain("client = openai.OpenAI()");
  expect(shown).toContain("(line withheld: it holds a secret)");
  expect(shown).not.toContain(key);
  expect(shown).not.toContain(aws); // not a reported finding here (say, accepted by a baseline): masked all the same
  expect(lines.find((l) => l.n === 2)!.hit).toBe(true);
});

test("every line of a private key is withheld, not only its BEGIN line", () => {
  const begin = ["-----BEGIN", " PRIVATE KEY-----"].join("");
  const end = ["-----END", " PRIVATE KEY-----"].join("");
  const keyBody = [body(64, b64, 501), body(64, b64, 502), body(40, b64, 503)];
  const text = `import requests\nCA_URL = "https://pki.acme-health.com/ca"\nKEY = """${begin}\n${keyBody.join("\n")}\n${end}\n"""\nrequests.get(CA_URL)\n`;
  const lines = contextLines(text, 2, 6, 400, false, new Set([3]));
  const shown = lines.map((l) => l.text).join("\n");
  for (const part of keyBody) expect(shown).not.toContain(part.slice(0, 16));
  expect(lines.filter((l) => l.text === "(line withheld: it holds a secret)").map((l) => l.n)).toEqual([3, 4, 5, 6, 7]);
  expect(shown).toContain('CA_URL = "https://pki.acme-health.com/ca"');
  expect(shown).toContain('"""');
  // Cut short (no END in the file any more): withheld to the end of what is shown.
  const cut = contextLines(text.split(end)[0], 2, 6, 400, false, new Set([3]));
  expect(cut.filter((l) => l.n >= 3).every((l) => l.text === "(line withheld: it holds a secret)")).toBe(true);
});

test("the file reader stays inside the scanned root", () => {
  const root = mkdtempSync(join(tmpdir(), "trustrun-browse-"));
  mkdirSync(join(root, "src"));
  writeFileSync(join(root, "src/a.py"), "x = 1\n");
  const outside = mkdtempSync(join(tmpdir(), "trustrun-outside-"));
  writeFileSync(join(outside, "secret.txt"), "no");
  symlinkSync(join(outside, "secret.txt"), join(root, "link.txt"));
  const read = fileReader(root);
  expect(read("src/a.py")).toBe("x = 1\n");
  expect(read("../" + outside.split("/").pop() + "/secret.txt")).toBeNull();
  expect(read("link.txt")).toBeNull();
  expect(read("missing.py")).toBeNull();
});

test("the browser shows hosts, the selected host's findings and the source around the finding", async () => {
  let quit = 0;
  const files: Record<string, string> = { "app.py": "import openai\n\nURL = 'https://api.openai.com/v1'\nKEY = 'sk-live-123'\n", "lib/client.py": "BASE='https://api.openai.com/v1'\n" };
  const ui = render(<ScanBrowser root="/src/project" findings={findings} readFile={(f) => files[f] ?? null} onQuit={() => quit++} />);
  await tick(60);
  let f = ui.lastFrame()!;
  expect(f).toContain("findings 4");
  expect(f).toContain("violations 2");
  expect(f).toContain("api.openai.com");
  expect(f).toContain("app.py:3");
  expect(f).toContain("URL = 'https://api.openai.com/v1'");
  ui.stdin.write("\t");
  await tick();
  ui.stdin.write("\u001B[B");
  await tick();
  f = ui.lastFrame()!;
  expect(f).toContain("lib/client.py:1:5");
  expect(f).toContain("BASE='https://api.openai.com/v1'");
  ui.stdin.write("\t");
  await tick();
  ui.stdin.write("\u001B[B");
  await tick();
  f = ui.lastFrame()!;
  expect(f).toContain("openai-key");
  expect(f).not.toContain("sk-live-123"); // the secret's line is withheld
  ui.stdin.write("v");
  await tick();
  ui.stdin.write("v");
  await tick();
  expect(ui.lastFrame()).toContain("[filter: unknown]");
  expect(ui.lastFrame()).not.toContain("pypi.org");
  ui.stdin.write("q");
  await tick();
  expect(quit).toBe(1);
});

test("a finding in a comment or docs is marked in the findings list", async () => {
  const marked = [finding({}), finding({ line: 1, context: "comment" } as Partial<Finding>), finding({ file: "README.md", line: 7, context: "docs" } as Partial<Finding>)];
  const ui = render(<ScanBrowser root="/src/project" findings={marked} readFile={() => null} onQuit={() => {}} />);
  await tick(60);
  const f = ui.lastFrame()!;
  expect(f).toContain("app.py:1 (comment)");
  expect(f).toContain("README.md:7 (docs)");
  expect(f).toMatch(/app\.py:3(?! \()/);
});

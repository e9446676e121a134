import { expect, test } from "bun:test";
import { body, b64 } from "./secrets/fake.ts";
import { maskSourceLine, sourceView, visibleControls, withheldLines } from "./source-lines.ts";

const begin = ["-----BEGIN", " RSA PRIVATE KEY-----"].join("");
const end = ["-----END", " RSA PRIVATE KEY-----"].join("");
const keyLines = [body(64, b64, 301), body(64, b64, 302), body(20, b64, 303)];

test("every line of a private key is withheld, BEGIN through END", () => {
  const lines = ['CA_URL = "https://pki.acme-health.com/ca"', `KEY = """${begin}`, ...keyLines, `${end}"""`, "requests.get(CA_URL)"];
  const all = new Set([2, 3, 4, 5, 6]);
  // From the line alone, and from the length the finding's value gives.
  expect(withheldLines(lines, [{ line: 2 }])).toEqual(all);
  // Any multi-line secret: as far as the length its value gives (here from the newline after BEGIN to END).
  const raw = `\n${keyLines.join("\n")}\n`;
  const plain = lines.map((l) => l.replace(begin, "-----BEGIN BLOCK-----"));
  expect(withheldLines(plain, [{ line: 2, column: plain[1].length + 1, value: `…[redacted ${raw.length} chars]` }])).toEqual(new Set([2, 3, 4, 5]));
  expect(withheldLines(plain, [{ line: 2 }])).toEqual(new Set([2]));
  // No END (the file was cut): to the last line.
  expect(withheldLines(lines.slice(0, 4), [{ line: 2 }])).toEqual(new Set([2, 3, 4]));
  // A one-line secret: its line only.
  expect(withheldLines(["a", 'k = "x"', "b"], [{ line: 2, column: 6, value: "…[redacted 1 chars]" }])).toEqual(new Set([2]));
});

test("a secret found on one line is masked on every other line shown", () => {
  const secret = ["Zq8Wm3Xr", "7Tn2Lp5Kv9Bc"].join("");
  const text = `API_KEY = "${secret}"\nrequests.get(sign(TOK, "${secret}"))\n`;
  const view = sourceView(text, [{ line: 1, column: 12, value: "…[redacted 20 chars]" }]);
  expect(view.line(1)).toBeNull();
  expect(view.line(2)).toBe('requests.get(sign(TOK, "…[redacted 20 chars]"))');
  // The URL parameters before the file's secrets: the URL is masked whole.
  expect(maskSourceLine(`u = "https://a.acme-health.com/cb#access_token=${secret}Yu&t=1"`, view.known)).toBe('u = "https://a.acme-health.com/cb#access_token=***&t=1"');
});

test("control characters are written out", () => {
  expect(visibleControls('x  # \r\x1b[2K\x1b[1A\x00\x7f\x9b\t"é')).toBe('x  # \\r\\x1b[2K\\x1b[1A\\x00\\x7f\\x9b\t"é');
  expect(visibleControls("plain")).toBe("plain");
});

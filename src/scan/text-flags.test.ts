import { expect, test } from "bun:test";
import { textFlags } from "./text-flags.ts";

test("the gates agree with direct searches on random text", () => {
  let seed = 5;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const alphabet = "0123456789.:/ a";
  for (let i = 0; i < 5000; i++) {
    let text = "";
    for (let j = 0, n = rnd() % 30; j < n; j++) text += alphabet[rnd() % alphabet.length];
    const f = textFlags(text);
    expect([text, f.scheme, f.doubleColon, f.dottedQuad]).toEqual([text, text.includes("://"), text.includes("::"), /\d\.\d{1,3}\.\d{1,3}\.\d/.test(text)]);
  }
});

test("rule flags are those of the secret rules", () => {
  const f = textFlags("token = 'x' and AKIA");
  expect(f.keywords.present.length).toBeGreaterThan(40);
  expect([...f.keywords.present].some((x) => x === 1)).toBe(true);
  expect([...textFlags("nothing here").keywords.present].every((x) => x === 0)).toBe(true);
});

test("host settings found with the gates are those found without them", async () => {
  const { extractEndpoints } = await import("./universal/urls.ts");
  const at = (o: number) => ({ line: 1, column: o });
  const texts = [
    "endpoint: db.acme.io\nserver = api.acme-health.com:8443\n",
    "# comment\nHOST:\n  cache.acme.io\nother: 1\n",
    "base_url = svc.acme.io   \nDOMAIN=acme.io\n",
    "hostname: not a host\nserver: x\n",
    "nothing here\n",
  ];
  for (const text of texts) {
    const gated = extractEndpoints(text, at, "yaml", textFlags(text));
    expect(gated).toEqual(extractEndpoints(text, at, "yaml"));
  }
  const two = "# comment\nHOST:\n  cache.acme.io\n";
  expect(extractEndpoints(two, at, "yaml", textFlags(two)).map((f) => f.value)).toEqual(["cache.acme.io"]);
});

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

test("quoted hostnames found from the automaton's hits are those found from every dot", async () => {
  const { extractEndpoints, quotedNames, quotedTldNames } = await import("./universal/urls.ts");
  const at = (o: number) => ({ line: 1, column: o });
  let seed = 11;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const tokens = ["'", "'", '"', "`", ".", ".", "com", "io", "COM", "py", "a", "api", "b-c", "_x", "1", "22", ":", ":443", ":123456", " ", "\n", "..", "x.y", "a.b", "c.com", "internal"];
  // Names sharing a quote: the one after a taken name is not taken, the one after that is.
  const fixed = ["'a.b'c.com'", "'a.b'c.d'e.com'", "'x.io'y.com'z.io'", "\"p.q:80\"r.com\""];
  for (let i = 0; i < 20_000 + fixed.length; i++) {
    let text = fixed[i - 20_000] ?? "";
    for (let j = 0, n = text ? 0 : 1 + (rnd() % 14); j < n; j++) text += tokens[rnd() % tokens.length];
    const flags = textFlags(text);
    const gated = extractEndpoints(text, at, "javascript", flags).filter((f) => f.kind === "host");
    const all = extractEndpoints(text, at, "javascript").filter((f) => f.kind === "host");
    expect([text, gated]).toEqual([text, all]);
    // The names themselves: every name quotedNames gives with a common TLD, no more.
    const tldNames = quotedNames(text).filter((n) => /\.(?:com|io|internal)$/i.test(n.name));
    expect([text, quotedTldNames(text, flags.quotedTldHits)]).toEqual([text, tldNames]);
  }
});

test("the full-form IPv6 gate from the automaton's hits answers as the loop over every colon", async () => {
  const { mayHoldFullV6 } = await import("./universal/urls.ts");
  let seed = 13;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
  const alphabet = "0aF1b::g 9E";
  let positives = 0;
  for (let i = 0; i < 20_000; i++) {
    let text = "";
    for (let j = 0, n = rnd() % 26; j < n; j++) text += alphabet[rnd() % alphabet.length];
    const all = mayHoldFullV6(text);
    expect([text, mayHoldFullV6(text, textFlags(text).hexColonHits)]).toEqual([text, all]);
    if (all) positives++;
  }
  expect(positives).toBeGreaterThan(100);
});

test("a long run of names sharing quotes stays linear and gives the same hosts", async () => {
  const { extractEndpoints } = await import("./universal/urls.ts");
  const at = (o: number) => ({ line: 1, column: o });
  const text = `x = '${Array.from({ length: 20_000 }, (_, i) => `h${i}.acme.com`).join("'")}'`;
  // Quadratic work here would run for minutes: the test's timeout is the check.
  const gated = extractEndpoints(text, at, "python", textFlags(text)).map((f) => f.value);
  expect(gated).toEqual(extractEndpoints(text, at, "python").map((f) => f.value));
  expect(gated.length).toBe(10_000);
});

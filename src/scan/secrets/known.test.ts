import { expect, test } from "bun:test";
import { knownSecretMasker } from "./known.ts";

const secret = ["Zq8Wm3Xr", "7Tn2Lp5Kv9Bc"].join("");
const shown = "…[redacted 20 chars]";

test("every occurrence is masked, the longest secret first", () => {
  const mask = knownSecretMasker([{ raw: secret.slice(0, 12), shown: "…[redacted 12 chars]" }, { raw: secret, shown }])!;
  expect(mask(`a/${secret}/b?x=${secret}`)).toBe(`a/${shown}/b?x=${shown}`);
  expect(mask(`${secret.slice(0, 12)}-`)).toBe("…[redacted 12 chars]-");
});

test("the start of a secret before a cut is masked too", () => {
  const mask = knownSecretMasker([{ raw: secret, shown }])!;
  expect(mask(`requests.get(sign(TOK, "${secret.slice(0, 16)}...)`)).toBe(`requests.get(sign(TOK, "${shown}...)`);
  expect(mask(`https://a.io/${secret.slice(0, 9)}…`)).toBe(`https://a.io/${shown}…`);
  expect(mask(`https://a.io/${secret.slice(0, 9)}{…}`)).toBe(`https://a.io/${shown}{…}`);
  // Too short a part to tell from chance.
  expect(mask(`x ${secret.slice(0, 3)}...`)).toBe(`x ${secret.slice(0, 3)}...`);
});

test("nothing to mask: short values are left alone", () => {
  expect(knownSecretMasker([])).toBeNull();
  expect(knownSecretMasker([{ raw: "abc", shown: "…[redacted 3 chars]" }])).toBeNull();
});

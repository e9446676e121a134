import { describe, expect, test } from "bun:test";
import { wildcardNames, csrfFor, decideAccess, generateToken, hostAllowed, hostNamesFor, isLoopback, originAllowed, readCookie, sameSecret, tokenCookieName, validToken, type AccessRequest } from "./security.ts";

const token = "tok-0123456789abcdefXYZ";
const hosts = hostNamesFor("127.0.0.1", 7777);
const base: AccessRequest = { method: "GET", host: "127.0.0.1:7777", origin: undefined, secFetchSite: undefined, cookie: undefined, authorization: undefined, queryToken: undefined };

describe("web security decisions", () => {
  test("host names for a loopback bind include the usual spellings, and only those", () => {
    expect(hosts.sort()).toEqual(["127.0.0.1:7777", "[::1]:7777", "localhost:7777"]);
    expect(hostNamesFor("192.168.1.5", 8080)).toEqual(["192.168.1.5:8080"]);
    expect(hostNamesFor("::1", 9)).toContain("[::1]:9");
    expect(hostAllowed("LOCALHOST:7777", hosts)).toBe(true);
    expect(hostAllowed("localhost", hosts)).toBe(false);
    expect(hostAllowed(undefined, hosts)).toBe(false);
  });

  test("on port 80 the bare host is accepted (browsers leave :80 out); other ports stay strict", () => {
    const on80 = hostNamesFor("127.0.0.1", 80);
    for (const h of ["127.0.0.1", "127.0.0.1:80", "localhost", "LOCALHOST:80", "[::1]", "[::1]:80"]) expect(hostAllowed(h, on80)).toBe(true);
    for (const h of ["evil.test", "evil.test:80", "127.0.0.1:8080", "127.0.0.2", "::1", "127.0.0.1:"]) expect(hostAllowed(h, on80)).toBe(false);
    expect(hostNamesFor("192.168.1.5", 80).sort()).toEqual(["192.168.1.5", "192.168.1.5:80"]);
    expect(hostAllowed("127.0.0.1", hostNamesFor("127.0.0.1", 8080))).toBe(false);
    // The browser's Origin for port 80 has no port either.
    expect(originAllowed("http://127.0.0.1", on80)).toBe(true);
    expect(originAllowed("http://127.0.0.1:80", on80)).toBe(true);
    expect(originAllowed("http://evil.test", on80)).toBe(false);
    expect(decideAccess({ ...base, host: "127.0.0.1", cookie: `trustrun_token_80=${token}` }, token, on80)).toEqual({ ok: true, via: "cookie" });
    expect(wildcardNames("0.0.0.0").length && hostNamesFor("0.0.0.0", 80, wildcardNames("0.0.0.0"))).toContain("localhost");
  });

  test("a wildcard bind accepts the machine's own addresses", () => {
    expect(wildcardNames("127.0.0.1")).toEqual([]);
    const names = hostNamesFor("0.0.0.0", 80, wildcardNames("0.0.0.0"));
    expect(names).toContain("127.0.0.1:80");
    expect(names).toContain("localhost:80");
    expect(names).not.toContain("evil.test:80");
  });

  test("origin: absent is fine, anything but this server is not", () => {
    expect(originAllowed(undefined, hosts)).toBe(true);
    expect(originAllowed("http://127.0.0.1:7777", hosts)).toBe(true);
    expect(originAllowed("http://localhost:7777", hosts)).toBe(true);
    for (const o of ["null", "http://evil.test", "https://127.0.0.1:7777", "http://127.0.0.1:7778", "http://127.0.0.1.evil.test:7777", "", "::::"]) {
      expect(originAllowed(o, hosts)).toBe(false);
    }
  });

  test("access: token by cookie, bearer or query; host and origin first", () => {
    expect(decideAccess(base, token, hosts)).toMatchObject({ ok: false, status: 401 });
    expect(decideAccess({ ...base, cookie: `a=b; trustrun_token_7777=${token}` }, token, hosts)).toEqual({ ok: true, via: "cookie" });
    expect(decideAccess({ ...base, authorization: `Bearer ${token}` }, token, hosts)).toEqual({ ok: true, via: "bearer" });
    expect(decideAccess({ ...base, queryToken: token }, token, hosts)).toEqual({ ok: true, via: "query" });
    expect(decideAccess({ ...base, authorization: "Bearer nope", cookie: `trustrun_token_7777=${token}` }, token, hosts)).toMatchObject({ ok: false, status: 401 });
    expect(decideAccess({ ...base, host: "evil.test:7777", cookie: `trustrun_token_7777=${token}` }, token, hosts)).toMatchObject({ ok: false, status: 400 });
    expect(decideAccess({ ...base, origin: "http://evil.test", cookie: `trustrun_token_7777=${token}` }, token, hosts)).toMatchObject({ ok: false, status: 403 });
    expect(decideAccess({ ...base, secFetchSite: "cross-site", cookie: `trustrun_token_7777=${token}` }, token, hosts)).toMatchObject({ ok: false, status: 403 });
    expect(decideAccess({ ...base, cookie: `trustrun_token_7777=${token.slice(0, -1)}` }, token, hosts)).toMatchObject({ ok: false });
  });

  test("the token cookie is named per port: another server's cookie on the same host is not this one's", () => {
    expect(tokenCookieName("127.0.0.1:7777")).toBe("trustrun_token_7777");
    expect(tokenCookieName("[::1]:8080")).toBe("trustrun_token_8080");
    expect(tokenCookieName("localhost")).toBe("trustrun_token_80");
    const other = "another-servers-token-abcdef";
    // Both cookies arrive (browsers ignore the port): each server reads its own.
    const both = `trustrun_token_7778=${other}; trustrun_token_7777=${token}`;
    expect(decideAccess({ ...base, cookie: both }, token, hosts)).toEqual({ ok: true, via: "cookie" });
    expect(decideAccess({ ...base, host: "127.0.0.1:7778", cookie: both }, other, hostNamesFor("127.0.0.1", 7778))).toEqual({ ok: true, via: "cookie" });
    expect(decideAccess({ ...base, cookie: `trustrun_token_7778=${token}` }, token, hosts)).toMatchObject({ ok: false, status: 401 });
  });

  test("tokens and helpers", () => {
    const t = generateToken();
    expect(validToken(t)).toBe(true);
    expect(generateToken()).not.toBe(t);
    expect(validToken("short")).toBe(false);
    expect(validToken("has space in it 0123456789")).toBe(false);
    expect(csrfFor(t)).not.toBe(csrfFor(generateToken()));
    expect(csrfFor(t)).toBe(csrfFor(t));
    expect(sameSecret(undefined, "x")).toBe(false);
    expect(sameSecret("ab", "abc")).toBe(false);
    expect(readCookie("a=1; b = 2;c", "b")).toBe("2");
    expect(readCookie("", "b")).toBeUndefined();
    expect(isLoopback("127.3.4.5")).toBe(true);
    expect(isLoopback("[::1]")).toBe(true);
    expect(isLoopback("0.0.0.0")).toBe(false);
    expect(isLoopback("127.0.0.1.evil.test")).toBe(false);
  });

  test("malformed headers never throw", () => {
    for (const junk of ["", "=", ";;;", "trustrun_token", "\u0000", "a=b=c", "%%%", "x".repeat(10000)]) {
      expect(() => decideAccess({ ...base, cookie: junk, origin: junk, authorization: junk, host: junk }, token, hosts)).not.toThrow();
    }
  });
});

test("random header bytes never throw and never grant access", () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const pieces = ["trustrun_token_7777=", token.slice(0, 5), ";", "=", " ", "Bearer ", "http://", "127.0.0.1:7777", "\u0000", "%", "[", "]", ":"];
  for (let i = 0; i < 2000; i++) {
    const junk = () => Array.from({ length: Math.floor(rnd() * 8) }, () => pieces[Math.floor(rnd() * pieces.length)]).join("");
    const d = decideAccess({ ...base, cookie: junk(), authorization: junk(), origin: junk(), queryToken: junk() }, token, hosts);
    expect(d.ok).toBe(false);
  }
});

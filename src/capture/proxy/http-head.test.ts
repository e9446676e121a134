import { describe, expect, test } from "bun:test";
import {
  clientResponseHead, findHeadEnd, wantsClose, headerRecord, isWebSocketUpgrade, parseAuthority, parseRequestHead, parseResponseHead,
  requestDestination, requestFraming, responseFraming, upstreamRequestHead,
} from "./http-head.ts";
import { createChunkedDecoder } from "./chunked.ts";
import { renderBody, redactBodyText } from "./body.ts";

const enc = (s: string) => new TextEncoder().encode(s);

describe("http heads", () => {
  test("WebSocket upgrades: asked for with Connection and Upgrade, kept in both heads; other upgrades dropped", () => {
    const ws = parseRequestHead("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: keep-alive, Upgrade\r\nUpgrade: WebSocket\r\nSec-WebSocket-Key: k\r\n\r\n")!;
    expect(isWebSocketUpgrade(ws.headers)).toBe(true);
    const up = upstreamRequestHead(ws, "/ws", "a", false, true);
    expect(up).toContain("Upgrade: websocket\r\nConnection: Upgrade\r\n");
    expect(up).toContain("Sec-WebSocket-Key: k");
    expect(up).not.toContain("keep-alive");
    const h2c = parseRequestHead("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n")!;
    expect(isWebSocketUpgrade(h2c.headers)).toBe(false);
    expect(upstreamRequestHead(h2c, "/", "a")).not.toMatch(/upgrade/i);
    expect(isWebSocketUpgrade(parseRequestHead("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n")!.headers)).toBe(false); // no Connection: upgrade
    const sw = parseResponseHead("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n")!;
    expect(isWebSocketUpgrade(sw.headers)).toBe(true);
    const back = clientResponseHead(sw, false, true);
    expect(back).toMatch(/^HTTP\/1\.1 101 Switching Protocols\r\n/);
    expect(back).toContain("Sec-WebSocket-Accept: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
  });
  test("request head and destination", () => {
    const h = parseRequestHead("GET http://API.example.com:8080/v1/x?q=1 HTTP/1.1\r\nHost: api.example.com\r\nX-A: 1\r\nX-A: 2\r\n\r\n")!;
    expect(h.method).toBe("GET");
    expect(requestDestination(h, null)).toEqual({ host: "api.example.com", port: 8080, path: "/v1/x?q=1", tls: false });
    expect(headerRecord(h.headers)).toEqual({ host: "api.example.com", "x-a": "1, 2" });
    expect(requestDestination(parseRequestHead("GET /p HTTP/1.1\r\n\r\n")!, { host: "h", port: 443, tls: true })!.path).toBe("/p");
    expect(requestDestination(parseRequestHead("GET /p HTTP/1.1\r\n\r\n")!, null)).toBeNull();
  });

  test("refuses smuggling shapes and folding", () => {
    const both = parseRequestHead("POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n")!;
    expect(requestFraming(both)).toBeNull();
    expect(requestFraming(parseRequestHead("POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n")!)).toBeNull();
    expect(requestFraming(parseRequestHead("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n")!)).toBeNull();
    expect(requestFraming(parseRequestHead("POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\n")!)).toEqual({ kind: "length", length: 5 });
    expect(parseRequestHead("GET / HTTP/1.1\r\nX: a\r\n folded\r\n\r\n")).toBeNull();
    expect(parseRequestHead("GET / HTTP/1.1\nX: a\r\n\r\n")).toBeNull();
    expect(parseRequestHead("GET / HTTP/2.0\r\n\r\n")).toBeNull();
  });

  test("upstream head drops hop-by-hop headers and closes", () => {
    const h = parseRequestHead("GET http://a/x HTTP/1.1\r\nHost: a\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\nProxy-Authorization: Basic abc\r\nAccept: */*\r\n\r\n")!;
    const out = upstreamRequestHead(h, "/x", "a");
    expect(out).toBe("GET /x HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\n");
    expect(upstreamRequestHead(h, "/x", "a", true)).toEndWith("Connection: close\r\n\r\n");
    expect(wantsClose("HTTP/1.0", [])).toBe(true);
    expect(wantsClose("HTTP/1.1", [["Connection", "Keep-Alive, Close"]])).toBe(true);
    expect(wantsClose("HTTP/1.1", [])).toBe(false);
    const r = parseResponseHead("HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\n")!;
    expect(clientResponseHead(r)).toBe("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n");
    expect(responseFraming(r, "HEAD")).toEqual({ kind: "none" });
    expect(responseFraming(parseResponseHead("HTTP/1.1 200 OK\r\n\r\n")!, "GET")).toEqual({ kind: "close" });
  });

  test("authority", () => {
    expect(parseAuthority("Example.COM.:443", 443)).toEqual({ host: "example.com", port: 443 });
    expect(parseAuthority("[::1]:8443", 443)).toEqual({ host: "::1", port: 8443 });
    expect(parseAuthority("a:0", 443)).toBeNull();
    expect(parseAuthority("a:99999", 443)).toBeNull();
    expect(parseAuthority("user@a:1", 443)).toBeNull();
  });

  test("findHeadEnd across pushes", () => {
    const b = enc("GET / HTTP/1.1\r\nA: b\r\n\r\nBODY");
    expect(findHeadEnd(b)).toBe(b.length - 4);
    expect(findHeadEnd(enc("GET / HTTP/1.1\r\n\r"))).toBe(-1);
  });
});

describe("chunked decoder", () => {
  test("decodes across arbitrary splits and stops at the end", () => {
    const wire = "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\nNEXT";
    for (let cut = 0; cut < wire.length; cut++) {
      const d = createChunkedDecoder();
      const a = d.push(enc(wire.slice(0, cut)));
      const b = d.push(enc(wire.slice(cut)));
      const text = [...a.data, ...b.data].map((x) => new TextDecoder().decode(x)).join("");
      expect(text).toBe("hello world");
      expect(b.done || a.done).toBe(true);
      expect(a.consumed + b.consumed).toBe(wire.length - 4);
    }
  });

  test("malformed framing is an error, never an exception", () => {
    for (const bad of ["zz\r\n", "5\r\nhello!!\r\n", "5\nhello", "1".repeat(5000), "0\r\nbad trailer\r\n"]) {
      const s = createChunkedDecoder().push(enc(bad));
      expect(s.done).toBe(false);
      if (bad !== "1".repeat(5000)) expect(s.error).toBeDefined();
    }
  });
});

describe("fuzz: parsers never throw", () => {
  let seed = 12345;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const alphabet = "GET POST CONNECT HTTP/1.1 \r\n:;0123456789abcdefABCDEF-_/?#[]@ \t\x00\xff";
  const sample = "POST http://a.b:80/x HTTP/1.1\r\nHost: a.b\r\nTransfer-Encoding: chunked\r\nContent-Length: 1\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
  test("random and truncated inputs", () => {
    for (let i = 0; i < 3000; i++) {
      let s: string;
      if (i % 2) s = sample.slice(0, Math.floor(rnd() * sample.length));
      else s = Array.from({ length: Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join("");
      const h = parseRequestHead(s);
      if (h) {
        requestFraming(h);
        requestDestination(h, null);
        upstreamRequestHead(h, "/", "x");
      }
      const r = parseResponseHead(s);
      if (r) responseFraming(r, "GET");
      parseAuthority(s, 443);
      findHeadEnd(enc(s));
      createChunkedDecoder().push(enc(s));
      renderBody(enc(s), s.length, rnd() < 0.5, [["content-encoding", rnd() < 0.5 ? "gzip" : "identity"]]);
    }
  });
});

describe("bodies", () => {
  test("JSON secrets and tokens redacted; binary described", () => {
    expect(redactBodyText('{"user":"a","api_key":"abc123","nested":{"password": "x y"}}')).toBe('{"user":"a","api_key":"[REDACTED]","nested":{"password": "[REDACTED]"}}');
    expect(renderBody(new Uint8Array([0, 1, 2]), 3, false, [["content-type", "image/png"]])).toBe("[3 bytes of image/png]");
    expect(renderBody(enc("abc"), 10, true, [["content-encoding", "gzip"]])).toContain("truncated");
  });
});

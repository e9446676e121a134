import { describe, expect, test } from "bun:test";
import { createLineSplitter, decodeLine, MAX_LINE_BYTES } from "./protocol.ts";

const good = [
  { t: "hello", pid: 10, ts: 1, ppid: 1, runtime: "node", version: "v20.0.0", nodeVersion: "v20.0.0", execPath: "/usr/bin/node", argv: ["node", "x.js"], execArgv: [], nodeOptions: [], flagAnomalies: [{ flag: "--inspect", why: "x" }], frozenIntrinsics: false, cwd: "/tmp" },
  { t: "connect", pid: 10, ts: 2, host: "api.example.com", port: 443, sni: "api.example.com", pkg: "telemetry-lib", chain: ["telemetry-lib", "app"], via: "tls" },
  { t: "request", pid: 10, ts: 3, via: "fetch", host: "api.example.com", port: 443, method: "POST", path: "/v1/:id", headerNames: ["authorization"], pkg: "app", n: 1 },
  { t: "dns", pid: 10, ts: 4, name: "api.example.com", answers: ["1.2.3.4"] },
  { t: "child", pid: 10, ts: 5, api: "spawn", file: "sh", argv: ["sh", "-c", "id"], shell: true, pkg: "app", serving: true, anomalies: ["shell"] },
  { t: "integrity", pid: 10, ts: 6, changes: [{ what: "fetch", detail: "replaced" }] },
  { t: "loop", pid: 10, ts: 7, p50: 0.1, p99: 2, max: 3, stalls: 0, samples: 100 },
  { t: "ask", pid: 10, ts: 8, id: 1, host: "x.example", port: 80, pkg: "app" },
  { t: "error", pid: 10, ts: 9, where: "connect", message: "boom" },
];

describe("decodeLine", () => {
  test("decodes every message kind", () => {
    for (const m of good) {
      const d = decodeLine(JSON.stringify(m));
      expect(d?.t).toBe(m.t as never);
      expect(d?.pid).toBe(10);
    }
  });

  test("a child started without the agent says why", () => {
    const d = decodeLine(JSON.stringify({ ...good[4], uninstrumented: "Node permission model (--permission)" }));
    expect(d?.t === "child" && d.uninstrumented).toBe("Node permission model (--permission)");
    const plain = decodeLine(JSON.stringify(good[4]));
    expect(plain?.t === "child" && "uninstrumented" in plain).toBe(false);
  });

  test("rejects missing or wrong-typed required fields", () => {
    expect(decodeLine(JSON.stringify({ ...good[1], port: 0 }))).toBeNull();
    expect(decodeLine(JSON.stringify({ ...good[1], port: 70000 }))).toBeNull();
    expect(decodeLine(JSON.stringify({ ...good[1], host: 5 }))).toBeNull();
    expect(decodeLine(JSON.stringify({ ...good[1], pid: -1 }))).toBeNull();
    expect(decodeLine(JSON.stringify({ ...good[1], pid: "10" }))).toBeNull();
    expect(decodeLine(JSON.stringify({ ...good[0], runtime: "deno" }))).toBeNull();
    expect(decodeLine(JSON.stringify({ ...good[7], id: 1.5 }))).toBeNull();
    expect(decodeLine(JSON.stringify({ t: "nope", pid: 1, ts: 1 }))).toBeNull();
    expect(decodeLine("[]")).toBeNull();
    expect(decodeLine("null")).toBeNull();
    expect(decodeLine("")).toBeNull();
    expect(decodeLine("x".repeat(MAX_LINE_BYTES + 1))).toBeNull();
  });

  test("bounds lists and strings from the untrusted side", () => {
    const d = decodeLine(JSON.stringify({ ...good[2], headerNames: Array.from({ length: 100 }, (_, i) => `h${i}`), path: "/" + "a".repeat(1000) }));
    expect(d?.t).toBe("request");
    if (d?.t === "request") {
      expect(d.headerNames.length).toBe(64);
      expect(d.path.length).toBe(512);
    }
    const c = decodeLine(JSON.stringify({ ...good[1], chain: [1, {}, "a", null], verdict: "kill" }));
    if (c?.t === "connect") {
      expect(c.chain).toEqual(["a"]);
      expect(c.verdict).toBeNull();
    }
  });

  test("fuzz: truncated, mutated and random lines never throw", () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = '{}[]":,0123456789abcdefghijklmnopqrstuvwxyz\\ \u0000\u00ff\ud800-e.';
    for (let i = 0; i < 5000; i++) {
      const base = JSON.stringify(good[i % good.length]);
      let line: string;
      switch (i % 4) {
        case 0: line = base.slice(0, Math.floor(rnd() * base.length)); break;
        case 1: {
          const at = Math.floor(rnd() * base.length);
          line = base.slice(0, at) + alphabet[Math.floor(rnd() * alphabet.length)] + base.slice(at + 1);
          break;
        }
        case 2: line = Array.from({ length: Math.floor(rnd() * 200) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(""); break;
        default: line = base.replace(/"[a-z]+":/, `"${"__proto__"}":`);
      }
      expect(() => decodeLine(line)).not.toThrow();
    }
  });
});

describe("createLineSplitter", () => {
  test("joins lines split across chunks and drops overlong ones whole", () => {
    const lines: string[] = [];
    const push = createLineSplitter((l) => lines.push(l));
    push('{"a":');
    push("1}\n{\"b\"");
    push(":2}\n\n");
    push("x".repeat(MAX_LINE_BYTES + 10));
    push("still the long line\nafter\n");
    expect(lines).toEqual(['{"a":1}', '{"b":2}', "after"]);
  });

  test("handles multi-byte characters split between chunks", () => {
    const lines: string[] = [];
    const push = createLineSplitter((l) => lines.push(l));
    const bytes = new TextEncoder().encode("héllo\n");
    push(bytes.slice(0, 2));
    push(bytes.slice(2));
    expect(lines).toEqual(["héllo"]);
  });
});

import { describe, expect, test } from "bun:test";
import { loadAgentHelpers } from "./agent-module.ts";

const agent = loadAgentHelpers();

describe("packageFromPath", () => {
  test("innermost node_modules package, scoped names, app code, internals", () => {
    expect(agent.packageFromPath("/srv/app/node_modules/axios/lib/http.js")).toBe("axios");
    expect(agent.packageFromPath("/srv/app/node_modules/@scope/pkg/index.js")).toBe("@scope/pkg");
    expect(agent.packageFromPath("/srv/app/node_modules/a/node_modules/b/x.js")).toBe("b");
    expect(agent.packageFromPath("/srv/app/node_modules/.pnpm/got@1.0.0/node_modules/got/x.js")).toBe("got");
    expect(agent.packageFromPath("file:///srv/app/node_modules/ky/index.mjs")).toBe("ky");
    expect(agent.packageFromPath("/srv/app/src/main.js")).toBe("app");
    expect(agent.packageFromPath("C:\\app\\node_modules\\x\\i.js")).toBe("x");
    expect(agent.packageFromPath("node:internal/net")).toBeNull();
    expect(agent.packageFromPath("native")).toBeNull();
    expect(agent.packageFromPath("")).toBeNull();
    expect(agent.packageFromPath(undefined)).toBeNull();
  });
});

describe("templatePath", () => {
  test("ids are templated and query values dropped", () => {
    expect(agent.templatePath("/users/123/orders/550e8400-e29b-41d4-a716-446655440000?b=2&a=1&a=3")).toBe("/users/:id/orders/:id?a&b");
    expect(agent.templatePath("/v1/chat/completions")).toBe("/v1/chat/completions");
    expect(agent.templatePath("/files/deadbeefdeadbeefdeadbeef#frag")).toBe("/files/:id");
    expect(agent.templatePath("/patients/john@example.com")).toBe("/patients/:id");
    expect(agent.templatePath("/")).toBe("/");
    expect(agent.templatePath(null)).toBeNull();
  });
});

describe("URL split without a parser (fetch fast path)", () => {
  const plain = [
    "http://127.0.0.1:8080/bench/item", "https://api.example.com/v1/chat/completions?stream=true&x=%20y",
    "http://a.com", "http://a.com?x=1", "http://a.com#frag", "http://A.Example.COM:80/Path/x.json", "http://[::1]:3000/x?y",
    "https://a.com/users/42/orders?b=2&a=1#top", "http://a_b.internal:9/file.tar.gz",
  ];
  test("gives what the URL parser gives for plain URLs", () => {
    for (const href of plain) {
      const end = agent.urlOriginEnd(href);
      expect(end).toBeGreaterThan(0);
      const u = new URL(href);
      expect(new URL(href.slice(0, end)).host).toBe(u.host);
      expect(agent.urlPlainPath(href, end)).toBe(u.pathname + u.search);
    }
  });
  test("leaves to the parser what it would rewrite", () => {
    for (const href of ["HTTP://a.com/", "http://user:pw@a.com/", "http://a%2ecom/", "ws://a.com/", "http:///x", "/relative", "http://a.com\\x"]) {
      expect(agent.urlOriginEnd(href)).toBe(-1);
    }
    for (const href of ["http://a.com/x/../y", "http://a.com/%2e%2e/y", "http://a.com/.well-known/x", "http://a.com/a b", "http://a.com/a\\b", "http://a.com/x?q='1'", "http://a.com/é", "http://a.com/{x}"]) {
      expect(agent.urlPlainPath(href, agent.urlOriginEnd(href))).toBeNull();
    }
  });
});

describe("flags and NODE_OPTIONS", () => {
  test("splitNodeOptions follows Node's quoting", () => {
    expect(agent.splitNodeOptions('--require "/tmp/a b/agent.cjs"  --no-warnings')).toEqual(["--require", "/tmp/a b/agent.cjs", "--no-warnings"]);
    expect(agent.splitNodeOptions('--title="x \\"y\\""')).toEqual(['--title=x "y"']);
    expect(agent.splitNodeOptions("")).toEqual([]);
  });
  test("flagAnomalies names risky flags only", () => {
    const got = agent.flagAnomalies(["--inspect", "--inspect-brk=0", "--allow-natives-syntax", "--no-deprecation", "--max-old-space-size=100", "--frozen-intrinsics", "--insecure-http-parser", "--expose-internals"]);
    expect(got.map((g) => g.flag)).toEqual(["--inspect", "--inspect-brk=0", "--allow-natives-syntax", "--no-deprecation", "--insecure-http-parser", "--expose-internals"]);
  });
});

describe("loading without the environment", () => {
  test("requiring the agent outside a target patches nothing", async () => {
    const net = await import("node:net");
    const before = net.Socket.prototype.connect;
    loadAgentHelpers();
    expect(net.Socket.prototype.connect).toBe(before);
  });
});

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

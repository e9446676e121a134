import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAgentHelpers } from "./agent-module.ts";
import { appendNodeOption, isJsRuntimeCommand, prepareSentinel, runtimeFromShebang } from "./inject.ts";

describe("isJsRuntimeCommand", () => {
  test("runtimes and package managers", () => {
    expect(isJsRuntimeCommand(["node", "x.js"])).toBe("node");
    expect(isJsRuntimeCommand(["/opt/node-v22/bin/node", "x.js"])).toBe("node");
    expect(isJsRuntimeCommand(["npm", "run", "start"])).toBe("node");
    expect(isJsRuntimeCommand(["npx", "tsx"])).toBe("node");
    expect(isJsRuntimeCommand(["pnpm", "dev"])).toBe("node");
    expect(isJsRuntimeCommand(["yarn"])).toBe("node");
    expect(isJsRuntimeCommand(["bun", "run", "x.ts"])).toBe("bun");
    expect(isJsRuntimeCommand(["env", "A=1", "bun", "x.ts"])).toBe("bun");
    expect(isJsRuntimeCommand(["python3", "x.py"])).toBeNull();
    expect(isJsRuntimeCommand(["curl", "https://x"])).toBeNull();
    expect(isJsRuntimeCommand([])).toBeNull();
  });
  test("scripts with a node or bun shebang", () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-shebang-"));
    try {
      const a = join(dir, "tool");
      writeFileSync(a, "#!/usr/bin/env node\nconsole.log(1)\n");
      chmodSync(a, 0o755);
      const b = join(dir, "sh-tool");
      writeFileSync(b, "#!/bin/sh\necho 1\n");
      expect(isJsRuntimeCommand([a])).toBe("node");
      expect(isJsRuntimeCommand([b])).toBeNull();
      expect(isJsRuntimeCommand([join(dir, "missing")])).toBeNull();
      expect(runtimeFromShebang("#!/usr/bin/env -S bun run\n")).toBe("bun");
      expect(runtimeFromShebang("#!/usr/local/bin/node --enable-source-maps\n")).toBe("node");
      expect(runtimeFromShebang("no shebang")).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("prepareSentinel", () => {
  test("appends to NODE_OPTIONS in a form Node parses back", () => {
    const agent = loadAgentHelpers();
    const v = appendNodeOption('--max-old-space-size=100 --title="a b"', "--require", '/tmp/we"ird/agent.cjs');
    expect(agent.splitNodeOptions(v)).toEqual(["--max-old-space-size=100", "--title=a b", "--require", '/tmp/we"ird/agent.cjs']);
  });

  test("writes a private agent and policy, and cleans up", async () => {
    const p = await prepareSentinel({ runtime: "node", baseEnv: { NODE_OPTIONS: "--no-warnings", BUN_OPTIONS: "--smol" } });
    try {
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
      expect(statSync(p.agentPath).mode & 0o777).toBe(0o600);
      expect(statSync(join(p.dir, "policy.json")).mode & 0o777).toBe(0o600);
      expect(p.env.NODE_OPTIONS).toBe(`--no-warnings --require "${p.agentPath}"`);
      expect(p.env.BUN_OPTIONS).toBe(`--smol --preload=${p.agentPath}`);
      expect(p.env.TRUSTRUN_SENTINEL_DIR).toBe(p.dir);
      expect(await Bun.file(p.agentPath).text()).toContain("TRUSTRUN_SENTINEL_DIR");
    } finally {
      await p.cleanup();
    }
    expect(existsSync(p.dir)).toBe(false);
  });

  test("learning mode without holding becomes allow", async () => {
    const p = await prepareSentinel({ runtime: "bun", policy: { enforce: true, defaultAction: "ask", askFallback: "deny", rules: [] } });
    try {
      expect(JSON.parse(await Bun.file(join(p.dir, "policy.json")).text()).defaultAction).toBe("allow");
    } finally {
      await p.cleanup();
    }
  });
});

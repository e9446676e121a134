import { describe, expect, test } from "bun:test";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadAgentHelpers } from "./agent-module.ts";
import { isJsRuntimeCommand, prependNodeOption, prepareSentinel, runtimeFromShebang, SentinelNotInjected, sentinelBlockedReason, splitNodeOptions } from "./inject.ts";

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
  test("puts the agent first in NODE_OPTIONS, in a form Node parses back", () => {
    const agent = loadAgentHelpers();
    const v = prependNodeOption('--max-old-space-size=100 --title="a b"', "--require", '/tmp/we"ird/agent.cjs');
    expect(agent.splitNodeOptions(v)).toEqual(["--require", '/tmp/we"ird/agent.cjs', "--max-old-space-size=100", "--title=a b"]);
    expect(splitNodeOptions(v)).toEqual(["--require", '/tmp/we"ird/agent.cjs', "--max-old-space-size=100", "--title=a b"]);
    // A trailing backslash or an unbalanced quote in the user's part cannot reach the agent's option.
    expect(splitNodeOptions(prependNodeOption("--max-old-space-size=200 \\", "--require", "/tmp/a b\\c/agent.cjs")).slice(0, 2)).toEqual(["--require", "/tmp/a b\\c/agent.cjs"]);
    expect(splitNodeOptions(prependNodeOption('--title="x', "--require", "/tmp/a/agent.cjs")).slice(0, 2)).toEqual(["--require", "/tmp/a/agent.cjs"]);
    expect(prependNodeOption(undefined, "--require", "/a")).toBe('--require "/a"');
    expect(prependNodeOption("  ", "--require", "/a")).toBe('--require "/a"');
  });

  test("Node loads the agent's option whatever the user's NODE_OPTIONS ends with, and whatever the path holds", () => {
    const node = Bun.which("node");
    if (!node) return;
    const dir = mkdtempSync(join(tmpdir(), 'trustrun inject "q" '));
    try {
      const pre = join(dir, 'pre \\ "x".cjs');
      writeFileSync(pre, "process.stdout.write('preloaded ')");
      for (const user of ["--max-old-space-size=200 \\", "--no-warnings", "", 'stray --no-warnings']) {
        const r = Bun.spawnSync([node, "-e", "process.stdout.write('ran')"], { env: { PATH: process.env.PATH ?? "", NODE_OPTIONS: prependNodeOption(user, "--require", pre) }, stdout: "pipe", stderr: "pipe" });
        expect([user, r.stdout.toString()]).toEqual([user, "preloaded ran"]);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("writes a private agent and policy, and cleans up", async () => {
    const p = await prepareSentinel({ runtime: "node", baseEnv: { NODE_OPTIONS: "--no-warnings", BUN_OPTIONS: "--smol" } });
    try {
      expect(statSync(p.dir).mode & 0o777).toBe(0o700);
      expect(statSync(p.agentPath).mode & 0o777).toBe(0o600);
      expect(statSync(join(p.dir, "policy.json")).mode & 0o777).toBe(0o600);
      expect(p.env.NODE_OPTIONS).toBe(`--require "${p.agentPath}" --no-warnings`);
      expect(p.env.BUN_OPTIONS).toBe(`--preload=${p.agentPath} --smol`);
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

describe("commands the agent must not be loaded into", () => {
  test("Node's permission model in the command, after env, on a #! line, or in NODE_OPTIONS", () => {
    expect(sentinelBlockedReason(["node", "--experimental-permission", "--allow-fs-read=/srv", "app.cjs"], {})).toContain("--experimental-permission");
    expect(sentinelBlockedReason(["/opt/node22/bin/node", "--allow-fs-read", "/srv", "--permission", "app.js"], {})).toContain("--permission");
    expect(sentinelBlockedReason(["node", "-r", "x.cjs", "--permission", "app.js"], {})).toContain("--permission");
    expect(sentinelBlockedReason(["env", "A=1", "node", "--permission", "app.js"], {})).toContain("--permission");
    expect(sentinelBlockedReason(["env", 'NODE_OPTIONS=--permission --allow-fs-read=*', "node", "app.js"], {})).toContain("--permission");
    expect(sentinelBlockedReason(["node", "app.js"], { NODE_OPTIONS: '--title="a b" --experimental-permission' })).toContain("--experimental-permission");
    expect(sentinelBlockedReason(["bun", "app.ts"], { NODE_OPTIONS: "--permission" })).toContain("permission model");
    // The script's own arguments, a quoted title and other flags are not the permission model.
    expect(sentinelBlockedReason(["node", "app.js", "--permission"], {})).toBeNull();
    expect(sentinelBlockedReason(["node", "-e", "0", "--", "--permission"], {})).toBeNull();
    expect(sentinelBlockedReason(["node", "app.js"], { NODE_OPTIONS: '--title="--permission"' })).toBeNull();
    expect(sentinelBlockedReason(["node", "--no-permission-warnings-here", "app.js"], {})).toBeNull();
    expect(sentinelBlockedReason(["npm", "start"], {})).toBeNull();
    const dir = mkdtempSync(join(tmpdir(), "trustrun-shebang-"));
    try {
      const tool = join(dir, "tool");
      writeFileSync(tool, "#!/usr/bin/env -S node --permission --allow-fs-read=.\nconsole.log(1)\n");
      chmodSync(tool, 0o755);
      expect(sentinelBlockedReason([tool], {})).toContain("--permission");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("prepareSentinel says why instead of injecting", async () => {
    let err: unknown = null;
    try {
      await prepareSentinel({ runtime: "node", argv: ["node", "--permission", "app.js"], baseEnv: {} });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SentinelNotInjected);
    expect((err as SentinelNotInjected).reason).toContain("permission model (--permission)");
    expect((err as Error).message).toBe((err as SentinelNotInjected).reason);
    await expect(prepareSentinel({ runtime: "node", baseEnv: { NODE_OPTIONS: "--experimental-permission" } })).rejects.toBeInstanceOf(SentinelNotInjected);
    const ok = await prepareSentinel({ runtime: "node", argv: ["node", "app.js"], baseEnv: {} });
    await ok.cleanup();
  });
});

// The single binary needs nothing from the source tree: with node_modules hidden (a private
// mount namespace mounts an empty tmpfs over it) and run from another directory, it still
// loads its embedded presets, grammars, eBPF object and agent.
import { describe, expect, test } from "bun:test";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "./helpers.ts";

const nodeModules = join(import.meta.dir, "../../node_modules");
const why = !haveBinary ? `${BIN} not built` : process.getuid?.() !== 0 ? "hiding node_modules needs root (mount namespace)" : Bun.which("unshare") ? null : "unshare is missing";
if (why) console.warn(`skipping standalone binary test: ${why}`);

describe.skipIf(why !== null)("the binary without node_modules", () => {
  test("policy, scan (tree-sitter) and run (probes) work from a copy in another directory", () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-standalone-"));
    const bin = join(dir, "trustrun");
    copyFileSync(BIN, bin);
    const src = join(dir, "src");
    Bun.spawnSync(["mkdir", "-p", src]);
    writeFileSync(join(src, "app.py"), 'import openai\nclient = openai.OpenAI()\nresp = client.chat.completions.create(model="gpt-4o", messages=[])\n');
    const script = [
      `mount -t tmpfs none ${nodeModules}`,
      `test -z "$(ls ${nodeModules})" || exit 99`,
      `cd ${dir}`,
      `${bin} policy check api.openai.com --preset public-ai-apis --json; echo "rc=$?"`,
      `${bin} scan ${src} --json --no-store --fail-on none`,
      `${bin} run --log ${dir}/run.ndjson -- true 2>/dev/null; head -1 ${dir}/run.ndjson`,
    ].join("\n");
    const r = Bun.spawnSync(["unshare", "-m", "--propagation", "private", "sh", "-c", script], { stdout: "pipe", stderr: "pipe", env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir } });
    const out = r.stdout.toString();
    expect(r.exitCode).toBe(0);
    expect(out).toContain('"verdict":"block"');
    expect(out).toContain("rc=1");
    expect(out).toMatch(/"host":\s*"api.openai.com"/); // the openai SDK default, found by the tree-sitter analyzer
    expect(out).toMatch(/\{"type":"session","phase":"start".*"complete":true/);
  });
});

// A stand-alone monitor for tests that kill it: prepares the sentinel, prints the environment
// as one JSON line, then keeps reading until killed (or, with "stall", never reads at all).
import { writeFileSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import agentSource from "../../src/sentinel/agent.cjs" with { type: "text" };
import { mkfifo, openFifoHolder } from "../../src/sentinel/fifo.ts";
import { prepareSentinel } from "../../src/sentinel/inject.ts";

const mode = process.argv[2] ?? "read";
if (mode === "stall") {
  // The pipe exists and has a reader that never reads: the target's writes hit EAGAIN.
  const dir = mkdtempSync(join(tmpdir(), "trustrun-sentinel-stall-"));
  writeFileSync(join(dir, "agent.cjs"), agentSource);
  writeFileSync(join(dir, "policy.json"), JSON.stringify({ enforce: false, defaultAction: "allow", askFallback: "allow", rules: [] }));
  mkfifo(join(dir, "signals"));
  openFifoHolder(join(dir, "signals"));
  const agent = join(dir, "agent.cjs");
  console.log(JSON.stringify({ dir, env: { TRUSTRUN_SENTINEL_DIR: dir, NODE_OPTIONS: `--require "${agent}"`, BUN_OPTIONS: `--preload=${agent}` } }));
} else {
  const p = await prepareSentinel({ runtime: "node", baseEnv: {} });
  let n = 0;
  p.channel.onSignal(() => n++);
  console.log(JSON.stringify({ dir: p.dir, env: p.env }));
}
setInterval(() => {}, 1000); // stay alive until killed

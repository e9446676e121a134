// `npm test`: typecheck, build the binary, then bun test over unit tests (src/**) and
// cross-module and binary smoke tests (test/**). Ends with one line "N passed, N failed".
import { $ } from "bun";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = new URL("..", import.meta.url).pathname;
process.chdir(root);

function step(name: string) {
  console.log(`\n== ${name}`);
}

step("typecheck");
const tsc = await $`${process.execPath} x tsc --noEmit -p .`.nothrow();
if (tsc.exitCode !== 0) {
  console.log("typecheck failed");
  console.log("0 passed, 1 failed");
  process.exit(1);
}

step("build dist/trustrun");
const build = await $`${process.execPath} scripts/build.ts`.nothrow();
if (build.exitCode !== 0) {
  console.log("0 passed, 1 failed");
  process.exit(1);
}

step("bun test");
const extra = process.argv.slice(2);
// Every temporary file of the run goes under one directory (TMPDIR), removed when all tests pass
// and kept for a look when one fails. 0755: tests running as an unprivileged user reach into it.
const runDir = mkdtempSync(join(tmpdir(), "trustrun-test-run-"));
chmodSync(runDir, 0o755);
const proc = Bun.spawn([process.execPath, "test", ...extra], {
  cwd: root,
  stdout: "inherit",
  stderr: "pipe",
  // Tests never touch the user's ~/.trustrun.
  env: { ...process.env, TMPDIR: runDir, TRUSTRUN_BIN: `${root}dist/trustrun`, TRUSTRUN_HOME: mkdtempSync(join(runDir, "trustrun-test-home-")) },
});
// bun test writes its report to stderr; pass it through and keep the totals.
let tail = "";
const decoder = new TextDecoder();
const reader = proc.stderr.getReader();
for (;;) {
  const { done, value } = await reader.read();
  if (done) break;
  const text = decoder.decode(value);
  process.stderr.write(text);
  tail = (tail + text).slice(-4000);
}
const code = await proc.exited;
const pass = Number(tail.match(/^\s*(\d+) pass/m)?.[1] ?? 0);
const fail = Number(tail.match(/^\s*(\d+) fail/m)?.[1] ?? (code === 0 ? 0 : 1));
const skip = Number(tail.match(/^\s*(\d+) skip/m)?.[1] ?? 0);
const ok = code === 0 && fail === 0;
let kept = !ok || Boolean(process.env.TRUSTRUN_KEEP_TEST_TMP);
if (!kept) {
  try {
    rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    console.log(`\ncould not remove ${runDir}: ${(err as Error).message}`);
    kept = true;
  }
}
if (kept) console.log(`\ntemporary files of this run kept in ${runDir}`);
console.log(`\n${pass} passed, ${fail} failed${skip ? `, ${skip} skipped` : ""}`);
process.exit(ok ? 0 : 1);

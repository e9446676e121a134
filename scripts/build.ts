// Builds the single executable dist/trustrun with `bun build --compile`.
// Flags: --production (React's production build), --bytecode (faster start), ESM; bunfig/.env
// autoload off so a user's files in the working directory never change the binary's behaviour.
import { $ } from "bun";
import pkg from "../package.json" with { type: "json" };

const root = new URL("..", import.meta.url).pathname;
const out = `${root}dist/trustrun`;
const commit = (await $`git -C ${root} rev-parse --short HEAD`.quiet().nothrow()).stdout.toString().trim() || "unknown";
const started = performance.now();

const args = [
  "build", "--compile", "--production", "--bytecode", "--format=esm",
  "--no-compile-autoload-dotenv", "--no-compile-autoload-bunfig",
  `--define`, `TRUSTRUN_VERSION=${JSON.stringify(pkg.version)}`,
  `--define`, `TRUSTRUN_BUILD=${JSON.stringify(commit)}`,
  "--outfile", out,
  `${root}src/index.ts`,
  // Worker entry points must be entry points of the compiled build too (scan's parser workers).
  `${root}src/scan/worker.ts`,
];
const proc = Bun.spawn([process.execPath, ...args], { cwd: root, stdout: "inherit", stderr: "inherit" });
const code = await proc.exited;
if (code !== 0) {
  console.error(`build failed (exit ${code})`);
  process.exit(code);
}
const size = Bun.file(out).size;
console.log(`built ${out} (${(size / 1e6).toFixed(1)} MB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);

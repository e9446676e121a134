// Scan throughput: builds a tree from installed npm packages plus the Python standard library in
// a temp dir, then times `trustrun scan` in regex-only and full (regex + tree-sitter) modes.
//   bun bench/scan.ts [--with-secretlint] [--binary dist/trustrun] [--keep] [--rounds N (default 3)]
//                     [--copies N (default 1): the tree N times over, to see large inputs where workers start]
// --with-secretlint installs secretlint + the recommended preset into a temp dir (never the
// project) and runs it over the same tree: time ratio and findings of each tool.
import { $ } from "bun";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join, resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const withSecretlint = args.includes("--with-secretlint");
const keep = args.includes("--keep");
const copies = args.includes("--copies") ? Math.max(1, Math.min(8, Number(args[args.indexOf("--copies") + 1]) || 1)) : 1;
const rounds = args.includes("--rounds") ? Math.max(1, Math.min(21, Number(args[args.indexOf("--rounds") + 1]) || 3)) : 3;
// Absolute: the scans run with the tree as their working directory.
const binArg = args.includes("--binary") ? resolve(args[args.indexOf("--binary") + 1]) : join(root, "dist/trustrun");

const packages = ["typescript", "hono", "ink", "react", "zod", "yaml", "web-tree-sitter"];
const pyCandidates = ["/root/.pyenv/versions/3.11.7/lib/python3.11", ...(existsSync("/usr/lib") ? readdirSync("/usr/lib").filter((d) => /^python3\.\d+$/.test(d)).map((d) => `/usr/lib/${d}`) : [])];
const pyLib = pyCandidates.find((p) => existsSync(join(p, "os.py")));

function treeSize(dir: string): { files: number; bytes: number } {
  let files = 0;
  let bytes = 0;
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) {
        files++;
        bytes += statSync(p).size;
      }
    }
  }
  return { files, bytes };
}

const tree = mkdtempSync(join(tmpdir(), "trustrun-bench-scan-"));
console.log(`building the tree in ${tree}`);
const base = join(tree, copies > 1 ? "copy1" : "");
for (const p of packages) {
  const src = join(root, "node_modules", p);
  // Not named node_modules: secretlint never looks inside node_modules, and both tools must see the same files.
  if (existsSync(src)) cpSync(src, join(base, "packages", p), { recursive: true, dereference: false });
}
if (pyLib) {
  const skip = new Set(["site-packages", "__pycache__", "test", "lib-dynload", "idlelib", "config-3.11-x86_64-linux-gnu"]);
  mkdirSync(join(base, "python"), { recursive: true });
  cpSync(pyLib, join(base, "python"), { recursive: true, filter: (s) => !skip.has(s.slice(s.lastIndexOf("/") + 1)) });
} else console.log("no Python standard library found; npm packages only");
for (let c = 2; c <= copies; c++) cpSync(base, join(tree, `copy${c}`), { recursive: true });
const size = treeSize(tree);
console.log(`tree: ${size.files} files, ${(size.bytes / 1e6).toFixed(1)} MB (${packages.join(", ")}${pyLib ? `, ${pyLib}` : ""}); ${availableParallelism()} CPUs`);

async function timeRead(): Promise<number> {
  const t = performance.now();
  const stack = [tree];
  while (stack.length) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isFile()) await Bun.file(p).bytes();
    }
  }
  return performance.now() - t;
}

interface Run {
  label: string;
  ms: number;
  cpuMs: number;
  files: number;
  bytes: number;
  findings: number;
  secrets: number;
  parsed: number;
  workers: number;
}

async function runScan(label: string, extra: string[]): Promise<Run> {
  const useBin = existsSync(binArg);
  const cmd = useBin ? [binArg, "scan", tree, "--json", "--fail-on", "none", ...extra] : [process.execPath, join(root, "src/index.ts"), "scan", tree, "--json", "--fail-on", "none", ...extra];
  const t = performance.now();
  const proc = Bun.spawn(cmd, { stdout: "pipe", stderr: "pipe", cwd: tree });
  const [out, , code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  const ms = performance.now() - t;
  const usage = proc.resourceUsage();
  const cpuMs = usage ? Number(usage.cpuTime.user + usage.cpuTime.system) / 1000 : NaN;
  if (code !== 0) throw new Error(`${label}: scan exited ${code}`);
  const j = JSON.parse(out);
  return {
    label,
    ms,
    cpuMs,
    files: j.stats.files,
    bytes: j.stats.bytes,
    findings: j.findings.length,
    secrets: j.findings.filter((f: { kind: string }) => f.kind === "secret").length,
    parsed: j.stats.parsed ?? 0,
    workers: j.stats.workers ?? 0,
  };
}

function show(r: Run): void {
  const s = r.ms / 1000;
  console.log(
    `${r.label.padEnd(30)} ${s.toFixed(2).padStart(7)} s  ${(r.bytes / 1e6 / s).toFixed(1).padStart(7)} MB/s  ${Math.round(r.files / s).toString().padStart(7)} files/s  ` +
      `cpu ${(r.cpuMs / 1000).toFixed(2)} s (${(r.bytes / 1e6 / (r.cpuMs / 1000)).toFixed(1)} MB per cpu-s)  ${r.findings} findings (${r.secrets} secrets), ${r.parsed} files parsed, ${r.workers} workers`,
  );
}

await timeRead(); // warm the page cache
const readMs = await timeRead();
console.log(`load average: ${(await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")} (other work on the machine slows every figure)`);
console.log(`reading every file alone: ${(size.bytes / 1e6 / (readMs / 1000)).toFixed(0)} MB/s`);
console.log("MB/s below = bytes scanned (binary and oversized files excluded) / wall time");
console.log(`scanner: ${existsSync(binArg) ? binArg : "bun src/index.ts"} (wall time includes process start)`);
// Modes run interleaved, `rounds` times each; the median run of each mode is shown.
const modes: Array<[string, string[]]> = [
  ["regex-only (default workers)", ["--regex-only"]],
  // Without the SQLite write of every finding: the scan itself.
  ["regex-only, --no-store", ["--regex-only", "--no-store"]],
  // Defaults: one worker per 64 MB of input; the same with one worker forced, for comparison.
  ["regex-only, one worker", ["--regex-only", "--workers", "1"]],
  ["full, one worker", ["--workers", "1"]],
  ["full (default workers)", []],
];
const runs = new Map<string, Run[]>(modes.map(([label]) => [label, []]));
for (let r = 0; r < rounds; r++) for (const [label, extra] of modes) runs.get(label)!.push(await runScan(label, extra));
const median = (label: string): Run => {
  const sorted = [...runs.get(label)!].sort((a, b) => a.ms - b.ms);
  return sorted[Math.floor(sorted.length / 2)];
};
console.log(`medians of ${rounds} interleaved rounds:`);
for (const [label] of modes) show(median(label));
const regex = median("regex-only (default workers)");
const full = median("full (default workers)");

if (withSecretlint) {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-secretlint-"));
  console.log(`installing secretlint into ${dir}`);
  await $`npm init -y`.cwd(dir).quiet();
  await $`npm install --no-audit --no-fund secretlint @secretlint/secretlint-rule-preset-recommend`.cwd(dir).quiet();
  writeFileSync(join(tree, ".secretlintrc.json"), JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));
  const t = performance.now();
  const report = join(dir, "report.json");
  const sl = Bun.spawn(
    [join(dir, "node_modules/.bin/secretlint"), "--format", "json", "--output", report, "--secretlintrc", join(tree, ".secretlintrc.json"), "--secretlintignore", "/dev/null", "**/*"],
    { cwd: tree, stdout: "pipe", stderr: "pipe" },
  );
  const [, errText, code] = await Promise.all([new Response(sl.stdout).text(), new Response(sl.stderr).text(), sl.exited]);
  const ms = performance.now() - t;
  let count = 0;
  let slFiles = 0;
  try {
    const files = JSON.parse(await Bun.file(report).text());
    slFiles = files.length;
    for (const file of files) count += file.messages?.length ?? 0;
  } catch {
    count = -1;
    console.log(`secretlint exited ${code}: ${errText.slice(0, 300)}`);
  }
  console.log(`secretlint read ${slFiles} files`);
  console.log(`${"secretlint recommended".padEnd(30)} ${(ms / 1000).toFixed(2).padStart(7)} s  ${(size.bytes / 1e6 / (ms / 1000)).toFixed(1).padStart(7)} MB/s  ${count} findings`);
  console.log(`time ratio secretlint / trustrun: ${(ms / regex.ms).toFixed(1)}x (regex-only), ${(ms / full.ms).toFixed(1)}x (full); secrets: trustrun ${full.secrets}, secretlint ${count}`);
  rmSync(dir, { recursive: true, force: true });
}
if (!keep) rmSync(tree, { recursive: true, force: true });

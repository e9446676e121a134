// How the regex pass grows with a long line: each fragment (every secret rule's keywords and
// samples, URL and address pieces) repeated into one line of 50 kB and of 200 kB, both timed in one
// run. Work linear in the line's length grows about 4× between the two; a search that runs from
// each match to the end or start of the line grows about 16×.
//   bun bench/scan-growth.ts [--size BYTES (default 50000)] [--top N (default 8)]
import { regexPass } from "../src/scan/file-scan.ts";
import { maskSecrets } from "../src/scan/secrets/detect.ts";
import { secretRules } from "../src/scan/secrets/rules/index.ts";

const args = process.argv.slice(2);
const size = args.includes("--size") ? Math.max(5_000, Math.min(2_000_000, Number(args[args.indexOf("--size") + 1]) || 50_000)) : 50_000;
const top = args.includes("--top") ? Math.max(1, Number(args[args.indexOf("--top") + 1]) || 8) : 8;

const fragments = new Set<string>([
  "https://api.acme.io/c?next=", "jdbc:mysql://db/d?user=a&password=", "postgres://u:p@", "mongodb+srv://", "://", "?password=",
  "curl -u a:b ", "mysql ", "docker login ", "-----BEGIN RSA PRIVATE KEY-----", "?sv=2020-01-01&sig=",
  "10.20.30.40,", "::", "a:b:", "[::1]:", "\"api.acme.io\",", "host: db.acme.io\n", "1.2.3.", "version 1.2.3.4 ",
]);
for (const r of secretRules) {
  for (const k of r.keywords) fragments.add(`${k}="abcDEF123456ghiJKL" `);
  for (const t of r.truePositives) fragments.add(t.replace(/\n/g, " "));
  for (const t of r.falsePositives) fragments.add(t.replace(/\n/g, " "));
}

const time = (f: () => unknown) => {
  const s = performance.now();
  f();
  return performance.now() - s;
};
const rows: Array<{ what: string; fragment: string; small: number; big: number; ratio: number }> = [];
const started = performance.now();
for (const fragment of fragments) {
  const small = fragment.repeat(Math.ceil(size / fragment.length));
  const big = fragment.repeat(Math.ceil((4 * size) / fragment.length));
  for (const [what, run] of [
    ["regex pass", (t: string) => regexPass(t, "text")],
    ["masking", (t: string) => maskSecrets(t)],
  ] as const) {
    run(small); // warm the JIT on this shape
    const a = time(() => run(small));
    const b = time(() => run(big));
    // Below a few ms the clock and the collector decide the ratio: floor the small time.
    rows.push({ what, fragment, small: a, big: b, ratio: b / Math.max(a, 2) });
  }
}
rows.sort((x, y) => y.ratio - x.ratio);
// The median over the runs long enough to measure (5 ms at the larger size).
const measured = rows.filter((r) => r.big >= 5).map((r) => r.ratio).sort((x, y) => x - y);
console.log(`${fragments.size} fragments × 2 passes, one line of ${size / 1000} kB and of ${(4 * size) / 1000} kB each (${((performance.now() - started) / 1000).toFixed(1)} s)`);
console.log(
  `growth for 4× the length: median ${(measured[measured.length >> 1] ?? 0).toFixed(1)}× over the ${measured.length} runs of 5 ms or more, ` +
    `max ${rows[0].ratio.toFixed(1)}× (linear ≈ 4×, quadratic ≈ 16×)`,
);
console.log(`largest growth:`);
for (const r of rows.slice(0, top)) {
  console.log(`  ${r.ratio.toFixed(1).padStart(5)}×  ${r.what.padEnd(10)} ${r.small.toFixed(1).padStart(7)} ms → ${r.big.toFixed(1).padStart(7)} ms  ${JSON.stringify(r.fragment).slice(0, 60)}`);
}

// Fixture projects for the scan tests: copied to a temp dir, plus the files that cannot be
// committed (ignored by git, symlinks, secrets assembled at run time, huge or deep trees).
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { secretRules } from "../../src/scan/secrets/rules/index.ts";
import { body, fake, urlsafe } from "../../src/scan/secrets/fake.ts";

export const fixturesDir = new URL("./fixtures/", import.meta.url).pathname;
export const goldenDir = new URL("./golden/", import.meta.url).pathname;
export const policyFile = new URL("./policy.yaml", import.meta.url).pathname;

/** Fixture names with golden files. "secrets-app" exists only at run time. */
export const goldenFixtures = ["python-app", "js-app", "ts-app", "r-analysis", "notebooks", "negatives", "walker", "secrets-app"];

function secretsApp(dir: string): void {
  mkdirSync(join(dir, "config"), { recursive: true });
  // One line per rule sample: every rule must fire on its own file line.
  const lines = secretRules.map((r) => `# ${r.id}\n${r.truePositives[0]}`);
  writeFileSync(join(dir, "config", "samples.txt"), lines.join("\n") + "\n");
  writeFileSync(
    join(dir, "settings.py"),
    [
      "import os",
      `OPENAI_API_KEY = "${fake("sk-proj-", body(58, urlsafe, 501), "T3Blbk", "FJ", body(58, urlsafe, 502))}"`,
      `DATABASE_URL = "postgres://svc:${fake("Hq7", body(14, undefined, 503))}@db.acme-health.com:5432/phi"`,
      'SAFE = os.environ["OPENAI_API_KEY"]',
      "",
    ].join("\n"),
  );
  writeFileSync(join(dir, ".env"), `ANTHROPIC_API_KEY=${fake("sk-ant-", "api03-", body(93, urlsafe, 504), "AA")}\nDEBUG=true\n`);
}

function walkerExtras(dir: string): void {
  mkdirSync(join(dir, "build"), { recursive: true });
  writeFileSync(join(dir, "build", "out.js"), "fetch('https://ignored-by-gitignore.acme-health.com')\n");
  writeFileSync(join(dir, "debug.log"), "https://ignored-log.acme-health.com\n");
  mkdirSync(join(dir, "sub", "generated"), { recursive: true });
  writeFileSync(join(dir, "sub", "generated", "x.py"), "URL = 'https://ignored-nested.acme-health.com'\n");
  // Symlinks: one out of the root (skipped), one loop (not followed twice), one inside.
  symlinkSync("/etc", join(dir, "etc-link"));
  symlinkSync("/etc/hostname", join(dir, "outside-file-link"));
  symlinkSync(".", join(dir, "sub", "loop"));
  symlinkSync("does-not-exist", join(dir, "broken-link"));
  // Deep nesting.
  let deep = join(dir, "deep");
  for (let i = 0; i < 60; i++) deep = join(deep, `d${i}`);
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(deep, "leaf.py"), "requests.get('https://deep-leaf.acme-health.com/x')\n");
  // Too large for the default --max-file-size in the golden run (set to 200 kB there).
  writeFileSync(join(dir, "huge.txt"), "x".repeat(300_000));
  // Minified JS: regex pass only, never parsed.
  writeFileSync(join(dir, "bundle.min.js"), `!function(){${"var a=1;".repeat(20_000)}fetch("https://min.acme-health.com/a")}();`);
}

/** Copies a fixture to a fresh temp dir (with its run-time extras); returns the path. */
export function materialize(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `trustrun-scan-${name}-`));
  if (name === "secrets-app") secretsApp(dir);
  else cpSync(join(fixturesDir, name), dir, { recursive: true });
  if (name === "walker") walkerExtras(dir);
  return dir;
}

export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export const fixtureOptions = (name: string) => ({ maxFileSize: name === "walker" ? 200_000 : undefined });

import { describe, expect, test } from "bun:test";
import { $ } from "bun";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { walk } from "./walker.ts";

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-walk-"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

const layout: Record<string, string> = {
  ".gitignore": "*.log\n!keep.log\nbuild/\n/top-only.txt\ndocs/**/*.tmp\n",
  "a.py": "x",
  "keep.log": "x",
  "drop.log": "x",
  "build/x.js": "x",
  "top-only.txt": "x",
  "sub/top-only.txt": "x",
  "sub/.gitignore": "*.py\n!important.py\n",
  "sub/s.py": "x",
  "sub/important.py": "x",
  "sub/deeper/d.py": "x",
  "sub/deeper/.gitignore": "!d.py\n",
  "docs/a/b/c.tmp": "x",
  "docs/a/b/c.md": "x",
  "Mixed.CASE": "x",
  "mixed.case.log": "x",
};

describe("walker", () => {
  test("matches git ls-files -co --exclude-standard", async () => {
    const dir = tree(layout);
    try {
      const git = await $`git init -q . && git ls-files -co --exclude-standard`.cwd(dir).quiet().nothrow();
      if (git.exitCode !== 0) {
        console.log("git not available: comparing against the expected list only");
      }
      const ours = (await walk(dir, { maxFileSize: 1e6 })).files.map((f) => f.rel).sort();
      const expected = [
        ".gitignore", "Mixed.CASE", "a.py", "docs/a/b/c.md", "keep.log", "sub/.gitignore", "sub/deeper/.gitignore",
        "sub/deeper/d.py", "sub/important.py", "sub/top-only.txt",
      ];
      expect(ours).toEqual(expected);
      if (git.exitCode === 0) expect(ours).toEqual(git.stdout.toString().trim().split("\n").sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("include, exclude, .trustrunignore, size limit, no-gitignore", async () => {
    const dir = tree({ ...layout, ".trustrunignore": "a.py\n", "big.txt": "y".repeat(5000) });
    try {
      const only = (await walk(dir, { maxFileSize: 1e6, include: ["*.py"] })).files.map((f) => f.rel);
      expect(only).toEqual(["sub/deeper/d.py", "sub/important.py"]);
      const ex = (await walk(dir, { maxFileSize: 1e6, exclude: ["sub/"] })).files.map((f) => f.rel);
      expect(ex.some((f) => f.startsWith("sub/"))).toBe(false);
      const small = await walk(dir, { maxFileSize: 1000 });
      expect(small.skipped).toContainEqual({ file: "big.txt", reason: "too large (5000 bytes > 1000)" });
      const all = (await walk(dir, { maxFileSize: 1e6, gitignore: false })).files.map((f) => f.rel);
      expect(all).toContain("drop.log");
      expect(all).not.toContain("a.py"); // .trustrunignore still applies
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("brace lists in --include/--exclude; include patterns that match no file; bad patterns throw", async () => {
    const dir = tree({ "a.py": "x", "b.js": "x", "c.R": "x", "d/e.ts": "x" });
    try {
      const r = await walk(dir, { maxFileSize: 1e6, include: ["**/*.{py,js}", "*.rs", "!c.R"] });
      expect(r.files.map((f) => f.rel)).toEqual(["a.py", "b.js"]);
      expect(r.unmatchedIncludes).toEqual(["*.rs"]);
      const ex = await walk(dir, { maxFileSize: 1e6, exclude: ["*.{py,R}"] });
      expect(ex.files.map((f) => f.rel)).toEqual(["b.js", "d/e.ts"]);
      expect(ex.unmatchedIncludes).toEqual([]);
      await expect(walk(dir, { maxFileSize: 1e6, include: ["["] })).rejects.toThrow("--include '[' is not a valid pattern");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("fifos and sockets are never opened", async () => {
    const dir = tree({ "a.txt": "x" });
    try {
      await $`mkfifo ${join(dir, "pipe")}`.quiet();
      const r = await walk(dir, { maxFileSize: 1e6 });
      expect(r.files.map((f) => f.rel)).toEqual(["a.txt"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

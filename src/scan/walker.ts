// Lists the files to scan like `git ls-files -co --exclude-standard` (tracked + untracked, minus
// .gitignore, .git/info/exclude) plus .trustrunignore, --include/--exclude. Never follows a
// symlink out of the root; never throws on unreadable entries (they are reported as skipped).
import ignore, { type Ignore } from "ignore";
// Synchronous calls: one await per directory entry cost more than the walk itself (65 ms vs
// 18 ms on 2,800 files); a walk never waits on anything else.
import { readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { join, sep } from "node:path";
import { preparePatterns } from "./globs.ts";
import { binaryExtensions } from "./languages.ts";
import type { SkippedFile } from "./types.ts";

export interface WalkOptions {
  include?: string[];
  exclude?: string[];
  maxFileSize: number;
  gitignore?: boolean;
}

export interface WalkedFile {
  abs: string;
  rel: string; // forward slashes, relative to the root
  size: number;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: SkippedFile[];
  /** --include patterns (as given) that matched no file to scan. */
  unmatchedIncludes: string[];
}

const ignoreFiles = [".gitignore", ".trustrunignore"];
const alwaysSkipDirs = new Set([".git", ".hg", ".svn"]);

interface Layer {
  dirRel: string; // "" for the root, "a/b" otherwise
  ig: Ignore;
}

function readIgnore(path: string): string | null {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
}

/** Deepest layer with an opinion wins, as in git (a later, deeper rule overrides). */
function ignoredBy(layers: Layer[], rel: string, isDir: boolean): boolean {
  for (let i = layers.length - 1; i >= 0; i--) {
    const { dirRel, ig } = layers[i];
    const sub = dirRel ? rel.slice(dirRel.length + 1) : rel;
    const r = ig.test(isDir ? `${sub}/` : sub);
    if (r.ignored) return true;
    if (r.unignored) return false;
  }
  return false;
}

const toPosix = (p: string) => (sep === "/" ? p : p.split(sep).join("/"));

export async function walk(root: string, opts: WalkOptions): Promise<WalkResult> {
  const files: WalkedFile[] = [];
  const skipped: SkippedFile[] = [];
  const rootReal = realpathSync(root);
  const inRoot = (p: string) => p === rootReal || p.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
  // Bad patterns are errors (an unclosed "[" would silently match nothing); brace lists expand.
  const includes = preparePatterns(opts.include ?? [], "--include");
  const excludes = preparePatterns(opts.exclude ?? [], "--exclude");
  const include = includes.all.length ? ignore({ ignorecase: false }).add(includes.all) : null;
  const exclude = excludes.all.length ? ignore({ ignorecase: false }).add(excludes.all) : null;
  // Each include pattern that has not matched a file yet, on its own: tested per file only until
  // it matches, so a typo is reported and the usual case costs nothing.
  let unmatched = includes.given
    .filter((g) => !/^\s*(?:#|!|$)/.test(g.pattern))
    .map((g) => ({ pattern: g.pattern, ig: ignore({ ignorecase: false }).add(g.expanded) }));
  const useGit = opts.gitignore !== false;

  const rootLayer = ignore({ ignorecase: false });
  const infoExclude = useGit ? readIgnore(join(root, ".git", "info", "exclude")) : null;
  if (infoExclude) rootLayer.add(infoExclude);

  // Explicit stack: deep trees never overflow the call stack.
  const stack: Array<{ abs: string; rel: string; layers: Layer[] }> = [{ abs: root, rel: "", layers: [{ dirRel: "", ig: rootLayer }] }];
  while (stack.length) {
    const dir = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(dir.abs, { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? "error";
      // Nothing at all can be scanned: an error, not a clean report.
      if (dir.rel === "") throw new Error(`cannot read the directory ${root}: ${code}`);
      skipped.push({ file: dir.rel, reason: `unreadable directory: ${code}` });
      continue;
    }
    let layers = dir.layers;
    for (const name of ignoreFiles) {
      if (name === ".gitignore" && !useGit) continue;
      // Only read what the listing holds: a failed read per directory (an exception each) cost
      // more than the rest of the walk.
      if (!entries.some((e) => e.name === name)) continue;
      const text = readIgnore(join(dir.abs, name));
      if (text === null) continue;
      if (dir.rel === "") rootLayer.add(text);
      else layers = [...layers, { dirRel: dir.rel, ig: ignore({ ignorecase: false }).add(text) }];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: typeof stack = [];
    for (const entry of entries) {
      const abs = join(dir.abs, entry.name);
      const rel = dir.rel ? `${dir.rel}/${entry.name}` : toPosix(entry.name);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (isDir && alwaysSkipDirs.has(entry.name)) continue;
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(abs);
        } catch {
          skipped.push({ file: rel, reason: "broken symlink" });
          continue;
        }
        if (!inRoot(target)) {
          skipped.push({ file: rel, reason: "symlink outside the root" });
          continue;
        }
        // Inside the root the target is scanned under its own path (as git lists it): no
        // duplicates, no loops.
        continue;
      }
      if (ignoredBy(layers, rel, isDir)) continue;
      if (isDir) {
        if (exclude?.ignores(`${rel}/`)) continue;
        subdirs.push({ abs, rel, layers });
        continue;
      }
      if (!isFile) continue; // sockets, fifos, devices
      if (exclude?.ignores(rel)) continue;
      if (include && !include.ignores(rel)) continue;
      if (unmatched.length) unmatched = unmatched.filter((u) => !u.ig.ignores(rel));
      const dot = entry.name.lastIndexOf(".");
      if (dot > 0 && binaryExtensions.has(entry.name.slice(dot + 1).toLowerCase())) {
        skipped.push({ file: rel, reason: "binary (by extension)" });
        continue;
      }
      let size: number;
      try {
        size = statSync(abs).size;
      } catch (err) {
        skipped.push({ file: rel, reason: `unreadable: ${(err as NodeJS.ErrnoException).code ?? "error"}` });
        continue;
      }
      if (size > opts.maxFileSize) {
        skipped.push({ file: rel, reason: `too large (${size} bytes > ${opts.maxFileSize})` });
        continue;
      }
      files.push({ abs, rel, size });
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i]);
  }
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return { files, skipped, unmatchedIncludes: unmatched.map((u) => u.pattern) };
}

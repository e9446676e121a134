// Where a finding sits: in code, in a comment, or in documentation. Decided per finding from the
// file's name and the text just before the finding, never by parsing: the start of its line (a
// line comment, a JSDoc ` * ` line, a comment after code), a bounded look back for an open block
// comment or a Python docstring, and per file for documentation files, notebooks' markdown cells and
// R Markdown / Quarto prose. Mistakes lean towards `code`: a finding the look cannot place counts.

export type FindingContext = "code" | "comment" | "docs";

interface CommentSyntax {
  /** Line comment markers. */
  line: readonly string[];
  /** `#` (and `;`) start a comment only at the line's start or after white space (YAML, shell, INI). */
  spaceBefore?: boolean;
  /** Block comments, opening and closing token. */
  block?: readonly (readonly [string, string])[];
  /** C-like: a line starting with `*` is inside a block comment (JSDoc, Javadoc). */
  star?: boolean;
  /** Python: triple-quoted docstrings are documentation. */
  docstrings?: boolean;
}

const cBlock = [["/*", "*/"]] as const;
const hash: CommentSyntax = { line: ["#"], spaceBefore: true };
const python: CommentSyntax = { line: ["#"], docstrings: true };
const cLike: CommentSyntax = { line: ["//"], block: cBlock, star: true };
const phpLike: CommentSyntax = { line: ["//", "#"], block: cBlock, star: true };
const hcl: CommentSyntax = { line: ["#", "//"], block: cBlock };
const css: CommentSyntax = { line: [], block: cBlock, star: true };
const sql: CommentSyntax = { line: ["--"], block: cBlock };
const lua: CommentSyntax = { line: ["--"], block: [["--[[", "]]"]] };
const haskell: CommentSyntax = { line: ["--"], block: [["{-", "-}"]] };
const markup: CommentSyntax = { line: [], block: [["<!--", "-->"]] };
const ini: CommentSyntax = { line: ["#", ";"], spaceBefore: true };
const properties: CommentSyntax = { line: ["#", "!"], spaceBefore: true };
const powershell: CommentSyntax = { line: ["#"], spaceBefore: true, block: [["<#", "#>"]] };
const tex: CommentSyntax = { line: ["%"] };

const syntaxByExt: Record<string, CommentSyntax> = {
  py: python, pyi: python, pyw: python, pyx: python,
  sh: hash, bash: hash, zsh: hash, ksh: hash, fish: hash, yaml: hash, yml: hash, toml: hash, r: hash, rb: hash,
  pl: hash, pm: hash, tcl: hash, cmake: hash, mk: hash, make: hash, dockerfile: hash, env: hash, conf: hash,
  nix: hash, ex: hash, exs: hash, jl: hash, nim: hash, cr: hash, coffee: hash, gitignore: hash, bzl: hash,
  js: cLike, mjs: cLike, cjs: cLike, jsx: cLike, ts: cLike, mts: cLike, cts: cLike, tsx: cLike, java: cLike,
  go: cLike, c: cLike, h: cLike, cc: cLike, cpp: cLike, cxx: cLike, hpp: cLike, hh: cLike, hxx: cLike, cs: cLike,
  kt: cLike, kts: cLike, scala: cLike, sc: cLike, swift: cLike, rs: cLike, dart: cLike, groovy: cLike,
  gradle: cLike, m: cLike, mm: cLike, proto: cLike, sol: cLike, zig: cLike, v: cLike, jsonc: cLike, json5: cLike,
  scss: cLike, less: cLike, vue: cLike, svelte: cLike, fs: cLike, php: phpLike,
  tf: hcl, tfvars: hcl, hcl: hcl, css,
  sql, lua, hs: haskell,
  html: markup, htm: markup, xhtml: markup, xml: markup, svg: markup, xsd: markup, xsl: markup, xslt: markup,
  wsdl: markup, plist: markup, csproj: markup, vbproj: markup, props: markup, targets: markup, config: markup,
  ini, cfg: ini, properties, ps1: powershell, psm1: powershell, tex: tex, sty: tex,
};
const syntaxByName: Record<string, CommentSyntax> = {
  dockerfile: hash, makefile: hash, gnumakefile: hash, "cmakelists.txt": hash, rakefile: hash, gemfile: hash,
  vagrantfile: hash, procfile: hash, jenkinsfile: cLike, ".gitignore": hash, ".dockerignore": hash,
  ".npmrc": ini, ".editorconfig": ini, ".gitconfig": ini, ".bashrc": hash, ".profile": hash, ".zshrc": hash,
};

// Documentation: prose formats, man pages, TypeScript declaration files.
const docsExt = new Set(["license", "licence", "notice", "copying", "md", "markdown", "mdx", "mkd", "mdown", "rst", "txt", "text", "adoc", "asciidoc", "asc", "textile", "rdoc", "pod", "texi", "texinfo", "man", "mdoc", "me", "ms"]);
const docsName = /^(?:readme|changelog|changes|history|news|authors|contributors|contributing|license|licence|copying|notice|install|todo|faq|security|code_of_conduct)(?:\.[a-z]+)?$/i;
// Data, whatever the file is named (todo.json, news.csv).
const dataExt = new Set(["json", "jsonl", "ndjson", "csv", "tsv", "lock", "sqlite", "db"]);
// Plain text that configures rather than documents.
const notDocsTxt = /^(?:.*requirements.*|constraints.*|cmakelists|pip|pipfile|robots)\.txt$/i;

/** How a file's findings are placed: by its path alone. */
export interface FileContext {
  /** The whole file is documentation. */
  docs: boolean;
  syntax: CommentSyntax | null;
  /** Notebooks and R Markdown / Quarto: prose and code interleave (see placeBlocks). */
  blocks: "notebook" | "rmarkdown" | null;
}

/**
 * By the file's path, and for a script without a known extension by its `#!` line (`text`, when
 * given): `#!/bin/sh`, `#!/usr/bin/env python3`.
 */
export function fileContext(path: string, text = ""): FileContext {
  const base = path.slice(path.lastIndexOf("/") + 1);
  const lower = base.toLowerCase();
  const dot = lower.lastIndexOf(".");
  const ext = dot > 0 ? lower.slice(dot + 1) : "";
  if (/\.d\.[mc]?ts$/.test(lower)) return { docs: true, syntax: null, blocks: null };
  if (ext === "txt" ? !notDocsTxt.test(lower) : docsExt.has(ext)) return { docs: true, syntax: null, blocks: null };
  // Man pages: name.1 to name.9 (with a section suffix: ls.1p, curl.3x) or under man/manN/.
  if (/^[1-9][a-z]{0,3}$/.test(ext) || /(?:^|\/)man\/man[1-9][^/]*\//.test(path)) return { docs: true, syntax: null, blocks: null };
  if (ext === "ipynb") return { docs: false, syntax: null, blocks: "notebook" };
  if (ext === "rmd" || ext === "qmd") return { docs: false, syntax: null, blocks: "rmarkdown" };
  const syntax = syntaxByName[lower] ?? (lower.startsWith("dockerfile") || lower.startsWith(".env") ? hash : syntaxByExt[ext]) ?? null;
  if (syntax) return { docs: false, syntax, blocks: null };
  // README, README.ctypes, LICENSE.python: no known syntax, a documentation name.
  if (!dataExt.has(ext) && docsName.test(ext ? base.slice(0, dot) : base)) return { docs: true, syntax: null, blocks: null };
  return { docs: false, syntax: text.startsWith("#!") ? shebangSyntax(text) : null, blocks: null };
}

/** The comment syntax a `#!` line names: Python's (with docstrings) or `#` for shells, Perl, Ruby, R, ... */
function shebangSyntax(text: string): CommentSyntax | null {
  const line = text.slice(0, Math.min(text.length, 128)).split("\n", 1)[0];
  if (/\bpython[\d.]*\b/.test(line)) return python;
  if (/\b(?:ba|z|k|da|fi)?sh\b|\b(?:perl|ruby|Rscript|tclsh|wish|make)\b/.test(line)) return hash;
  if (/\b(?:node|bun|deno|ts-node|tsx)\b/.test(line)) return cLike;
  return null;
}

/** How far back a finding's line is looked at for a comment marker. */
const lineWindow = 1024;
/** How far back an open block comment or docstring is looked for. */
const blockWindow = 4096;

const isSpace = (c: number) => c === 32 || c === 9 || c === 13;

/**
 * The offset of the "\n" ending the line before `offset`'s (-1 at the text's start), looked for at
 * most `max` characters back; -2 when the line starts further back (never a search along a
 * minified line).
 */
function newlineBefore(text: string, offset: number, max = lineWindow): number {
  const stop = Math.max(0, offset - max);
  for (let k = offset - 1; k >= stop; k--) if (text.charCodeAt(k) === 10) return k;
  return stop === 0 ? -1 : -2;
}

/**
 * Places the findings at `offsets` (any order) in `text` of a file with context `fc`. Returns one
 * context per offset.
 */
export function placeFindings(text: string, fc: FileContext, offsets: readonly number[]): FindingContext[] {
  if (fc.docs) return offsets.map(() => "docs");
  if (fc.blocks) return placeBlocks(text, fc.blocks, offsets);
  const syntax = fc.syntax;
  if (!syntax) return offsets.map(() => "code");
  return offsets.map((o) => placeOne(text, syntax, o));
}

function placeOne(text: string, syntax: CommentSyntax, offset: number): FindingContext {
  const nl = newlineBefore(text, offset);
  // A line longer than the window (minified code): its start is unknown, so only block comments count.
  if (nl !== -2 && lineComment(text, nl + 1, offset, syntax)) return "comment";
  if (syntax.block && inBlockComment(text, offset, syntax.block)) return "comment";
  if (syntax.docstrings && inDocstring(text, offset)) return "docs";
  return "code";
}

/** Whether the line from `start` up to `offset` opens a comment that runs on to the offset. */
function lineComment(text: string, start: number, offset: number, syntax: CommentSyntax): boolean {
  let i = start;
  while (i < offset && isSpace(text.charCodeAt(i))) i++;
  if (i >= offset) return false;
  // The line starts with a marker, or with `*` inside a block comment (JSDoc, Javadoc).
  for (const m of syntax.line) if (text.startsWith(m, i)) return true;
  if (syntax.star && text.charCodeAt(i) === 42 && !text.startsWith("*/", i)) {
    const next = text.charCodeAt(i + 1);
    if (i + 1 >= offset || isSpace(next) || next === 42 || next === 10) return true;
  }
  if (syntax.block) for (const [open] of syntax.block) if (text.startsWith(open, i)) return false; // the block check decides
  if (!syntax.line.length) return false;
  // A marker after code, outside strings: `x = 1  # see https://...`, `f(); // https://...`.
  let quote = 0;
  for (let k = i; k < offset; k++) {
    const c = text.charCodeAt(k);
    if (quote) {
      if (c === 92) k++; // backslash escape
      else if (c === quote) quote = 0;
      continue;
    }
    if (c === 34 || c === 39 || c === 96) {
      quote = c;
      continue;
    }
    for (const m of syntax.line) {
      if (c !== m.charCodeAt(0) || !text.startsWith(m, k)) continue;
      const before = text.charCodeAt(k - 1);
      // `#` after white space only (YAML, shell: `a#b` is a value); `//` not after `:` (a URL).
      if (syntax.spaceBefore && m !== "//" && !isSpace(before)) continue;
      if (m === "//" && before === 58) continue;
      return true;
    }
  }
  return false;
}

/**
 * Whether an opening block token comes after the last closing one within the window before
 * `offset`. The opener must stand where a comment can start (not inside a string on its line, and
 * for `/*` not inside a glob or MIME pattern such as `src/**\/*.ts` or `*\/*`).
 */
function inBlockComment(text: string, offset: number, blocks: CommentSyntax["block"] & {}): boolean {
  const from = Math.max(0, offset - blockWindow);
  const window = text.slice(from, offset);
  for (const [open, close] of blocks) {
    const o = window.lastIndexOf(open);
    if (o === -1) continue;
    const c = window.lastIndexOf(close);
    if (c > o) continue;
    // `/*/` and the like: a closer that starts inside the opener does not close it.
    const at = from + o;
    const before = at > 0 ? text.charCodeAt(at - 1) : 10;
    if (open === "/*" && (before === 42 || before === 47 || (before >= 48 && before <= 57) || (before >= 65 && before <= 90) || (before >= 97 && before <= 122) || before === 95)) continue;
    if (insideQuotes(text, at)) continue;
    return true;
  }
  return false;
}

/** Whether `at` is inside a string on its line (an odd count of one quote kind before it; bounded). */
function insideQuotes(text: string, at: number): boolean {
  const nl = newlineBefore(text, at);
  if (nl === -2) return false;
  let quote = 0;
  for (let k = nl + 1; k < at; k++) {
    const c = text.charCodeAt(k);
    if (quote) {
      if (c === 92) k++;
      else if (c === quote) quote = 0;
    } else if (c === 34 || c === 39 || c === 96) quote = c;
  }
  return quote !== 0;
}

const defLine = /^[ \t]*(?:(?:async[ \t]+)?def|class)[ \t][^\n]*:[ \t]*(?:#[^\n]*)?$|^[ \t]*\)[^\n]*:[ \t]*$/;

/**
 * Python: whether `offset` is inside a docstring. The last triple quote before it (within the
 * window) must open one: it starts its line's statement (only white space and a string prefix
 * before it) and either has text after it on its line (`"""Summary ...`) or stands alone after a
 * `def`/`class` header or at the top of the module. A string assigned or passed (`X = """...`) is code.
 */
function inDocstring(text: string, offset: number): boolean {
  const from = Math.max(0, offset - blockWindow);
  const window = text.slice(from, offset);
  const q = Math.max(window.lastIndexOf('"""'), window.lastIndexOf("'''"));
  if (q === -1) return false;
  const at = from + q;
  const nl = newlineBefore(text, at, 64);
  if (nl === -2) return false;
  const lineStart = nl + 1;
  if (!/^[ \t]*[rRuU]?$/.test(text.slice(lineStart, at))) return false;
  // The same quote closing right away ("""""") is not an opening.
  const quote = text.slice(at, at + 3);
  if (text.startsWith(quote, at + 3)) return false;
  // The rest of its line (the first 200 characters of it).
  const after = text.slice(at + 3, at + 203);
  const lineEnd = after.indexOf("\n");
  const rest = lineEnd === -1 ? after : after.slice(0, lineEnd);
  // Text after it (`"""Summary`): an opening (a closing quote is followed by code, if anything:
  // `""").strip()`, `""" % x`, or a keyword of an expression).
  if (/^[ \t]*[A-Za-z0-9`*]/.test(rest)) return !/^[ \t]+(?:if|else|and|or|in|not|for|is)\b/.test(rest);
  if (rest.trim() !== "") return false;
  // Alone on its line: after a def/class header, or the module's first statement (comments and
  // blank lines before either are passed over).
  let end = lineStart - 1;
  while (end > 0) {
    const before = newlineBefore(text, end, blockWindow - (lineStart - end));
    if (before === -2) return false;
    const start = before + 1;
    const line = text.slice(start, end).replace(/\r$/, "");
    const trimmed = line.trim();
    if (trimmed !== "" && !trimmed.startsWith("#")) return defLine.test(line);
    end = start - 1;
  }
  return true;
}

const notebookCell = /"cell_type"\s*:\s*"(\w+)"/g;
const chunkFence = /^[ \t]*(`{3,}|~{3,})/;

/**
 * Notebooks: a finding in a markdown cell is documentation (nbformat writes `cell_type` before
 * `source`); in a code cell, code. R Markdown / Quarto: prose is documentation, fenced chunks code.
 * One pass over the file for the cells or fences, then a binary search per finding.
 */
function placeBlocks(text: string, kind: "notebook" | "rmarkdown", offsets: readonly number[]): FindingContext[] {
  if (!offsets.length) return [];
  // Boundaries in text order: from each, until the next, the context it names.
  const at: number[] = [0];
  const ctx: FindingContext[] = [kind === "notebook" ? "code" : "docs"];
  if (kind === "notebook") {
    notebookCell.lastIndex = 0;
    for (let m = notebookCell.exec(text); m; m = notebookCell.exec(text)) {
      at.push(m.index);
      ctx.push(m[1] === "markdown" || m[1] === "raw" ? "docs" : "code");
    }
  } else {
    let fence: string | null = null;
    let pos = 0;
    while (pos <= text.length) {
      const nl = text.indexOf("\n", pos);
      const end = nl === -1 ? text.length : nl;
      const m = chunkFence.exec(text.slice(pos, Math.min(end, pos + 200)));
      if (m) {
        if (fence === null) {
          fence = m[1];
          at.push(end + 1);
          ctx.push("code");
        } else if (m[1].startsWith(fence[0]) && m[1].length >= fence.length) {
          fence = null;
          at.push(pos);
          ctx.push("docs");
        }
      }
      if (nl === -1) break;
      pos = nl + 1;
    }
  }
  return offsets.map((o) => {
    let lo = 0;
    let hi = at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (at[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    if (ctx[lo] !== "code") return ctx[lo];
    // A `#` comment in a code cell or chunk (Python and R): in a notebook, at the start of the
    // cell line's JSON string.
    const nl = newlineBefore(text, o);
    if (nl === -2) return "code";
    if (kind === "notebook") return /^[ \t]*"[ \t]*#/.test(text.slice(nl + 1, o)) ? "comment" : "code";
    return lineComment(text, nl + 1, o, hashCode) ? "comment" : "code";
  });
}

const hashCode: CommentSyntax = { line: ["#"] };

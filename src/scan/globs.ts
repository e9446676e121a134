// --include / --exclude patterns: gitignore syntax, plus brace lists (`*.{py,js}`) expanded into
// one pattern each. A pattern gitignore cannot use (an unclosed `[`) is an error, not a pattern
// that silently matches nothing.

/** More patterns than this from one brace pattern is an error (`{a,b}{c,d}...` multiplies). */
const maxExpansions = 256;

/** Why `pattern` is not a usable gitignore pattern, or null when it is. */
export function globProblem(pattern: string): string | null {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      if (i === pattern.length - 1) return "it ends in a lone backslash";
      i++;
    } else if (c === "[") {
      let j = i + 1;
      if (pattern[j] === "!" || pattern[j] === "^") j++;
      if (pattern[j] === "]") j++; // a "]" first in the class is a literal
      let prev = "";
      for (; j < pattern.length && pattern[j] !== "]"; j++) {
        if (pattern[j] === "-" && prev && j + 1 < pattern.length && pattern[j + 1] !== "]") {
          if (pattern[j + 1] === "\\") j++;
          const hi = pattern[++j];
          if (hi !== undefined && hi < prev) return `the range ${prev}-${hi} is reversed`;
          prev = "";
          continue;
        }
        if (pattern[j] === "\\") j++;
        prev = pattern[j] ?? "";
      }
      if (j >= pattern.length) return "a '[' is never closed";
      i = j;
    }
  }
  return null;
}

/**
 * `a/*.{py,js}` → [`a/*.py`, `a/*.js`]; nested lists too. A brace group without a comma (`{x}`),
 * an escaped brace or a brace inside `[...]` stays as it is. Throws when the list grows past
 * maxExpansions.
 */
export function expandBraces(pattern: string): string[] {
  const group = firstGroup(pattern);
  if (!group) return [pattern];
  const { open, close, parts } = group;
  const out: string[] = [];
  for (const part of parts) {
    for (const p of expandBraces(pattern.slice(0, open) + part + pattern.slice(close + 1))) {
      out.push(p);
      if (out.length > maxExpansions) throw new Error(`the pattern '${pattern}' expands to more than ${maxExpansions} patterns`);
    }
  }
  return out;
}

/** The first top-level `{...}` holding a top-level comma, split at those commas. */
function firstGroup(p: string): { open: number; close: number; parts: string[] } | null {
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === "\\") i++;
    else if (c === "[") i = classEnd(p, i);
    else if (c === "{") {
      let depth = 0;
      const commas: number[] = [];
      let j = i;
      for (; j < p.length; j++) {
        const d = p[j];
        if (d === "\\") j++;
        else if (d === "[") j = classEnd(p, j);
        else if (d === "{") depth++;
        else if (d === "}" && --depth === 0) break;
        else if (d === "," && depth === 1) commas.push(j);
      }
      if (j >= p.length) return null; // unclosed: literal
      if (!commas.length) continue; // "{x}": literal, but a group inside it may still expand
      const cuts = [i, ...commas, j];
      const parts = cuts.slice(1).map((end, k) => p.slice(cuts[k] + 1, end));
      return { open: i, close: j, parts };
    }
  }
  return null;
}

/** Index of the `]` closing the class opened at i (or i when unclosed: the `[` is then literal). */
function classEnd(p: string, i: number): number {
  let j = i + 1;
  if (p[j] === "!" || p[j] === "^") j++;
  if (p[j] === "]") j++;
  for (; j < p.length && p[j] !== "]"; j++) if (p[j] === "\\") j++;
  return j < p.length ? j : i;
}

export interface PatternList {
  /** The patterns as given, each with what it expands to. */
  given: Array<{ pattern: string; expanded: string[] }>;
  /** All expanded patterns, for one matcher. */
  all: string[];
}

/** Expands and checks a list of patterns; throws Error naming the first bad one. */
export function preparePatterns(patterns: string[], option: string): PatternList {
  const given: PatternList["given"] = [];
  for (const pattern of patterns) {
    let expanded: string[];
    try {
      expanded = expandBraces(pattern);
    } catch (err) {
      throw new Error(`${option} ${(err as Error).message}`);
    }
    for (const p of expanded) {
      const why = globProblem(p);
      if (why) throw new Error(`${option} '${pattern}' is not a valid pattern: ${why}`);
    }
    given.push({ pattern, expanded });
  }
  return { given, all: given.flatMap((g) => g.expanded) };
}

// --include / --exclude patterns: gitignore syntax, plus brace lists (`*.{py,js}`) expanded into
// one pattern each. A pattern gitignore cannot use (an unclosed `[`) is an error, not a pattern
// that silently matches nothing.
import braces from "braces";

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
 * `a/*.{py,js}` → [`a/*.py`, `a/*.js`]; nested lists and ranges too (the `braces` package, as
 * micromatch uses). A group without a comma (`{x}`) or inside `[...]` stays as it is. Throws when
 * the list grows past maxExpansions.
 */
export function expandBraces(pattern: string): string[] {
  const out = braces(pattern, { expand: true, rangeLimit: maxExpansions });
  if (out.length > maxExpansions) throw new Error(`the pattern '${pattern}' expands to more than ${maxExpansions} patterns`);
  return out.length ? out : [pattern];
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

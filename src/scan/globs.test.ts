import { describe, expect, test } from "bun:test";
import { expandBraces, globProblem, preparePatterns } from "./globs.ts";

describe("globProblem", () => {
  test("unusable patterns", () => {
    expect(globProblem("[")).toContain("never closed");
    expect(globProblem("src/[abc")).toContain("never closed");
    expect(globProblem("*.[z-a]")).toContain("reversed");
    expect(globProblem("a\\")).toContain("backslash");
  });
  test("usable ones", () => {
    for (const p of ["*.py", "src/**/*.ts", "[abc].py", "[!a-z]x", "[]]", "\\[literal", "a[a-z-9]", "{x}", "!keep.log", "#comment"]) {
      expect(globProblem(p)).toBeNull();
    }
  });
});

describe("expandBraces", () => {
  test("lists, nested lists, several groups", () => {
    expect(expandBraces("**/*.{py,js}")).toEqual(["**/*.py", "**/*.js"]);
    expect(expandBraces("{src,lib}/*.{ts,tsx}")).toEqual(["src/*.ts", "src/*.tsx", "lib/*.ts", "lib/*.tsx"]);
    expect(expandBraces("a.{py,{js,mjs}}")).toEqual(["a.py", "a.js", "a.mjs"]);
    expect(expandBraces("a{,.bak}")).toEqual(["a", "a.bak"]);
  });
  test("what stays as it is", () => {
    expect(expandBraces("a{x}b")).toEqual(["a{x}b"]);
    expect(expandBraces("a\\{x,y}")).toEqual(["a{x,y}"]); // the escape is dropped: gitignore reads "{" literally anyway
    expect(expandBraces("[{,}]x")).toEqual(["[{,}]x"]);
    expect(expandBraces("a{b,c")).toEqual(["a{b,c"]);
  });
  test("a runaway expansion is an error", () => {
    expect(() => preparePatterns(["{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}{a,b}"], "--include")).toThrow("more than 256");
  });
});

test("preparePatterns names the bad pattern as given", () => {
  expect(() => preparePatterns(["*.py", "*.{js,[}"], "--exclude")).toThrow("--exclude '*.{js,[}' is not a valid pattern");
  expect(preparePatterns(["*.{py,js}", "README.md"], "--include").all).toEqual(["*.py", "*.js", "README.md"]);
});

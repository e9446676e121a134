import { describe, expect, test } from "bun:test";
import { regexPass } from "../file-scan.ts";
import { fileContext, placeFindings } from "./context.ts";

/** value → context of each endpoint finding of `text` scanned as `file`. */
const where = (file: string, text: string) =>
  Object.fromEntries(regexPass(text, "text", undefined, file).filter((f) => f.kind !== "secret").map((f) => [f.value, f.context]));

describe("documentation files", () => {
  test("prose formats, man pages, declaration files and README-like names are docs", () => {
    for (const file of ["README.md", "docs/guide.rst", "notes.txt", "x/y.adoc", "a.mdx", "man/man1/tool.1", "ls.1p", "types/lib.dom.d.ts", "index.d.mts", "CHANGELOG", "LICENSE"]) {
      expect([file, fileContext(file).docs]).toEqual([file, true]);
    }
  });
  test("code, configuration and plain text that configures are not", () => {
    for (const file of ["app.py", "index.ts", "config.yaml", "requirements.txt", "requirements-dev.txt", "constraints.txt", "CMakeLists.txt", "Makefile", "data.json", ".env"]) {
      expect([file, fileContext(file).docs]).toEqual([file, false]);
    }
  });
  test("every finding in a docs file is docs", () => {
    expect(where("README.md", "Call https://api.acme.io/v1 or `api2.acme.io`.\n")).toEqual({ "https://api.acme.io/v1": "docs", "api2.acme.io": "docs" });
    expect(where("lib.dom.d.ts", "/** [MDN Reference](https://developer.mozilla.org/docs/Web/API/fetch) */\ndeclare function fetch(): void;\n")).toEqual({
      "https://developer.mozilla.org/docs/Web/API/fetch": "docs",
    });
  });
});

describe("comments by the start of the line", () => {
  test("Python: # lines, a # after code, not a # in a string", () => {
    const text = ['# see https://a.acme.io/x', 'x = "https://b.acme.io"  # and https://c.acme.io', 'y = "#https://d.acme.io"', "z = 'it''s' + \"https://e.acme.io\"", ""].join("\n");
    expect(where("app.py", text)).toEqual({
      "https://a.acme.io/x": "comment", "https://b.acme.io": "code", "https://c.acme.io": "comment", "https://d.acme.io": "code", "https://e.acme.io": "code",
    });
  });
  test("JavaScript/TypeScript: //, JSDoc * lines, /* */ blocks, not // in a URL or /* in a glob", () => {
    const text = [
      "/**",
      " * See https://jsdoc.acme.io",
      " */",
      'fetch("https://code.acme.io"); // https://trail.acme.io',
      'const g = "src/**/*.ts"; fetch("https://after-glob.acme.io");',
      'const accept = "*/*"; fetch("https://after-mime.acme.io");',
      "/* block",
      "   https://block.acme.io */",
      'fetch("https://after-block.acme.io"); /* x */ fetch("https://after-inline.acme.io");',
      "",
    ].join("\n");
    expect(where("client.ts", text)).toEqual({
      "https://jsdoc.acme.io": "comment",
      "https://code.acme.io": "code",
      "https://trail.acme.io": "comment",
      "https://after-glob.acme.io": "code",
      "https://after-mime.acme.io": "code",
      "https://block.acme.io": "comment",
      "https://after-block.acme.io": "code",
      "https://after-inline.acme.io": "code",
    });
  });
  test("YAML, shell, SQL, HTML", () => {
    expect(where("ci.yaml", "url: https://y.acme.io/#frag\n# https://yc.acme.io\nk: v # https://yt.acme.io\nk2: a#https://ya.acme.io\n")).toEqual({
      "https://y.acme.io/#frag": "code", "https://yc.acme.io": "comment", "https://yt.acme.io": "comment", "https://ya.acme.io": "code",
    });
    expect(where("run.sh", "#!/bin/sh\n# https://sh1.acme.io\ncurl https://sh2.acme.io\n")).toEqual({ "https://sh1.acme.io": "comment", "https://sh2.acme.io": "code" });
    expect(where("q.sql", "-- https://sql1.acme.io\nselect 'https://sql2.acme.io'; /* https://sql3.acme.io */\n")).toEqual({
      "https://sql1.acme.io": "comment", "https://sql2.acme.io": "code", "https://sql3.acme.io": "comment",
    });
    expect(where("i.html", '<!-- https://h1.acme.io\n https://h2.acme.io -->\n<a href="https://h3.acme.io">\n')).toEqual({
      "https://h1.acme.io": "comment", "https://h2.acme.io": "comment", "https://h3.acme.io": "code",
    });
  });
  test("a script without an extension: by its #! line", () => {
    expect(where("bin/install-deps", "#!/bin/sh\n# from https://sh3.acme.io\ncurl -O https://sh4.acme.io/x\n")).toEqual({ "https://sh3.acme.io": "comment", "https://sh4.acme.io/x": "code" });
    expect(where("tools/sync", '#!/usr/bin/env python3\n"""Mirrors https://py3.acme.io"""\nget("https://py4.acme.io")\n')).toEqual({ "https://py3.acme.io": "docs", "https://py4.acme.io": "code" });
    expect(where("tools/run", "#!/usr/bin/env node\n// https://n1.acme.io\nfetch('https://n2.acme.io')\n")).toEqual({ "https://n1.acme.io": "comment", "https://n2.acme.io": "code" });
    expect(where("data/notes", "# https://plain.acme.io\n")).toEqual({ "https://plain.acme.io": "code" });
  });
  test("documentation names with an extension no language has", () => {
    expect(fileContext("ctypes/macholib/README.ctypes").docs).toBe(true);
    expect(fileContext("LICENSE.python").docs).toBe(true);
    expect(fileContext("lib/utilsBundle.js.LICENSE").docs).toBe(true);
    expect(fileContext("license.py").docs).toBe(false);
    expect(fileContext("install.sh").docs).toBe(false);
    expect(fileContext("todo.json").docs).toBe(false);
  });
  test("unknown extensions and data files are code", () => {
    expect(where("data.json", '{"url": "https://j.acme.io", "_comment": "// https://j2.acme.io"}\n')).toEqual({ "https://j.acme.io": "code", "https://j2.acme.io": "code" });
    expect(where("x.unknown", "# https://u.acme.io\n")).toEqual({ "https://u.acme.io": "code" });
  });
});

describe("Python docstrings", () => {
  test("module, function and class docstrings are docs; other triple-quoted strings and code after them are code", () => {
    const text = [
      "#!/usr/bin/env python",
      '"""Module docs: https://mod.acme.io"""',
      "import requests",
      "",
      "def f(a,",
      "      b) -> None:",
      '    """Call https://doc1.acme.io.',
      "",
      "    Example:",
      "        https://doc2.acme.io",
      '    """',
      '    return requests.get("https://code1.acme.io")',
      "",
      "class C:",
      "    '''",
      "    https://doc3.acme.io",
      "    '''",
      '    PROMPT = """',
      "    https://prompt.acme.io",
      '    """',
      '    u = "https://code2.acme.io"',
      "",
    ].join("\n");
    expect(where("mod.py", text)).toEqual({
      "https://mod.acme.io": "docs",
      "https://doc1.acme.io": "docs",
      "https://doc2.acme.io": "docs",
      "https://code1.acme.io": "code",
      "https://doc3.acme.io": "docs",
      "https://prompt.acme.io": "code",
      "https://code2.acme.io": "code",
    });
  });
  test("a closing quote alone on its line after text is not an opening", () => {
    const text = ['def f():', '    """Docs.', "", "    Example:", '    """', '    x = "https://after.acme.io"', ""].join("\n");
    expect(where("a.py", text)).toEqual({ "https://after.acme.io": "code" });
  });
});

describe("notebooks and R Markdown", () => {
  test("markdown cells are docs, code cells code (a # line in one a comment)", () => {
    const nb = JSON.stringify({
      cells: [
        { cell_type: "markdown", metadata: {}, source: ["See https://md.acme.io\n"] },
        { cell_type: "code", execution_count: null, metadata: {}, outputs: [], source: ["# https://nbc.acme.io\n", 'r = get("https://nb.acme.io")\n'] },
      ],
    }, null, 1);
    expect(where("a.ipynb", nb)).toEqual({ "https://md.acme.io": "docs", "https://nbc.acme.io": "comment", "https://nb.acme.io": "code" });
  });
  test("prose is docs, chunks code", () => {
    const rmd = ["---", "title: x", "---", "Data from https://prose.acme.io.", "```{r}", "# https://rc.acme.io", 'httr::GET("https://chunk.acme.io")', "```", "More https://prose2.acme.io", ""].join("\n");
    expect(where("report.Rmd", rmd)).toEqual({
      "https://prose.acme.io": "docs", "https://rc.acme.io": "comment", "https://chunk.acme.io": "code", "https://prose2.acme.io": "docs",
    });
  });
});

describe("bounds", () => {
  test("a minified line: no line start within reach, so only block comments count", () => {
    const text = `${"a=1;".repeat(2000)}/* https://min1.acme.io */fetch("https://min2.acme.io");// https://min3.acme.io`;
    const ctx = where("bundle.min.js", text);
    expect(ctx["https://min1.acme.io"]).toBe("comment");
    expect(ctx["https://min2.acme.io"]).toBe("code");
    // Its start is 8 kB back: unknown, so code (a mistake towards counting).
    expect(ctx["https://min3.acme.io"]).toBe("code");
  });
  test("an opening far back (over 4 kB) is not looked for", () => {
    const text = `/*\n${"x\n".repeat(3000)}https://far.acme.io */\n`;
    expect(where("a.js", text)).toEqual({ "https://far.acme.io": "code" });
  });
  test("many findings on one long line stay fast", () => {
    const text = `/* ${'"https://x.acme.io" '.repeat(50_000)}`;
    const started = performance.now();
    const out = placeFindings(text, fileContext("a.js"), Array.from({ length: 50_000 }, (_, i) => 4 + i * 20));
    expect(out.every((c) => c === "comment" || c === "code")).toBe(true);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

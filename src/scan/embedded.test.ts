import { describe, expect, test } from "bun:test";
import { embeddedBlocks, markdownChunks, notebookCells } from "./embedded.ts";

describe("embedded code", () => {
  test("R Markdown chunks keep their lines; prose is blanked", () => {
    const [r, py] = markdownChunks("# t\nhttp://x\n```{r a}\nx <- 1\n```\ntext\n```{python}\ny = 2\n```\n");
    expect(r.grammar).toBe("r");
    expect(r.source.split("\n")).toEqual(["", "", "", "x <- 1", "", "", "", "", "", ""]);
    expect(py.grammar).toBe("python");
    expect(py.source.split("\n")[7]).toBe("y = 2");
  });
  test("notebook code cells map to the JSON file's lines and columns; magics dropped", () => {
    const nb = JSON.stringify({ cells: [{ cell_type: "markdown", source: ["m"] }, { cell_type: "code", source: ["%pip install x\n", "a = 1\n", "b = 2"] }], metadata: { kernelspec: { language: "python" } } }, null, 1);
    const [b] = notebookCells(nb);
    expect(b.source.split("\n").slice(0, 3)).toEqual(["", "a = 1", "b = 2"]);
    const lines = nb.split("\n");
    const pos = b.position(3, 1);
    expect(lines[pos.line - 1].slice(pos.column - 1)).toBe('b = 2"');
  });
  test("other kernels and malformed notebooks give nothing, never throw", () => {
    expect(notebookCells('{"cells": [], "metadata": {"kernelspec": {"language": "julia"}}}')).toEqual([]);
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed);
    const good = JSON.stringify({ cells: [{ cell_type: "code", source: "import requests\nrequests.get('https://a.b.io')" }] });
    for (let i = 0; i < 200; i++) {
      const cut = good.slice(0, rnd() % good.length) + "}".repeat(rnd() % 3);
      expect(() => embeddedBlocks(cut, "jupyter")).not.toThrow();
      expect(() => embeddedBlocks(cut.replace(/"/g, "`"), "rmarkdown")).not.toThrow();
    }
    expect(embeddedBlocks('{"cells": 5}', "jupyter")).toEqual([]);
    expect(embeddedBlocks("null", "jupyter")).toEqual([]);
  });
});

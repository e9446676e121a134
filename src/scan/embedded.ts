// Code embedded in other files: Jupyter notebooks' code cells, R Markdown / Quarto chunks.
// Each block comes with a map from its own line/column back to the file's.
import type { Grammar } from "./languages.ts";

export interface EmbeddedBlock {
  grammar: Grammar;
  source: string;
  /** 1-based line and column in `source` → position in the file. */
  position(line: number, column: number): { line: number; column: number };
}

const chunkStart = /^[ \t]*(`{3,}|~{3,})\s*\{\s*(r|R|python|py)\b[^}]*\}\s*$/;

/** R Markdown / Quarto: the chunks of each language, other lines blanked so positions stay the same. */
export function markdownChunks(text: string): EmbeddedBlock[] {
  const lines = text.split("\n");
  const out = new Map<Grammar, string[]>();
  let open: { fence: string; grammar: Grammar } | null = null;
  lines.forEach((line, i) => {
    if (open) {
      if (line.trim().startsWith(open.fence) && line.trim().replace(/[`~]/g, "") === "") open = null;
      else out.get(open.grammar)![i] = line;
      return;
    }
    const m = line.match(chunkStart);
    if (m) {
      const grammar: Grammar = m[2].toLowerCase() === "r" ? "r" : "python";
      if (!out.has(grammar)) out.set(grammar, new Array(lines.length).fill(""));
      open = { fence: m[1], grammar };
    }
  });
  return [...out].map(([grammar, ls]) => ({ grammar, source: ls.join("\n"), position: (line, column) => ({ line, column }) }));
}

interface Cell {
  cell_type?: string;
  source?: string | string[];
}

/** Jupyter: code cells in the notebook's language, mapped back to the lines of the JSON file. */
export function notebookCells(text: string): EmbeddedBlock[] {
  let nb: { cells?: Cell[]; metadata?: { kernelspec?: { language?: string }; language_info?: { name?: string } } };
  try {
    nb = JSON.parse(text);
  } catch {
    return [];
  }
  if (!nb || !Array.isArray(nb.cells)) return [];
  const lang = String(nb.metadata?.kernelspec?.language ?? nb.metadata?.language_info?.name ?? "python").toLowerCase();
  const grammar: Grammar | null = lang === "python" ? "python" : lang === "r" ? "r" : null;
  if (!grammar) return [];
  // The k-th `"source":` key in the file belongs to the k-th cell (nbformat writes cells in order).
  const fileLines = text.split("\n");
  const sourceKeys: number[] = [];
  fileLines.forEach((l, i) => {
    if (/^\s*"source"\s*:/.test(l)) sourceKeys.push(i);
  });
  const sourceLines: string[] = [];
  const map: Array<{ line: number; column: number }> = [];
  nb.cells.forEach((cell, k) => {
    const src = Array.isArray(cell.source) ? cell.source.join("") : typeof cell.source === "string" ? cell.source : "";
    if (cell.cell_type !== "code" || !src) return;
    const keyLine = sourceKeys[k];
    const arrayForm = keyLine !== undefined && /\[\s*$/.test(fileLines[keyLine]);
    src.split("\n").forEach((l, j) => {
      // Magics and shell escapes are not Python.
      sourceLines.push(/^\s*[%!]/.test(l) ? "" : l);
      if (keyLine === undefined) map.push({ line: 1, column: 1 });
      else if (arrayForm) {
        const fl = keyLine + 1 + j;
        map.push({ line: fl + 1, column: (fileLines[fl]?.indexOf('"') ?? 0) + 2 });
      } else map.push({ line: keyLine + 1, column: 1 });
    });
    sourceLines.push("");
    map.push({ line: 1, column: 1 });
  });
  if (!sourceLines.length) return [];
  return [
    {
      grammar,
      source: sourceLines.join("\n"),
      position: (line, column) => {
        const m = map[line - 1] ?? { line: 1, column: 1 };
        return { line: m.line, column: m.column + column - 1 };
      },
    },
  ];
}

export function embeddedBlocks(text: string, language: string): EmbeddedBlock[] {
  if (language === "jupyter") return notebookCells(text);
  if (language === "rmarkdown" || language === "quarto") return markdownChunks(text);
  return [];
}

// Loads web-tree-sitter and the committed grammar wasm files (embedded in the compiled binary).
import { Language, Parser } from "web-tree-sitter";
import runtimeWasm from "web-tree-sitter/web-tree-sitter.wasm" with { type: "file" };
import javascriptWasm from "../grammars/tree-sitter-javascript.wasm" with { type: "file" };
import pythonWasm from "../grammars/tree-sitter-python.wasm" with { type: "file" };
import rWasm from "../grammars/tree-sitter-r.wasm" with { type: "file" };
import tsxWasm from "../grammars/tree-sitter-tsx.wasm" with { type: "file" };
import typescriptWasm from "../grammars/tree-sitter-typescript.wasm" with { type: "file" };
import type { Grammar } from "../languages.ts";

export const grammarFiles: Record<Grammar, string> = {
  python: pythonWasm,
  javascript: javascriptWasm,
  typescript: typescriptWasm,
  tsx: tsxWasm,
  r: rWasm,
};

let init: Promise<void> | null = null;
const languages = new Map<Grammar, Promise<Language>>();
const parsers = new Map<Grammar, Parser>();

function initRuntime(): Promise<void> {
  init ??= (async () => {
    const wasmBinary = await Bun.file(runtimeWasm).bytes();
    await Parser.init({ wasmBinary } as never);
  })();
  return init;
}

export async function loadLanguage(g: Grammar): Promise<Language> {
  await initRuntime();
  let p = languages.get(g);
  if (!p) {
    p = (async () => Language.load(await Bun.file(grammarFiles[g]).bytes()))();
    languages.set(g, p);
  }
  return p;
}

/** One reusable parser per grammar (per thread). */
export async function parserFor(g: Grammar): Promise<Parser> {
  let parser = parsers.get(g);
  if (!parser) {
    const lang = await loadLanguage(g);
    parser = new Parser();
    parser.setLanguage(lang);
    parsers.set(g, parser);
  }
  return parser;
}

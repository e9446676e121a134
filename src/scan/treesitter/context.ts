// Per-file analysis state: variable bindings, import aliases, and the findings emitted so far.
import type { Node } from "web-tree-sitter";
import { maskSecrets } from "../secrets/detect.ts";
import type { RawFinding } from "../types.ts";
import type { Endpoint } from "./endpoints.ts";
import type { ScopeLang, ScopeTable } from "./scope.ts";
import type { Val } from "./values.ts";
import { shownUrl } from "../universal/urls.ts";

export interface Ctx {
  /** Bindings, keyed by scope (scope.ts). */
  env: Map<string, Val>;
  /** Local name → full dotted/module path ("rq" → "requests", "O" → "openai.OpenAI"). */
  imports: Map<string, string>;
  out: RawFinding[];
  language: string;
  /** Call nodes already handled (as the right side of an assignment). */
  done: Set<number>;
  /** The language's scopes; null: one flat scope (R). */
  scope: ScopeLang | null;
  /** The language's evaluator (for parameter defaults and member objects). */
  evaluate: (node: Node, depth: number) => Val | null;
  /** JS locals declared without a value (`let url;`). */
  declared: Set<string>;
  /** Python `global x` in a function: the function's key for x, bound at module level instead. */
  globals: Set<string>;
  /** Python: a function's key + "#return" → the value it returns (evaluated when called). */
  returns: Map<string, Node>;
  /** Values of calls handled so far that create something (clients, sessions), by node id. */
  callVals: Map<number, Val>;
  /** Class key → keys of its bases defined in the file. */
  bases: Map<string, string[]>;
  /** Functions and classes by position (scope.ts); null until built. */
  scopes: ScopeTable | null;
  paramCache: Map<number, Map<string, Node | null>>;
}

export function newCtx(language: string, scope: ScopeLang | null = null): Ctx {
  return {
    env: new Map(),
    imports: new Map(),
    out: [],
    language,
    done: new Set(),
    scope,
    evaluate: () => null,
    declared: new Set(),
    globals: new Set(),
    returns: new Map(),
    callVals: new Map(),
    bases: new Map(),
    scopes: null,
    paramCache: new Map(),
  };
}

export function emit(ctx: Ctx, node: Node, kind: "call-site" | "sdk-client", ep: Endpoint, rule: string): void {
  ctx.out.push({
    kind,
    value: shownUrl(maskSecrets(ep.value)), // cut like the regex pass's URLs
    host: ep.host,
    port: ep.port,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    language: ctx.language,
    analyzer: "tree-sitter",
    rule,
  });
}

/** "rq.get" with rq imported as requests → "requests.get". */
export function canonical(ctx: Ctx, dotted: string): string {
  const dot = dotted.indexOf(".");
  const head = dot === -1 ? dotted : dotted.slice(0, dot);
  const full = ctx.imports.get(head);
  if (!full) return dotted;
  return dot === -1 ? full : full + dotted.slice(dot);
}

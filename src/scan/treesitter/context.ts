// Per-file analysis state: variable bindings, import aliases, and the findings emitted so far.
import type { Node } from "web-tree-sitter";
import { maskSecrets } from "../secrets/detect.ts";
import type { RawFinding } from "../types.ts";
import type { Endpoint } from "./endpoints.ts";
import type { Val } from "./values.ts";
import { shownUrl } from "../universal/urls.ts";

export interface Ctx {
  env: Map<string, Val>;
  /** Local name → full dotted/module path ("rq" → "requests", "O" → "openai.OpenAI"). */
  imports: Map<string, string>;
  out: RawFinding[];
  language: string;
  /** Call nodes already handled (as the right side of an assignment). */
  done: Set<number>;
}

export function newCtx(language: string): Ctx {
  return { env: new Map(), imports: new Map(), out: [], language, done: new Set() };
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

// Parses one source file and runs its language's analyzer over the query matches in source order.
import { Query, type Node } from "web-tree-sitter";
import type { Grammar } from "../languages.ts";
import type { RawFinding } from "../types.ts";
import { newCtx, type Ctx } from "./context.ts";
import { evalJs, handleJsCall, handleJsImport, handleJsRequire, jsQuery } from "./javascript.ts";
import { loadLanguage, parserFor } from "./loader.ts";
import { evalPy, handlePyCall, handlePyImport, pythonQuery } from "./python.ts";
import { evalR, handleRCall, rAssign, rQuery } from "./r.ts";
import type { Val } from "./values.ts";

interface Analyzer {
  query: string;
  onImport(node: Node, ctx: Ctx): void;
  /** Binds lhs to the value of rhs; rhs calls are handled (and marked done) here. */
  onAssign(node: Node, lhs: Node, rhs: Node, ctx: Ctx): void;
  onCall(node: Node, ctx: Ctx): void;
}

function bindCall(ctx: Ctx, rhs: Node, handle: (n: Node) => Val | null, evaluate: (n: Node) => Val | null): Val | null {
  if (rhs.type === "call" || rhs.type === "call_expression" || rhs.type === "new_expression") {
    ctx.done.add(rhs.id);
    return handle(rhs) ?? evaluate(rhs);
  }
  return evaluate(rhs);
}

const python: Analyzer = {
  query: pythonQuery,
  onImport: handlePyImport,
  onAssign(_node, lhs, rhs, ctx) {
    const v = bindCall(ctx, rhs, (n) => handlePyCall(n, ctx), (n) => evalPy(n, ctx));
    if (v) ctx.env.set(lhs.text, v);
    else ctx.env.delete(lhs.text);
  },
  onCall: handlePyCall,
};

const javascript: Analyzer = {
  query: jsQuery,
  onImport: handleJsImport,
  onAssign(_node, lhs, rhs, ctx) {
    if (handleJsRequire(lhs, rhs, ctx)) return;
    const inner = rhs.type === "await_expression" ? (rhs.namedChildren[0] ?? rhs) : rhs;
    const v = bindCall(ctx, inner, (n) => handleJsCall(n, ctx), (n) => evalJs(n, ctx));
    if (lhs.type === "identifier" || lhs.type === "member_expression") {
      if (v) ctx.env.set(lhs.text, v);
      else ctx.env.delete(lhs.text);
    } else if (lhs.type === "object_pattern" && v?.t === "obj") {
      for (const p of lhs.namedChildren) {
        if (p?.type === "shorthand_property_identifier_pattern") {
          const x = v.props.get(p.text);
          if (x) ctx.env.set(p.text, x);
        }
      }
    }
  },
  onCall: handleJsCall,
};

const r: Analyzer = {
  query: rQuery,
  onImport() {},
  onAssign(_node, lhs, rhs, ctx) {
    let v: Val | null;
    if (rhs.type === "call") {
      ctx.done.add(rhs.id);
      v = handleRCall(rhs, ctx);
    } else if (rhs.type === "binary_operator" && /^(\|>|%>%)$/.test(rhs.childForFieldName("operator")?.text ?? "")) {
      v = evalR(rhs, ctx);
    } else v = evalR(rhs, ctx);
    if (v) ctx.env.set(lhs.text, v);
    else ctx.env.delete(lhs.text);
  },
  onCall(node, ctx) {
    // The right side of a pipe gets the left side as its first argument.
    const parent = node.parent;
    if (parent?.type === "binary_operator" && /^(\|>|%>%)$/.test(parent.childForFieldName("operator")?.text ?? "") && parent.childForFieldName("rhs")?.id === node.id) {
      handleRCall(node, ctx, parent.childForFieldName("lhs"));
    } else handleRCall(node, ctx);
  },
};

const analyzers: Record<Grammar, Analyzer> = { python, javascript, typescript: javascript, tsx: javascript, r };
const queries = new Map<Grammar, Query>();

async function queryFor(g: Grammar): Promise<Query> {
  let q = queries.get(g);
  if (!q) {
    q = new Query(await loadLanguage(g), analyzers[g].query);
    queries.set(g, q);
  }
  return q;
}

const mainCaptures = new Set(["import", "assign", "call"]);

export async function analyzeSource(text: string, grammar: Grammar, language: string): Promise<RawFinding[]> {
  const parser = await parserFor(grammar);
  const query = await queryFor(grammar);
  const tree = parser.parse(text);
  if (!tree) return [];
  const ctx = newCtx(language);
  const an = analyzers[grammar];
  try {
    const matches = query.matches(tree.rootNode, { matchLimit: 100_000 });
    const items = matches
      .map((m) => {
        const main = m.captures.find((c) => mainCaptures.has(c.name));
        return main ? { kind: main.name, node: main.node, caps: m.captures } : null;
      })
      .filter((x): x is NonNullable<typeof x> => x !== null)
      .sort((a, b) => a.node.startIndex - b.node.startIndex || (a.kind === "assign" ? -1 : 1));
    for (const it of items) {
      try {
        if (it.kind === "import") an.onImport(it.node, ctx);
        else if (it.kind === "assign") {
          if (grammar === "r") {
            const pair = rAssign(it.node);
            if (pair) an.onAssign(it.node, pair.lhs, pair.rhs, ctx);
            continue;
          }
          const lhs = it.caps.find((c) => c.name === "lhs")?.node;
          const rhs = it.caps.find((c) => c.name === "rhs")?.node;
          if (lhs && rhs) an.onAssign(it.node, lhs, rhs, ctx);
        } else if (!ctx.done.has(it.node.id)) an.onCall(it.node, ctx);
      } catch {
        // One odd construct must not lose the rest of the file.
      }
    }
  } finally {
    tree.delete();
  }
  return ctx.out;
}

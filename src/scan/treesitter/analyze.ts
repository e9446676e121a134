// Parses one source file and runs its language's analyzer over the query matches in source order.
import { Query, type Node } from "web-tree-sitter";
import type { Grammar } from "../languages.ts";
import type { RawFinding } from "../types.ts";
import { newCtx, type Ctx } from "./context.ts";
import { evalJs, handleJsCall, handleJsClass, handleJsImport, handleJsRequire, jsQuery, jsTargetKey } from "./javascript.ts";
import { loadLanguage, parserFor } from "./loader.ts";
import { evalPy, handlePyCall, handlePyClass, handlePyDef, handlePyGlobal, handlePyImport, pyReturnKey, pyTargetKey, pythonQuery } from "./python.ts";
import { evalR, handleRCall, rAssign, rQuery } from "./r.ts";
import { buildScopes, jsScopes, pythonScopes, type ScopeLang } from "./scope.ts";
import type { Val } from "./values.ts";

interface Analyzer {
  query: string | ((g: Grammar) => string);
  scope: ScopeLang | null;
  evaluate(node: Node, ctx: Ctx, depth: number): Val | null;
  onImport(node: Node, ctx: Ctx): void;
  /** Binds lhs to the value of rhs; rhs calls are handled (and marked done) here. rhs null: a declaration. */
  onAssign(node: Node, lhs: Node, rhs: Node | null, ctx: Ctx): void;
  onCall(node: Node, ctx: Ctx): void;
  /** Classes, function definitions, returns, `global` (the captures' main names besides the above). */
  onOther?(kind: string, node: Node, lhs: Node | null, rhs: Node | null, ctx: Ctx): void;
}

function bind(ctx: Ctx, key: string | null, v: Val | null): void {
  if (key === null) return;
  if (v) ctx.env.set(key, v);
  else ctx.env.delete(key);
}

function bindCall(ctx: Ctx, rhs: Node, handle: (n: Node) => Val | null, evaluate: (n: Node) => Val | null): Val | null {
  const t = rhs.type;
  if (t === "call" || t === "call_expression" || t === "new_expression") {
    ctx.done.add(rhs.id);
    const v = handle(rhs);
    if (v) ctx.callVals.set(rhs.id, v);
    return v ?? evaluate(rhs);
  }
  return evaluate(rhs);
}

const python: Analyzer = {
  query: pythonQuery,
  scope: pythonScopes,
  evaluate: (n, ctx, depth) => evalPy(n, ctx, depth),
  onImport: handlePyImport,
  onAssign(_node, lhs, rhs, ctx) {
    if (!rhs) return;
    // A target that never resolves (self.x outside a class): the right side's calls are handled as calls.
    const key = pyTargetKey(ctx, lhs);
    if (key === null) return;
    bind(ctx, key, bindCall(ctx, rhs, (n) => handlePyCall(n, ctx), (n) => evalPy(n, ctx)));
  },
  onCall(node, ctx) {
    const v = handlePyCall(node, ctx);
    if (v) ctx.callVals.set(node.id, v);
  },
  onOther(kind, node, lhs, rhs, ctx) {
    if (kind === "class" && lhs) handlePyClass(node, lhs, ctx);
    else if (kind === "def" && lhs) handlePyDef(node, lhs, ctx);
    else if (kind === "global") handlePyGlobal(node, ctx);
    else if (kind === "ret" && rhs) {
      const k = pyReturnKey(ctx, node);
      if (k) ctx.returns.set(k, rhs);
    }
  },
};

const javascript: Analyzer = {
  query: jsQuery,
  scope: jsScopes,
  evaluate: (n, ctx, depth) => evalJs(n, ctx, depth),
  onImport: handleJsImport,
  onAssign(node, lhs, rhs, ctx) {
    const lt = lhs.type;
    if (!rhs) {
      // `let url;`: a local of its function from here on.
      if (lt === "identifier") {
        const k = jsTargetKey(ctx, node, lhs);
        if (k) ctx.declared.add(k), ctx.env.delete(k);
      }
      return;
    }
    const inner = rhs.type === "await_expression" ? (rhs.namedChildren[0] ?? rhs) : rhs;
    if (lt === "object_pattern") {
      if (handleJsRequire(lhs, inner, ctx)) return;
      const v = bindCall(ctx, inner, (n) => handleJsCall(n, ctx), (n) => evalJs(n, ctx));
      for (const p of lhs.namedChildren) {
        if (p?.type === "shorthand_property_identifier_pattern") bind(ctx, jsTargetKey(ctx, node, p), v?.t === "obj" ? (v.props.get(p.text) ?? null) : null);
      }
      return;
    }
    // A target that binds nothing (a plain parameter's default, this.x outside a class): its calls are handled as calls.
    const key = jsTargetKey(ctx, node, lhs);
    if (key === null) return;
    if (lt === "identifier" && handleJsRequire(lhs, inner, ctx)) return;
    bind(ctx, key, bindCall(ctx, inner, (n) => handleJsCall(n, ctx), (n) => evalJs(n, ctx)));
  },
  onCall: handleJsCall,
  onOther(kind, node, lhs, _rhs, ctx) {
    if (kind === "class") handleJsClass(node, lhs, ctx);
  },
};

const r: Analyzer = {
  query: rQuery,
  scope: null,
  evaluate: (n, ctx, depth) => evalR(n, ctx, depth),
  onImport() {},
  onAssign(_node, lhs, rhs, ctx) {
    if (!rhs) return;
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
    const src = analyzers[g].query;
    q = new Query(await loadLanguage(g), typeof src === "string" ? src : src(g));
    queries.set(g, q);
  }
  return q;
}

/** At one position: a definition before an assignment before a call. */
const order = (kind: string) => (kind === "class" || kind === "def" || kind === "global" ? 0 : kind === "assign" || kind === "ret" ? 1 : 2);

const mainCaptures = new Set(["import", "assign", "call", "class", "def", "ret", "global", "scope"]);

export async function analyzeSource(text: string, grammar: Grammar, language: string): Promise<RawFinding[]> {
  const parser = await parserFor(grammar);
  const query = await queryFor(grammar);
  const tree = parser.parse(text);
  if (!tree) return [];
  const an = analyzers[grammar];
  const ctx = newCtx(language, an.scope);
  ctx.evaluate = (n, depth) => an.evaluate(n, ctx, depth);
  try {
    const matches = query.matches(tree.rootNode, { matchLimit: 100_000 });
    const scopeNodes: Node[] = [];
    const items = matches
      .map((m) => {
        const main = m.captures.find((c) => mainCaptures.has(c.name));
        if (main && (main.name === "scope" || main.name === "def" || main.name === "class")) scopeNodes.push(main.node);
        return main && main.name !== "scope" ? { kind: main.name, node: main.node, caps: m.captures } : null;
      })
      .filter((x): x is NonNullable<typeof x> => x !== null)
      .sort((a, b) => a.node.startIndex - b.node.startIndex || order(a.kind) - order(b.kind));
    buildScopes(ctx, scopeNodes);
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
          const rhs = it.caps.find((c) => c.name === "rhs")?.node ?? null;
          if (lhs) an.onAssign(it.node, lhs, rhs, ctx);
        } else if (it.kind === "call") {
          if (!ctx.done.has(it.node.id)) an.onCall(it.node, ctx);
        } else {
          const lhs = it.caps.find((c) => c.name === "lhs")?.node ?? null;
          const rhs = it.caps.find((c) => c.name === "rhs")?.node ?? null;
          an.onOther?.(it.kind, it.node, lhs, rhs, ctx);
        }
      } catch {
        // One odd construct must not lose the rest of the file.
      }
    }
  } finally {
    tree.delete();
  }
  return ctx.out;
}

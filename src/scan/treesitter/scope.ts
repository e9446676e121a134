// Scopes of the constant propagation: where a name is bound and which binding a use sees.
//
// Keys in ctx.env: `name` at module level, `f<id>:name` for a function's locals, `c<id>.name` for
// a class's members (class attributes, fields, static fields and `self.x`/`cls.x`/`this.x`, merged),
// and `<key>.attr` for attributes of a bound object. A parameter is seen as its default value (or
// unknown without one); `self`/`cls`/`this` are the enclosing class, and a member of another class
// never resolves.
import type { Node } from "web-tree-sitter";
import type { Ctx } from "./context.ts";
import type { Val } from "./values.ts";

export interface ScopeLang {
  /** Function-like nodes: their parameters and locals are theirs. */
  fn: Set<string>;
  /** Class nodes. */
  cls: Set<string>;
  /** Names of the enclosing class's instance/class: self and cls, or this. */
  selfNames: Set<string>;
  /** Python: names assigned in a class body are class members, and seen as such in that body. */
  classBodyBinds: boolean;
  /** JS: arrow functions take `this` from outside. */
  arrow: string | null;
}

export const pythonScopes: ScopeLang = {
  fn: new Set(["function_definition", "lambda"]),
  cls: new Set(["class_definition"]),
  selfNames: new Set(["self", "cls"]),
  classBodyBinds: true,
  arrow: null,
};

export const jsScopes: ScopeLang = {
  fn: new Set(["function_declaration", "function_expression", "generator_function_declaration", "generator_function", "arrow_function", "method_definition"]),
  cls: new Set(["class_declaration", "class", "abstract_class_declaration"]),
  selfNames: new Set(["this"]),
  classBodyBinds: false,
  arrow: "arrow_function",
};

export interface Scope {
  kind: "fn" | "class";
  node: Node;
}

export const fnKey = (fn: Node, name: string) => `f${fn.id}:${name}`;
export const classKey = (cls: Node) => `c${cls.id}`;

/**
 * The file's functions and classes, by the range of their bodies (a function's name, parameters
 * and defaults, a class's name and bases are outside), sorted by start, each with the index of the
 * one around it. Lookups search it by position: asking a node for its parent walks the tree from
 * the root in tree-sitter, too slow for every name.
 */
export interface ScopeTable {
  starts: number[];
  ends: number[];
  scopes: Scope[];
  parent: number[];
  chains: Array<Scope[] | undefined>;
}

export function buildScopes(ctx: Ctx, nodes: Node[]): void {
  const lang = ctx.scope;
  if (!lang) return;
  const regions: Array<{ start: number; end: number; scope: Scope }> = [];
  for (const n of nodes) {
    const kind = lang.fn.has(n.type) ? "fn" : lang.cls.has(n.type) ? "class" : null;
    const body = kind ? n.childForFieldName("body") : null;
    if (kind && body && body.endIndex > body.startIndex) regions.push({ start: body.startIndex, end: body.endIndex, scope: { kind, node: n } });
  }
  regions.sort((a, b) => a.start - b.start || b.end - a.end);
  const t: ScopeTable = { starts: [], ends: [], scopes: [], parent: [], chains: [] };
  const stack: number[] = [];
  regions.forEach((r, i) => {
    while (stack.length && t.ends[stack[stack.length - 1]] <= r.start) stack.pop();
    t.starts.push(r.start);
    t.ends.push(r.end);
    t.scopes.push(r.scope);
    t.parent.push(stack.length ? stack[stack.length - 1] : -1);
    stack.push(i);
  });
  ctx.scopes = t;
}

/** Scopes around a node, innermost first. */
export function chain(ctx: Ctx, node: Node): Scope[] {
  const t = ctx.scopes;
  if (!t || !t.starts.length) return [];
  const s = node.startIndex;
  const e = node.endIndex;
  // The last region starting at or before the node; the regions around the node are it and those around it.
  let lo = 0;
  let hi = t.starts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (t.starts[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  let i = lo - 1;
  while (i >= 0 && t.ends[i] < e) i = t.parent[i];
  return i >= 0 ? chainAt(t, i) : [];
}

function chainAt(t: ScopeTable, i: number): Scope[] {
  let c = t.chains[i];
  if (!c) {
    c = [t.scopes[i], ...(t.parent[i] >= 0 ? chainAt(t, t.parent[i]) : [])];
    t.chains[i] = c;
  }
  return c;
}

/** Parameter names of a function → their default value's node (null: no default). */
export function paramsOf(ctx: Ctx, fn: Node): Map<string, Node | null> {
  let m = ctx.paramCache.get(fn.id);
  if (m) return m;
  m = new Map();
  const list = fn.childForFieldName("parameters");
  const single = fn.childForFieldName("parameter"); // x => ...
  if (single?.type === "identifier") m.set(single.text, null);
  for (const p of list?.namedChildren ?? []) if (p) addParam(p, null, m);
  ctx.paramCache.set(fn.id, m);
  return m;
}

function addParam(p: Node, dflt: Node | null, m: Map<string, Node | null>): void {
  switch (p.type) {
    case "identifier":
      m.set(p.text, dflt);
      return;
    case "shorthand_property_identifier_pattern":
      m.set(p.text, dflt);
      return;
    case "default_parameter": // Python
    case "typed_default_parameter": {
      const n = p.childForFieldName("name");
      if (n) m.set(n.text, p.childForFieldName("value"));
      return;
    }
    case "typed_parameter":
    case "list_splat_pattern":
    case "dictionary_splat_pattern":
    case "rest_pattern": {
      const n = p.namedChildren.find((c) => c?.type === "identifier");
      if (n) m.set(n.text, null);
      return;
    }
    case "assignment_pattern": // JS: x = 1
    case "object_assignment_pattern": // { x = 1 }
      if (p.childForFieldName("left")) addParam(p.childForFieldName("left")!, p.childForFieldName("right"), m);
      return;
    case "required_parameter": // TS
    case "optional_parameter": {
      const pat = p.childForFieldName("pattern");
      if (pat) addParam(pat, p.childForFieldName("value"), m);
      return;
    }
    case "object_pattern":
    case "array_pattern":
      for (const c of p.namedChildren) {
        if (!c) continue;
        if (c.type === "pair_pattern") {
          const v = c.childForFieldName("value");
          if (v) addParam(v, null, m);
        } else addParam(c, null, m);
      }
      return;
    default:
  }
}

/** The class whose `self`/`cls`/`this` a node sees, or null. */
export function selfClass(ctx: Ctx, node: Node): Node | null {
  const lang = ctx.scope;
  if (!lang) return null;
  for (const s of chain(ctx, node)) {
    if (s.kind === "class") return s.node;
    if (lang.arrow === null) continue; // Python: self is the method's first parameter, whatever the nesting
    if (s.node.type === lang.arrow) continue;
    // JS: `this` of a method is its class; of a plain function or an object's method, unknown.
    if (s.node.type === "method_definition" && s.node.parent?.type === "class_body") continue;
    return null;
  }
  return null;
}

/** Where a bare name used at `at` is bound: its key in ctx.env (for an assignment or a lookup). */
export function nameKey(ctx: Ctx, at: Node, name: string, declaring: boolean): string {
  const lang = ctx.scope;
  if (!lang) return name;
  const ch = chain(ctx, at);
  if (declaring && ch.length) {
    const s = ch[0];
    if (s.kind === "class") return lang.classBodyBinds ? `${classKey(s.node)}.${name}` : name;
    const k = fnKey(s.node, name);
    if (!ctx.globals.has(k)) return k;
    return name;
  }
  for (let i = 0; i < ch.length; i++) {
    const s = ch[i];
    if (s.kind === "fn") {
      const k = fnKey(s.node, name);
      if (ctx.globals.has(k)) return name;
      if (ctx.env.has(k) || ctx.declared.has(k) || paramsOf(ctx, s.node).has(name)) return k;
    } else if (i === 0 && lang.classBodyBinds) {
      const k = `${classKey(s.node)}.${name}`;
      if (ctx.env.has(k)) return k;
    }
  }
  return name;
}

/** What a name or a member expression refers to: its key in ctx.env (null: none) and its value. */
export interface Ref {
  key: string | null;
  val: Val | null;
}

const none: Ref = { key: null, val: null };

/**
 * A bare name (a local, a parameter's default evaluated where its function is defined, a class
 * member in the class body, a module name; `self`/`cls`/`this`: the enclosing class), or
 * `obj.attr` (a value bound to it, else the member of obj's value: an instance's own values, then
 * its class's and the bases'). A property (`@property`) reads as its return value.
 */
export function resolve(ctx: Ctx, node: Node, depth: number): Ref {
  if (depth > 20) return none;
  const t = node.type;
  if (t === "identifier" || t === "this" || t === "shorthand_property_identifier") {
    const name = node.text;
    if (ctx.scope?.selfNames.has(name)) {
      const c = selfClass(ctx, node);
      return c ? { key: classKey(c), val: { t: "class", key: classKey(c) } } : none;
    }
    const key = nameKey(ctx, node, name, false);
    const v = ctx.env.get(key);
    if (v || key === name || ctx.declared.has(key)) return { key, val: v ?? null };
    // A parameter: its default.
    const fnId = key.slice(1, key.indexOf(":"));
    for (const s of chain(ctx, node)) {
      if (s.kind === "fn" && String(s.node.id) === fnId) {
        const d = paramsOf(ctx, s.node).get(name);
        return { key, val: d ? ctx.evaluate(d, depth + 1) : null };
      }
    }
    return { key, val: null };
  }
  if (t === "attribute" || t === "member_expression") {
    const o = node.childForFieldName("object");
    const a = node.childForFieldName(t === "attribute" ? "attribute" : "property");
    if (!o || !a) return none;
    const r = resolve(ctx, o, depth + 1);
    const base = r.val?.t === "class" ? r.val.key : r.key;
    const key = base === null ? null : `${base}.${a.text}`;
    const v = (key !== null ? ctx.env.get(key) : undefined) ?? member(ctx, r.val, a.text);
    if (v?.t === "fn" && v.property) {
      const r = ctx.returns.get(`${v.key}#return`);
      return { key, val: r ? ctx.evaluate(r, depth + 1) : null };
    }
    return { key, val: v ?? null };
  }
  return { key: null, val: ctx.evaluate(node, depth + 1) };
}

/**
 * Key of `obj.attr` as an assignment target: `self.x` and `Svc.x` → the class's member, `local.x`
 * under the local's key, `mod.x` as written. Null: never resolves (self outside a class, or an
 * object that is not a name).
 */
export function memberKey(ctx: Ctx, obj: Node, attr: string): string | null {
  const r = resolve(ctx, obj, 0);
  const base = r.val?.t === "class" ? r.val.key : r.key;
  return base === null ? null : `${base}.${attr}`;
}

/** A member of a class (with its bases in the file) or of an instance (its own values first). */
export function member(ctx: Ctx, v: Val | null, attr: string, depth = 0): Val | null {
  if (!v || depth > 20) return null;
  if (v.t === "obj") return v.props.get(attr) ?? null;
  if (v.t === "inst") return v.props.get(attr) ?? member(ctx, { t: "class", key: v.cls }, attr, depth + 1);
  if (v.t === "class") {
    const own = ctx.env.get(`${v.key}.${attr}`);
    if (own) return own;
    for (const b of ctx.bases.get(v.key) ?? []) {
      const x = member(ctx, { t: "class", key: b }, attr, depth + 1);
      if (x) return x;
    }
  }
  return null;
}

/** Records a class: its key, and the keys of its bases that are classes of this file. */
export function defineClass(ctx: Ctx, cls: Node, bases: Array<Val | null>): Val {
  const key = classKey(cls);
  ctx.bases.set(key, bases.flatMap((b) => (b?.t === "class" && b.key !== key ? [b.key] : [])));
  return { t: "class", key };
}

// JavaScript/TypeScript/TSX: fetch, axios (incl. create({baseURL})), node-fetch, undici, got,
// http(s).request/get, OpenAI/Anthropic/@azure/openai clients, LangChain.js chat/embedding clients,
// AWS SDK v3 clients, WebSocket, EventSource. Constant propagation through const/let/var, +,
// template literals, objects, `{ region }` shorthand, `??`/`||` defaults, new URL(path, base),
// class fields and `this.x` (per class), static fields, instances and parameter defaults.
import type { Node } from "web-tree-sitter";
import type { Grammar } from "../languages.ts";
import { canonical, emit, type Ctx } from "./context.ts";
import { awsEndpoint, endpointOf } from "./endpoints.ts";
import { classKey, defineClass, memberKey, nameKey, resolve, selfClass } from "./scope.ts";
import { concat, hintOf, joinUrl, prop, str, text, unescapeString, urlVal, type Val } from "./values.ts";

const jsCommonQuery = `
(import_statement) @import
(variable_declarator name: (_) @lhs value: (_)? @rhs) @assign
(assignment_expression left: [(identifier) (member_expression)] @lhs right: (_) @rhs) @assign
(call_expression function: (_) @fn arguments: (arguments) @args) @call
(new_expression constructor: (_) @fn arguments: (arguments) @args) @call
(class_declaration name: (_) @lhs) @class
(class) @class
[(function_declaration) (function_expression) (generator_function_declaration) (generator_function) (arrow_function) (method_definition)] @scope
`;

/** The query for a grammar: class fields differ between JavaScript and TypeScript (with parameter properties). */
export function jsQuery(g: Grammar): string {
  if (g === "javascript") return `${jsCommonQuery}(field_definition property: (_) @lhs value: (_) @rhs) @assign\n`;
  return `${jsCommonQuery}(abstract_class_declaration name: (_) @lhs) @class
(public_field_definition name: (_) @lhs value: (_) @rhs) @assign
(required_parameter pattern: (identifier) @lhs value: (_) @rhs) @assign
`;
}

const verbs = new Set(["get", "post", "put", "patch", "delete", "head", "options", "request", "stream"]);

const argList = (call: Node): Node[] => (call.childForFieldName("arguments")?.namedChildren ?? []).filter((n): n is Node => !!n && n.type !== "comment");

export function evalJs(node: Node | null, ctx: Ctx, depth = 0): Val | null {
  if (!node || depth > 20) return null;
  switch (node.type) {
    case "string":
      return str(node.namedChildren.map((c) => (c?.type === "escape_sequence" ? unescapeString(c.text) : (c?.text ?? ""))).join(""));
    case "number":
      return str(node.text);
    case "template_string": {
      const parts: Array<Val | null> = [];
      const hints: string[] = [];
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === "string_fragment") parts.push(str(c.text));
        else if (c.type === "escape_sequence") parts.push(str(unescapeString(c.text)));
        else if (c.type === "template_substitution") {
          const e = c.namedChildren[0] ?? null;
          hints[parts.length] = hintOf(e);
          parts.push(evalJs(e, ctx, depth + 1));
        }
      }
      return concat(parts, hints);
    }
    case "parenthesized_expression":
    case "as_expression":
    case "satisfies_expression":
    case "non_null_expression":
    case "await_expression":
      return evalJs(node.namedChildren[0], ctx, depth + 1);
    case "identifier":
    case "shorthand_property_identifier":
    case "this":
    case "member_expression":
      return resolve(ctx, node, depth).val;
    case "class":
      return { t: "class", key: classKey(node) };
    case "binary_expression": {
      const op = node.childForFieldName("operator")?.text;
      const l = node.childForFieldName("left");
      const r = node.childForFieldName("right");
      if (op === "+") return concat([evalJs(l, ctx, depth + 1), evalJs(r, ctx, depth + 1)], [hintOf(l), hintOf(r)]);
      if (op === "??" || op === "||") {
        const lv = evalJs(l, ctx, depth + 1);
        return lv && (lv.t !== "str" || lv.known) ? lv : (evalJs(r, ctx, depth + 1) ?? lv);
      }
      return null;
    }
    case "object": {
      const props = new Map<string, Val>();
      for (const p of node.namedChildren) {
        if (!p) continue;
        if (p.type === "pair") {
          const k = p.childForFieldName("key");
          const key = k?.type === "string" ? (evalJs(k, ctx) as { s: string } | null)?.s : k?.text;
          const v = evalJs(p.childForFieldName("value"), ctx, depth + 1);
          if (key && v) props.set(key, v);
        } else if (p.type === "shorthand_property_identifier") {
          const v = resolve(ctx, p, depth + 1).val;
          if (v) props.set(p.text, v);
        } else if (p.type === "spread_element") {
          const v = evalJs(p.namedChildren[0], ctx, depth + 1);
          if (v?.t === "obj") for (const [k, x] of v.props) props.set(k, x);
        }
      }
      return { t: "obj", props };
    }
    case "new_expression": {
      const ctor = node.childForFieldName("constructor")?.text;
      if (ctor === "URL") {
        const [p, b] = argList(node);
        return joinUrl(b ? evalJs(b, ctx, depth + 1) : null, evalJs(p ?? null, ctx, depth + 1));
      }
      const c = evalJs(node.childForFieldName("constructor"), ctx, depth + 1);
      return c?.t === "class" ? { t: "inst", cls: c.key, props: new Map() } : null;
    }
    default:
      return null;
  }
}

function moduleName(spec: string): string {
  return spec.replace(/^node:/, "");
}

export function handleJsImport(node: Node, ctx: Ctx): void {
  const src = node.childForFieldName("source");
  if (!src) return;
  const mod = moduleName((evalJs(src, ctx) as { s: string } | null)?.s ?? "");
  const clause = node.namedChildren.find((c) => c?.type === "import_clause");
  for (const c of clause?.namedChildren ?? []) {
    if (!c) continue;
    if (c.type === "identifier") ctx.imports.set(c.text, mod);
    else if (c.type === "namespace_import") {
      const id = c.namedChildren.find((x) => x?.type === "identifier");
      if (id) ctx.imports.set(id.text, mod);
    } else if (c.type === "named_imports") {
      for (const s of c.namedChildren) {
        if (s?.type !== "import_specifier") continue;
        const name = s.childForFieldName("name")?.text;
        const alias = s.childForFieldName("alias")?.text ?? name;
        if (name && alias) ctx.imports.set(alias, name === "default" ? mod : `${mod}.${name}`);
      }
    }
  }
}

/** `const x = require("m")` and `const { a, b: c } = require("m")`; true when handled. */
export function handleJsRequire(lhs: Node, inner: Node, ctx: Ctx): boolean {
  if (inner.type !== "call_expression") return false;
  const fnText = inner.childForFieldName("function")?.text;
  if (fnText !== "require" && fnText !== "import") return false;
  const spec = evalJs(argList(inner)[0] ?? null, ctx);
  if (spec?.t !== "str") return false;
  const mod = moduleName(spec.s);
  if (lhs.type === "identifier") ctx.imports.set(lhs.text, mod);
  else if (lhs.type === "object_pattern") {
    for (const p of lhs.namedChildren) {
      if (!p) continue;
      if (p.type === "shorthand_property_identifier_pattern") ctx.imports.set(p.text, `${mod}.${p.text}`);
      else if (p.type === "pair_pattern") {
        const k = p.childForFieldName("key")?.text;
        const v = p.childForFieldName("value")?.text;
        if (k && v) ctx.imports.set(v, `${mod}.${k}`);
      }
    }
  }
  return true;
}

/** An options object for http(s).request: {protocol, hostname|host, port, path}. */
function urlFromOptions(o: Val | null, defaultScheme: string): Val | null {
  if (!o || o.t !== "obj") return null;
  const host = prop(o, "hostname") ?? prop(o, "host");
  if (!host) return null;
  const proto = prop(o, "protocol");
  const scheme = proto?.t === "str" ? proto.s.replace(/:$/, "") : defaultScheme;
  const port = prop(o, "port");
  const path = prop(o, "path");
  return concat([str(`${scheme}://`), host, port ? concat([str(":"), port]) : str(""), path ?? str("")]);
}

export function handleJsCall(call: Node, ctx: Ctx): Val | null {
  const fn = call.childForFieldName(call.type === "new_expression" ? "constructor" : "function");
  if (!fn) return null;
  const isNew = call.type === "new_expression";
  const a = argList(call);
  const arg = (i: number) => evalJs(a[i] ?? null, ctx);
  const name = canonical(ctx, fn.text.replace(/^(globalThis|window|self)\./, "").replace(/\?\./g, "."));
  const dyn = (what: string) => `${what}(<dynamic>)`;
  const urlOrHint = (i: number): Val | null => urlVal(arg(i)) ?? (a[i] ? str(`{${hintOf(a[i])}}`, false) : null);

  // Methods of a bound client: api.get("/users")
  if (fn.type === "member_expression") {
    const method = fn.childForFieldName("property")?.text ?? "";
    const obj = verbs.has(method) ? fn.childForFieldName("object") : null;
    const bound = obj ? evalJs(obj, ctx) : null;
    if (bound?.t === "client" && bound.http) {
      const first = arg(0);
      const url = method === "request" && first?.t === "obj" ? (prop(first, "url") ?? null) : urlOrHint(0);
      emit(ctx, call, "call-site", endpointOf(joinUrl(bound.base, url), dyn(`${bound.api}.${method}`)), `js/${bound.api}`);
      return null;
    }
  }

  if (name === "fetch" || name === "node-fetch" || name === "undici.fetch" || name === "undici.request" || name === "cross-fetch" || name === "isomorphic-fetch") {
    const first = arg(0);
    const url = first?.t === "obj" ? prop(first, "url") : urlOrHint(0);
    if (!a[0]) return null;
    emit(ctx, call, "call-site", endpointOf(url, dyn(name)), `js/${name.split(".")[0]}`);
    return null;
  }
  const ax = name.match(/^(axios|got|ky|superagent|needle)(?:\.(\w+))?$/);
  if (ax) {
    const [, lib, method] = ax;
    if (method === "create" || method === "extend") {
      const cfg = arg(0);
      const base = prop(cfg, "baseURL") ?? prop(cfg, "prefixUrl") ?? prop(cfg, "prefixURL");
      if (base) emit(ctx, call, "sdk-client", endpointOf(base, dyn(`${lib}.${method}`)), `js/${lib}`);
      return { t: "client", api: lib, base, http: true };
    }
    if (method === undefined || verbs.has(method)) {
      const first = arg(0);
      let url: Val | null;
      if (first?.t === "obj") url = joinUrl(prop(first, "baseURL") ?? prop(first, "prefixUrl"), prop(first, "url"));
      else url = urlOrHint(0);
      if (!a[0]) return null;
      emit(ctx, call, "call-site", endpointOf(url, dyn(method ? `${lib}.${method}` : lib)), `js/${lib}`);
    }
    return null;
  }
  const h = name.match(/^(https?|http2)\.(request|get|connect)$/);
  if (h) {
    const scheme = h[1] === "http" ? "http" : "https";
    const first = arg(0);
    const url = first?.t === "obj" ? urlFromOptions(first, scheme) : urlOrHint(0);
    emit(ctx, call, "call-site", endpointOf(url, dyn(`${h[1]}.${h[2]}`)), `js/${h[1]}`);
    return null;
  }
  if (isNew && /^(WebSocket|EventSource|ws|ws\.WebSocket|isomorphic-ws|reconnecting-websocket|eventsource)$/.test(name)) {
    emit(ctx, call, "call-site", endpointOf(urlOrHint(0), dyn(name)), "js/websocket");
    return null;
  }
  const ai = name.match(/^(openai|@anthropic-ai\/sdk|@azure\/openai)(?:\.(\w+))?$/);
  if (isNew && ai) {
    const [, pkg, cls = pkg === "openai" ? "OpenAI" : "Anthropic"] = ai;
    const cfg = arg(0);
    if (pkg === "@azure/openai" || cls === "AzureOpenAI") {
      const ep = pkg === "@azure/openai" ? urlOrHint(0) : (prop(cfg, "endpoint") ?? prop(cfg, "baseURL"));
      emit(ctx, call, "sdk-client", ep ? endpointOf(ep, `${cls}(<dynamic endpoint>)`) : { value: `${cls}(endpoint from AZURE_OPENAI_ENDPOINT)`, host: null, port: 443 }, `js/${pkg}`);
    } else if (/Bedrock/.test(cls)) {
      emit(ctx, call, "sdk-client", awsEndpoint("bedrock-runtime", prop(cfg, "awsRegion")), `js/${pkg}`);
    } else {
      const dflt = pkg === "openai" ? "https://api.openai.com/v1" : "https://api.anthropic.com";
      const base = prop(cfg, "baseURL");
      emit(ctx, call, "sdk-client", endpointOf(base ?? str(dflt), `${cls}(<dynamic baseURL>)`), `js/${pkg}`);
    }
    return { t: "client", api: pkg, base: null, http: false };
  }
  const lc = isNew ? name.match(/^(?:@langchain\/(?:openai|anthropic)|langchain\/(?:chat_models|llms|embeddings)\/(?:openai|anthropic))\.(\w+)$/) : null;
  if (lc) {
    const cls = lc[1];
    const cfg = arg(0);
    let base: Val | null;
    let dflt: string | null = null;
    if (/^Azure(ChatOpenAI|OpenAIEmbeddings|OpenAI)$/.test(cls)) {
      const instance = prop(cfg, "azureOpenAIApiInstanceName");
      base = prop(cfg, "azureOpenAIEndpoint") ?? prop(cfg, "azureOpenAIBasePath") ?? (instance ? concat([str("https://"), instance, str(".openai.azure.com")]) : null);
    } else if (/^(ChatOpenAI|OpenAIEmbeddings|OpenAI)$/.test(cls)) {
      base = prop(prop(cfg, "configuration"), "baseURL") ?? prop(cfg, "baseURL");
      dflt = "https://api.openai.com/v1";
    } else if (/^(ChatAnthropic|Anthropic)$/.test(cls)) {
      base = prop(cfg, "anthropicApiUrl") ?? prop(prop(cfg, "clientOptions"), "baseURL");
      dflt = "https://api.anthropic.com";
    } else return null;
    const ep = base ? endpointOf(base, `${cls}(<dynamic endpoint>)`) : dflt ? endpointOf(str(dflt), "") : { value: `${cls}(endpoint from AZURE_OPENAI_API_INSTANCE_NAME)`, host: null, port: 443 };
    emit(ctx, call, "sdk-client", ep, "js/langchain");
    return { t: "client", api: "langchain", base: null, http: false };
  }
  const aws = name.match(/^@aws-sdk\/client-([a-z0-9-]+)\.(\w+Client|\w+)$/);
  if (isNew && aws && /Client$/.test(aws[2])) {
    const cfg = arg(0);
    const endpoint = prop(cfg, "endpoint");
    const ep = endpoint ? endpointOf(endpoint, `${aws[2]}(<dynamic endpoint>)`) : awsEndpoint(aws[1], prop(cfg, "region"));
    emit(ctx, call, "sdk-client", ep, "js/aws-sdk");
    return { t: "client", api: "aws-sdk", base: null, http: false };
  }
  return null;
}

/** The key an assignment, declaration, field or parameter property binds (null: none). */
export function jsTargetKey(ctx: Ctx, node: Node, lhs: Node): string | null {
  switch (node.type) {
    case "field_definition":
    case "public_field_definition": {
      const c = selfClass(ctx, lhs);
      return c && !lhs.text.startsWith("[") ? `${classKey(c)}.${lhs.text.replace(/^(["'])(.*)\1$/, "$2")}` : null;
    }
    case "required_parameter": {
      // constructor(private base = "..."): a field of the class.
      if (!node.children.some((c) => c?.type === "accessibility_modifier" || c?.type === "readonly")) return null;
      const c = selfClass(ctx, lhs);
      return c ? `${classKey(c)}.${lhs.text}` : null;
    }
    default:
  }
  if (lhs.type === "identifier" || lhs.type === "shorthand_property_identifier_pattern") return nameKey(ctx, lhs, lhs.text, node.type === "variable_declarator");
  if (lhs.type === "member_expression") {
    const obj = lhs.childForFieldName("object");
    const p = lhs.childForFieldName("property");
    return obj && p ? memberKey(ctx, obj, p.text) : null;
  }
  return null;
}

/** `class Name extends Base`: binds Name (declarations) and records the base when it is a class of the file. */
export function handleJsClass(node: Node, name: Node | null, ctx: Ctx): void {
  const heritage = node.namedChildren.find((c) => c?.type === "class_heritage");
  const ext = heritage?.namedChildren.find((c) => c?.type === "extends_clause");
  const baseNode = ext ? ext.childForFieldName("value") : (heritage?.namedChildren[0] ?? null);
  const cls = defineClass(ctx, node, [evalJs(baseNode, ctx)]);
  if (name && node.type !== "class") ctx.env.set(nameKey(ctx, node, name.text, true), cls);
}

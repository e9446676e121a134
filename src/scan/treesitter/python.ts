// Python: requests, httpx, urllib/urllib3, http.client, aiohttp, websockets, openai/anthropic
// SDK clients, LangChain and LlamaIndex chat/embedding clients, azure-* clients, boto3. Constant
// propagation through assignments, + and %, f-strings, implicit concatenation, str.format,
// os.getenv defaults, urljoin, `or`, class attributes and `self.x` (per class), instances of the
// file's classes (pydantic/dataclass field defaults), parameter defaults and return values.
import type { Node } from "web-tree-sitter";
import { canonical, emit, type Ctx } from "./context.ts";
import { awsEndpoint, endpointOf, type Endpoint } from "./endpoints.ts";
import { chain, defineClass, fnKey, memberKey, nameKey, resolve } from "./scope.ts";
import { concat, hintOf, joinUrl, str, text, unescapeString, urlVal, type Val } from "./values.ts";

export const pythonQuery = `
(import_statement) @import
(import_from_statement) @import
(assignment left: [(identifier) (attribute)] @lhs right: (_) @rhs) @assign
(as_pattern (_) @rhs alias: (as_pattern_target (identifier) @lhs)) @assign
(call function: (_) @fn arguments: (argument_list) @args) @call
(class_definition name: (identifier) @lhs) @class
(function_definition name: (identifier) @lhs) @def
(return_statement (_) @rhs) @ret
(global_statement) @global
(lambda) @scope
`;

const httpVerbs = new Set(["get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send", "urlopen", "ws_connect"]);

function args(call: Node): { pos: Node[]; kw: Map<string, Node> } {
  const pos: Node[] = [];
  const kw = new Map<string, Node>();
  const list = call.childForFieldName("arguments");
  for (const a of list?.namedChildren ?? []) {
    if (!a) continue;
    if (a.type === "keyword_argument") {
      const name = a.childForFieldName("name")?.text;
      const value = a.childForFieldName("value");
      if (name && value) kw.set(name, value);
    } else if (a.type !== "comment" && a.type !== "list_splat" && a.type !== "dictionary_splat") pos.push(a);
  }
  return { pos, kw };
}

export function evalPy(node: Node | null, ctx: Ctx, depth = 0): Val | null {
  if (!node || depth > 20) return null;
  switch (node.type) {
    case "string": {
      const parts: Array<Val | null> = [];
      const hints: string[] = [];
      for (const c of node.namedChildren) {
        if (!c) continue;
        if (c.type === "string_content") parts.push(str(c.text));
        else if (c.type === "escape_sequence") parts.push(str(unescapeString(c.text)));
        else if (c.type === "interpolation") {
          const e = c.childForFieldName("expression");
          parts.push(evalPy(e, ctx, depth + 1));
          hints.push("");
          hints[parts.length - 1] = hintOf(e);
        }
      }
      return concat(parts, hints);
    }
    case "integer":
      return str(node.text);
    case "concatenated_string":
      return concat(node.namedChildren.map((c) => evalPy(c, ctx, depth + 1)));
    case "parenthesized_expression":
      return evalPy(node.namedChildren[0], ctx, depth + 1);
    case "identifier":
    case "attribute":
      return resolve(ctx, node, depth).val;
    case "boolean_operator": {
      if (node.childForFieldName("operator")?.text !== "or") return null;
      const lv = evalPy(node.childForFieldName("left"), ctx, depth + 1);
      return lv && (lv.t !== "str" || lv.known) ? lv : (evalPy(node.childForFieldName("right"), ctx, depth + 1) ?? lv);
    }
    case "binary_operator": {
      const op = node.childForFieldName("operator")?.text;
      const l = node.childForFieldName("left");
      const r = node.childForFieldName("right");
      if (op === "+") return concat([evalPy(l, ctx, depth + 1), evalPy(r, ctx, depth + 1)], [hintOf(l), hintOf(r)]);
      if (op === "%") {
        const fmt = evalPy(l, ctx, depth + 1);
        if (!fmt || fmt.t !== "str") return null;
        const items = r?.type === "tuple" ? r.namedChildren : [r];
        let i = 0;
        let ok = fmt.known;
        const s = fmt.s.replace(/%[-+ #0]*\d*(?:\.\d+)?[sdrif]/g, () => {
          const n = items[i++] ?? null;
          const v = evalPy(n, ctx, depth + 1);
          if (!v || v.t !== "str" || !v.known) ok = false;
          return text(v, hintOf(n));
        });
        return str(s, ok);
      }
      return null;
    }
    case "call":
      return ctx.callVals.get(node.id) ?? callValue(node, ctx, depth);
    case "dictionary": {
      const props = new Map<string, Val>();
      for (const p of node.namedChildren) {
        if (p?.type !== "pair") continue;
        const k = evalPy(p.childForFieldName("key"), ctx, depth + 1);
        const v = evalPy(p.childForFieldName("value"), ctx, depth + 1);
        if (k?.t === "str" && v) props.set(k.s, v);
      }
      return { t: "obj", props };
    }
    default:
      return null;
  }
}

/** Value of a call used as an expression (no findings emitted here). */
function callValue(node: Node, ctx: Ctx, depth: number): Val | null {
  const fn = node.childForFieldName("function");
  if (!fn) return null;
  const { pos, kw } = args(node);
  if (fn.type === "attribute") {
    const attr = fn.childForFieldName("attribute")?.text;
    const obj = fn.childForFieldName("object");
    if (attr === "format" && obj) {
      const fmt = evalPy(obj, ctx, depth + 1);
      if (!fmt || fmt.t !== "str") return null;
      let i = 0;
      let ok = fmt.known;
      const s = fmt.s.replace(/\{(\w*)(?:![rsa])?(?::[^}]*)?\}/g, (_, name: string) => {
        const n = name && !/^\d+$/.test(name) ? (kw.get(name) ?? null) : (pos[name ? Number(name) : i++] ?? null);
        const v = evalPy(n, ctx, depth + 1);
        if (!v || v.t !== "str" || !v.known) ok = false;
        return text(v, name || hintOf(n));
      });
      return str(s, ok);
    }
  }
  // The file's own classes and functions: an instance (keyword arguments set its fields), a return value.
  const fnText = fn.text;
  const dot = fnText.indexOf(".");
  if ((fn.type === "identifier" || fn.type === "attribute") && !ctx.imports.has(dot < 0 ? fnText : fnText.slice(0, dot))) {
    const f = evalPy(fn, ctx, depth + 1);
    if (f?.t === "class") {
      const props = new Map<string, Val>();
      for (const [k, n] of kw) {
        const v = evalPy(n, ctx, depth + 1);
        if (v) props.set(k, v);
      }
      return { t: "inst", cls: f.key, props };
    }
    if (f?.t === "fn") return returnValue(ctx, f.key, depth);
  }
  const name = canonical(ctx, fnText);
  // pydantic `Field("https://...")`/`Field(default=...)`, dataclasses `field(default=...)`.
  if (/(^|\.)Field$/.test(name) || /^(dataclasses\.)?field$/.test(name)) {
    return evalPy(kw.get("default") ?? (/Field$/.test(name) ? (pos[0] ?? null) : null), ctx, depth + 1);
  }
  if (/(^|\.)(getenv|environ\.get)$/.test(name)) {
    const dflt = pos[1] ?? kw.get("default") ?? null;
    const v = dflt ? evalPy(dflt, ctx, depth + 1) : null;
    const envName = evalPy(pos[0] ?? null, ctx, depth + 1);
    return v ?? str(`{env:${text(envName)}}`, false);
  }
  if (/(^|\.)urljoin$/.test(name)) return joinUrl(evalPy(pos[0] ?? null, ctx, depth + 1), evalPy(pos[1] ?? null, ctx, depth + 1));
  if (name === "str") return evalPy(pos[0] ?? null, ctx, depth + 1);
  return null;
}

function urlArg(ctx: Ctx, call: Node, index: number, ...names: string[]): { node: Node | null; val: Val | null } {
  const { pos, kw } = args(call);
  let node: Node | null = null;
  for (const n of names) node ??= kw.get(n) ?? null;
  node ??= pos[index] ?? null;
  return { node, val: urlVal(evalPy(node, ctx)) ?? (node ? str(`{${hintOf(node)}}`, false) : null) };
}

/** Handles one call: emits findings and returns the value it creates (a client), if any. */
export function handlePyCall(call: Node, ctx: Ctx): Val | null {
  const fn = call.childForFieldName("function");
  if (!fn) return null;
  const name = canonical(ctx, fn.text);
  const dyn = (what: string) => `${what}(<dynamic>)`;

  // Methods of a bound client/session: client.get("/path")
  if (fn.type === "attribute") {
    const method = fn.childForFieldName("attribute")?.text ?? "";
    const obj = httpVerbs.has(method) ? fn.childForFieldName("object") : null;
    const bound = obj ? evalPy(obj, ctx) : null;
    if (bound?.t === "client" && bound.http) {
      const idx = method === "request" ? 1 : 0;
      const { val, node } = urlArg(ctx, call, idx, "url");
      if (!node) return null;
      const full = joinUrl(bound.base, val ?? str(`{${hintOf(node)}}`, false));
      emit(ctx, call, "call-site", endpointOf(full, dyn(`${bound.api}.${method}`)), `python/${bound.api}`);
      return null;
    }
  }

  const m = name.match(/^(requests|httpx|aiohttp|urllib3|urllib\.request|websockets|websocket)\.(?:api\.)?(\w+)$/);
  if (m) {
    const [, lib, fnName] = m;
    const api = lib === "urllib.request" ? "urllib" : lib;
    if (/^(Session|Client|AsyncClient|ClientSession|PoolManager|ProxyManager)$/.test(fnName)) {
      const base = urlArg(ctx, call, -1, "base_url");
      if (base.node) emit(ctx, call, "sdk-client", endpointOf(base.val, dyn(`${api}.${fnName}`)), `python/${api}`);
      return { t: "client", api, base: base.node ? (base.val ?? str(`{${hintOf(base.node)}}`, false)) : null, http: true };
    }
    if (/^(HTTPConnectionPool|HTTPSConnectionPool|connection_from_url)$/.test(fnName)) {
      const { val } = urlArg(ctx, call, 0, "host", "url");
      const scheme = fnName.startsWith("HTTPS") ? "https://" : fnName.startsWith("HTTP") ? "http://" : "";
      const ep = endpointOf(val && scheme && val.t === "str" && !val.s.includes("://") ? str(scheme + val.s, val.known) : val, dyn(`urllib3.${fnName}`));
      emit(ctx, call, "sdk-client", ep, "python/urllib3");
      return { t: "client", api: "urllib3", base: val, http: true };
    }
    if (httpVerbs.has(fnName) || fnName === "Request" || fnName === "connect") {
      const idx = fnName === "request" && lib !== "urllib.request" ? 1 : 0;
      const { val, node } = urlArg(ctx, call, idx, "url", "uri");
      if (!node && fnName !== "request") return null;
      emit(ctx, call, "call-site", endpointOf(val, dyn(`${api}.${fnName}`)), `python/${api}`);
      return fnName === "Request" ? val : null;
    }
    return null;
  }
  const hc = name.match(/^http\.client\.(HTTPS?Connection)$/);
  if (hc) {
    const { val } = urlArg(ctx, call, 0, "host");
    const portArg = urlArg(ctx, call, 1, "port");
    const port = portArg.node?.type === "none" ? null : portArg.val; // port None: the scheme's default
    const scheme = hc[1] === "HTTPSConnection" ? "https" : "http";
    const hostText = val && val.t === "str" ? val : null;
    const url = hostText ? str(`${scheme}://${hostText.s}${port?.t === "str" ? `:${port.s}` : ""}`, hostText.known) : null;
    emit(ctx, call, "call-site", endpointOf(url, dyn(`http.client.${hc[1]}`)), "python/http.client");
    return null;
  }
  // AI SDK clients with their defaults.
  const ai = name.match(/^(openai|anthropic)\.(?:\w+\.)*(OpenAI|AsyncOpenAI|AzureOpenAI|AsyncAzureOpenAI|Anthropic|AsyncAnthropic|AnthropicBedrock|AnthropicVertex)$/);
  if (ai) {
    const cls = ai[2];
    if (cls.includes("Azure")) {
      const { val, node } = urlArg(ctx, call, -1, "azure_endpoint", "base_url");
      emit(ctx, call, "sdk-client", node ? endpointOf(val, `${cls}(<dynamic endpoint>)`) : { value: `${cls}(azure_endpoint from AZURE_OPENAI_ENDPOINT)`, host: null, port: 443 }, `python/${ai[1]}`);
    } else if (cls === "AnthropicBedrock") {
      const region = urlArg(ctx, call, -1, "aws_region").val;
      emit(ctx, call, "sdk-client", awsEndpoint("bedrock-runtime", region), "python/anthropic");
    } else if (cls === "AnthropicVertex") {
      const region = urlArg(ctx, call, -1, "region").val;
      const r = region?.t === "str" && region.known ? region.s : null;
      emit(ctx, call, "sdk-client", r ? { value: `https://${r}-aiplatform.googleapis.com`, host: `${r}-aiplatform.googleapis.com`, port: 443 } : { value: "https://{region}-aiplatform.googleapis.com", host: null, port: 443 }, "python/anthropic");
    } else {
      const { val, node } = urlArg(ctx, call, -1, "base_url");
      const dflt = ai[1] === "openai" ? "https://api.openai.com/v1" : "https://api.anthropic.com";
      emit(ctx, call, "sdk-client", endpointOf(node ? val : str(dflt), `${cls}(<dynamic base_url>)`), `python/${ai[1]}`);
    }
    return { t: "client", api: ai[1], base: null, http: false };
  }
  const wrapper = llmWrapper(name);
  if (wrapper) {
    const { val, node } = urlArg(ctx, call, -1, ...wrapper.args);
    const cls = name.slice(name.lastIndexOf(".") + 1);
    const ep = node ? endpointOf(val, `${cls}(<dynamic endpoint>)`) : wrapper.dflt ? endpointOf(str(wrapper.dflt), "") : { value: `${cls}(azure_endpoint from AZURE_OPENAI_ENDPOINT)`, host: null, port: 443 };
    emit(ctx, call, "sdk-client", ep, wrapper.rule);
    return { t: "client", api: wrapper.rule.slice(7), base: null, http: false };
  }
  const moduleCall = openaiModuleCall(ctx, fn, name);
  if (moduleCall) {
    emit(ctx, call, "call-site", moduleCall, "python/openai");
    return null;
  }
  const fnObj = fn.type === "attribute" ? fn.childForFieldName("object") : null;
  if (/^boto3\.(?:session\.Session\(\)\.|Session\(\)\.)?(client|resource)$/.test(name) || (fnObj && /\.(client|resource)$/.test(name) && evalPy(fnObj, ctx)?.t === "mod")) {
    const service = urlArg(ctx, call, 0, "service_name").val;
    const endpointUrl = urlArg(ctx, call, -1, "endpoint_url");
    let region = urlArg(ctx, call, -1, "region_name").val;
    if (!region && fnObj) {
      const sess = evalPy(fnObj, ctx);
      if (sess?.t === "mod") region = ctx.env.get(`${sess.path}#region`) ?? null;
    }
    const svc = service?.t === "str" && service.known ? service.s : null;
    const ep = endpointUrl.node ? endpointOf(endpointUrl.val, "boto3(<dynamic endpoint_url>)") : svc ? awsEndpoint(svc, region) : { value: "boto3.client(<dynamic service>)", host: null, port: 443 };
    emit(ctx, call, "sdk-client", ep, "python/boto3");
    return { t: "client", api: "boto3", base: null, http: false };
  }
  if (/^boto3\.(?:session\.)?Session$/.test(name)) {
    const id = `boto3-session-${call.startIndex}`;
    const region = urlArg(ctx, call, -1, "region_name").val;
    if (region) ctx.env.set(`${id}#region`, region);
    return { t: "mod", path: id };
  }
  // azure-* SDK clients: any class from an azure.* module taking an endpoint.
  if (name.startsWith("azure.")) {
    const last = name.slice(name.lastIndexOf(".") + 1);
    if (last === "from_connection_string") {
      const cs = urlArg(ctx, call, 0, "conn_str").val;
      const acct = cs?.t === "str" ? cs.s.match(/AccountName=([a-z0-9]+)/i)?.[1] : undefined;
      const suffix = cs?.t === "str" ? (cs.s.match(/EndpointSuffix=([a-z0-9.]+)/i)?.[1] ?? "core.windows.net") : "core.windows.net";
      const svc = /Queue/.test(name) ? "queue" : /Table/.test(name) ? "table" : /File|Share/.test(name) ? "file" : "blob";
      const explicit = cs?.t === "str" ? cs.s.match(/(?:BlobEndpoint|Endpoint)=(https?:\/\/[^;]+)/i)?.[1] : undefined;
      const ep = explicit ? endpointOf(str(explicit), "") : acct ? endpointOf(str(`https://${acct}.${svc}.${suffix}`), "") : { value: `${name}(<dynamic connection string>)`, host: null, port: 443 };
      emit(ctx, call, "sdk-client", ep, "python/azure");
      return null;
    }
    if (/^[A-Z]/.test(last) && /Client$/.test(last)) {
      const { val, node } = urlArg(ctx, call, 0, "endpoint", "account_url", "vault_url", "azure_endpoint", "base_url", "fully_qualified_namespace", "url");
      if (!node) return null;
      emit(ctx, call, "sdk-client", endpointOf(val, `${last}(<dynamic endpoint>)`), "python/azure");
    }
    return null;
  }
  return null;
}

// The openai module's own client: `openai.chat.completions.create(...)` (1.x) and the 0.x API
// `openai.ChatCompletion.create(...)`, with the module's settings (`openai.base_url = ...`, 0.x
// `openai.api_base = ...`, `openai.api_type = "azure"`) as the file assigns them before the call.
const openaiV1Resource = /^(?:chat\.completions|completions|embeddings|images|audio\.\w+|moderations|files|batches|models|responses|uploads|vector_stores|fine_tuning\.jobs|beta(?:\.\w+)+)$/;
const openaiLegacyResource = /^(?:ChatCompletion|Completion|Embedding|Image|Audio|Moderation|File|FineTune|FineTuningJob|Model|Edit|Engine)$/;
const openaiMethod = /^(?:a?create|generate|list|retrieve|delete|edit|transcribe|translate|parse|stream|create_variation|create_and_poll)$/;

function openaiModuleCall(ctx: Ctx, fn: Node, name: string): Endpoint | null {
  const m = name.match(/^openai\.(.+)\.(\w+)$/);
  if (!m || !openaiMethod.test(m[2])) return null;
  const legacy = openaiLegacyResource.test(m[1]);
  if (!legacy && !openaiV1Resource.test(m[1])) return null;
  // Through an import of the module (or of a 0.x class), not a variable that shadows it.
  const head = fn.text.split(".")[0];
  if (!ctx.imports.get(head)?.startsWith("openai") || nameKey(ctx, fn, head, false) !== head || ctx.env.has(head)) return null;
  const setting = (key: string): Val | null => {
    for (const [local, full] of ctx.imports) {
      const v = full === "openai" ? ctx.env.get(`${local}.${key}`) : undefined;
      if (v) return v;
    }
    return null;
  };
  const type = setting("api_type");
  if (type?.t === "str" && /azure/i.test(type.s)) {
    const endpoint = setting("azure_endpoint") ?? setting("api_base") ?? setting("base_url");
    return endpoint ? endpointOf(endpoint, "openai(<dynamic api_base>)") : { value: "AzureOpenAI(azure_endpoint from AZURE_OPENAI_ENDPOINT)", host: null, port: 443 };
  }
  const base = legacy ? (setting("api_base") ?? setting("base_url")) : (setting("base_url") ?? setting("api_base"));
  return endpointOf(base ?? str("https://api.openai.com/v1"), "openai(<dynamic base_url>)");
}

export function handlePyImport(node: Node, ctx: Ctx): void {
  if (node.type === "import_statement") {
    for (const n of node.namedChildren) {
      if (!n) continue;
      if (n.type === "dotted_name") ctx.imports.set(n.text.split(".")[0], n.text.split(".")[0]);
      else if (n.type === "aliased_import") {
        const full = n.childForFieldName("name")?.text;
        const alias = n.childForFieldName("alias")?.text;
        if (full && alias) ctx.imports.set(alias, full);
      }
    }
    return;
  }
  const mod = node.childForFieldName("module_name")?.text;
  if (!mod || mod.startsWith(".")) return;
  for (const n of node.childrenForFieldName("name")) {
    if (!n) continue;
    if (n.type === "dotted_name") ctx.imports.set(n.text, `${mod}.${n.text}`);
    else if (n.type === "aliased_import") {
      const full = n.childForFieldName("name")?.text;
      const alias = n.childForFieldName("alias")?.text;
      if (full && alias) ctx.imports.set(alias, `${mod}.${full}`);
    }
  }
}

// LangChain (langchain_openai, langchain_anthropic, langchain_community, langchain 0.0.x) and
// LlamaIndex clients of OpenAI, Azure OpenAI and Anthropic: the SDK's default host, or the keyword
// that overrides it. dflt null: Azure, whose endpoint otherwise comes from AZURE_OPENAI_ENDPOINT.
const openaiDefault = "https://api.openai.com/v1";
const anthropicDefault = "https://api.anthropic.com";

function llmWrapper(name: string): { rule: string; dflt: string | null; args: string[] } | null {
  const lc = name.match(/^(?:langchain_openai|langchain_anthropic|langchain_community|langchain)\.(?:\w+\.)*(\w+)$/);
  if (lc) {
    const rule = "python/langchain";
    if (/^(ChatOpenAI|OpenAIEmbeddings|OpenAI)$/.test(lc[1])) return { rule, dflt: openaiDefault, args: ["base_url", "openai_api_base"] };
    if (/^(AzureChatOpenAI|AzureOpenAIEmbeddings|AzureOpenAI)$/.test(lc[1])) return { rule, dflt: null, args: ["azure_endpoint", "openai_api_base", "base_url"] };
    if (/^(ChatAnthropic|AnthropicLLM|Anthropic)$/.test(lc[1])) return { rule, dflt: anthropicDefault, args: ["base_url", "anthropic_api_url"] };
    return null;
  }
  const li = name.match(/^llama_index\.(?:core\.|legacy\.)?(?:llms|embeddings)\.(?:\w+\.)?(\w+)$/);
  if (li) {
    const rule = "python/llama-index";
    if (/^(OpenAI|OpenAIEmbedding)$/.test(li[1])) return { rule, dflt: openaiDefault, args: ["api_base", "base_url"] };
    if (/^(AzureOpenAI|AzureOpenAIEmbedding)$/.test(li[1])) return { rule, dflt: null, args: ["azure_endpoint", "api_base"] };
    if (li[1] === "Anthropic") return { rule, dflt: anthropicDefault, args: ["base_url"] };
  }
  return null;
}

/** Binds an assignment's target: a name in its scope, `self.x`/`Svc.x` in the class, `obj.x`. */
export function pyTargetKey(ctx: Ctx, lhs: Node): string | null {
  if (lhs.type === "identifier") return nameKey(ctx, lhs, lhs.text, true);
  if (lhs.type === "attribute") {
    const obj = lhs.childForFieldName("object");
    const attr = lhs.childForFieldName("attribute");
    return obj && attr ? memberKey(ctx, obj, attr.text) : null;
  }
  return null;
}

/** `class Name(Base, ...)`: binds Name to the class (its bases that are classes of the file). */
export function handlePyClass(node: Node, name: Node, ctx: Ctx): void {
  const bases = (node.childForFieldName("superclasses")?.namedChildren ?? []).filter((b): b is Node => !!b && b.type !== "keyword_argument");
  ctx.env.set(nameKey(ctx, node, name.text, true), defineClass(ctx, node, bases.map((b) => evalPy(b, ctx))));
}

/** `def name(...)`: binds name to the function (its return value is `key#return`). */
export function handlePyDef(node: Node, name: Node, ctx: Ctx): void {
  const decorators = node.parent?.type === "decorated_definition" ? node.parent.namedChildren.filter((d) => d?.type === "decorator") : [];
  const property = decorators.some((d) => /^@\s*(?:functools\.)?(property|cached_property|computed_field)\b/.test(d?.text ?? ""));
  ctx.env.set(nameKey(ctx, node, name.text, true), { t: "fn", key: fnKey(node, ""), property });
}

/** What a function of the file returns (its last return statement's value). */
export function returnValue(ctx: Ctx, fnKey: string, depth: number): Val | null {
  const r = ctx.returns.get(`${fnKey}#return`);
  return r ? evalPy(r, ctx, depth + 1) : null;
}

/** The key a return statement's value goes to: its function's `#return`. */
export function pyReturnKey(ctx: Ctx, ret: Node): string | null {
  const fn = chain(ctx, ret)[0]?.node;
  return fn?.type === "function_definition" ? `${fnKey(fn, "")}#return` : null;
}

/** `global x` in a function: x is bound at module level there. */
export function handlePyGlobal(node: Node, ctx: Ctx): void {
  const fn = chain(ctx, node)[0]?.node;
  if (fn?.type !== "function_definition") return;
  for (const n of node.namedChildren) if (n?.type === "identifier") ctx.globals.add(fnKey(fn, n.text));
}

// R: httr, httr2, curl, RCurl, download.file, remote readers (read.csv/fromJSON/fread on a URL),
// REDCap (REDCapR, redcapAPI), DBI::dbConnect hosts, mongolite, rentrez, ellmer chat_* clients.
// Constant propagation through <-, =, paste0/paste/sprintf/file.path/glue/str_c and pipes.
import type { Node } from "web-tree-sitter";
import { emit, type Ctx } from "./context.ts";
import { awsEndpoint, endpointOf } from "./endpoints.ts";
import { concat, hintOf, joinUrl, str, text, type Val } from "./values.ts";

export const rQuery = `
(binary_operator lhs: (_) @lhs rhs: (_) @rhs) @assign
(call function: (_) @fn arguments: (arguments) @args) @call
`;

interface Args {
  pos: Node[];
  kw: Map<string, Node>;
}

function rArgs(call: Node, piped: Node | null = null): Args {
  const pos: Node[] = piped ? [piped] : [];
  const kw = new Map<string, Node>();
  for (const a of call.childForFieldName("arguments")?.namedChildren ?? []) {
    if (a?.type !== "argument") continue;
    const name = a.childForFieldName("name")?.text;
    const value = a.childForFieldName("value");
    if (!value) continue;
    if (name) kw.set(name.replace(/^`|`$/g, ""), value);
    else pos.push(value);
  }
  return { pos, kw };
}

/** "httr::GET" → "GET"; also strips ":::" */
function fnName(fn: Node): string {
  const t = fn.text;
  const i = t.lastIndexOf("::");
  return i >= 0 ? t.slice(i + 2).replace(/^:/, "") : t;
}

const assignOps = new Set(["<-", "=", "<<-"]);

export function rAssign(node: Node): { lhs: Node; rhs: Node } | null {
  const op = node.childForFieldName("operator")?.text;
  const lhs = node.childForFieldName("lhs");
  const rhs = node.childForFieldName("rhs");
  if (!lhs || !rhs || !op) return null;
  if (assignOps.has(op) && lhs.type === "identifier") return { lhs, rhs };
  if (op === "->" && rhs.type === "identifier") return { lhs: rhs, rhs: lhs };
  return null;
}

export function evalR(node: Node | null, ctx: Ctx, depth = 0): Val | null {
  if (!node || depth > 20) return null;
  switch (node.type) {
    case "string": {
      const c = node.childForFieldName("content");
      return str(c ? c.text.replace(/\\(["'\\])/g, "$1") : "");
    }
    case "integer":
    case "float":
      return str(node.text.replace(/L$/, ""));
    case "identifier":
      return ctx.env.get(node.text) ?? null;
    case "parenthesized_expression":
      return evalR(node.namedChildren[0], ctx, depth + 1);
    case "call":
      return callValue(node, ctx, depth, null);
    case "binary_operator": {
      const op = node.childForFieldName("operator")?.text;
      if (op === "|>" || op === "%>%") {
        const rhs = node.childForFieldName("rhs");
        if (rhs?.type === "call") return callValue(rhs, ctx, depth, node.childForFieldName("lhs"));
      }
      return null;
    }
    default:
      return null;
  }
}

function joinArgs(nodes: Node[], sep: string, ctx: Ctx, depth: number): Val {
  const parts: Array<Val | null> = [];
  const hints: string[] = [];
  nodes.forEach((n, i) => {
    if (i > 0) parts.push(str(sep)), hints.push("");
    parts.push(evalR(n, ctx, depth + 1));
    hints.push(hintOf(n));
  });
  return concat(parts, hints);
}

function callValue(node: Node, ctx: Ctx, depth: number, piped: Node | null): Val | null {
  const fn = node.childForFieldName("function");
  if (!fn) return null;
  const name = fnName(fn);
  const { pos, kw } = rArgs(node, piped);
  switch (name) {
    case "paste0":
    case "str_c":
      return joinArgs(pos, "", ctx, depth);
    case "paste": {
      const sep = kw.get("sep") ? evalR(kw.get("sep")!, ctx, depth + 1) : str(" ");
      return joinArgs(pos, sep?.t === "str" ? sep.s : " ", ctx, depth);
    }
    case "file.path":
      return joinArgs(pos, "/", ctx, depth);
    case "sprintf": {
      const fmt = evalR(pos[0] ?? null, ctx, depth + 1);
      if (fmt?.t !== "str") return null;
      let i = 1;
      let ok = fmt.known;
      const s = fmt.s.replace(/%[-+ #0]*\d*(?:\.\d+)?[sdifx%]/g, (m) => {
        if (m === "%%") return "%";
        const n = pos[i++] ?? null;
        const v = evalR(n, ctx, depth + 1);
        if (v?.t !== "str" || !v.known) ok = false;
        return text(v, hintOf(n));
      });
      return str(s, ok);
    }
    case "glue":
    case "str_glue": {
      const tpl = evalR(pos[0] ?? null, ctx, depth + 1);
      if (tpl?.t !== "str") return null;
      let ok = tpl.known;
      const s = tpl.s.replace(/\{([A-Za-z_.][\w.]*)\}/g, (_, v: string) => {
        const val = kw.get(v) ? evalR(kw.get(v)!, ctx, depth + 1) : (ctx.env.get(v) ?? null);
        if (val?.t !== "str" || !val.known) ok = false;
        return text(val, v);
      });
      return str(s, ok);
    }
    case "Sys.getenv": {
      const dflt = kw.get("unset") ?? pos[1];
      return (dflt ? evalR(dflt, ctx, depth + 1) : null) ?? str(`{env:${text(evalR(pos[0] ?? null, ctx, depth + 1))}}`, false);
    }
    case "request":
      return { t: "client", api: "httr2", base: evalR(pos[0] ?? null, ctx, depth + 1), http: true };
    case "req_url_path_append":
    case "req_url_path": {
      const req = evalR(pos[0] ?? null, ctx, depth + 1);
      if (req?.t !== "client") return null;
      const path = joinArgs(pos.slice(1), "/", ctx, depth);
      const base = name === "req_url_path" && req.base?.t === "str" ? str(req.base.s.replace(/^([a-z]+:\/\/[^/]+).*$/i, "$1"), req.base.known) : req.base;
      return { ...req, base: joinUrl(base, path) };
    }
    case "req_url": {
      const req = evalR(pos[0] ?? null, ctx, depth + 1);
      return { t: "client", api: "httr2", base: evalR(pos[1] ?? null, ctx, depth + 1), http: req?.t === "client" ? req.http : true };
    }
    default:
      if (/^req_/.test(name)) return evalR(pos[0] ?? null, ctx, depth + 1); // other req_* keep the request
      return null;
  }
}

const isPipe = (n: Node | null) => n?.type === "binary_operator" && /^(\|>|%>%)$/.test(n.childForFieldName("operator")?.text ?? "");
/** req_* calls that keep the request's URL or add to it (req_url replaces it, and is reported itself). */
const reqStep = (call: Node | null | undefined) => {
  const fn = call?.type === "call" ? call.childForFieldName("function") : null;
  const n = fn ? fnName(fn) : "";
  return /^req_/.test(n) && n !== "req_url";
};

/** The outermost expression a request flows into through req_* calls: piped (`|>`, `%>%`) or as their first argument. */
function requestChainEnd(call: Node): Node {
  let node = call;
  for (let i = 0; i < 100; i++) {
    const p = node.parent;
    if (isPipe(p) && p!.childForFieldName("lhs")?.id === node.id && reqStep(p!.childForFieldName("rhs"))) {
      node = p!;
      continue;
    }
    const outer = p?.type === "argument" && !p.childForFieldName("name") ? p.parent?.parent : null;
    if (outer && reqStep(outer) && rArgs(outer).pos[0]?.id === node.id) {
      node = outer;
      continue;
    }
    break;
  }
  return node;
}

const httrVerbs = new Set(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "VERB", "RETRY"]);
const urlReaders = /^(read\.csv|read\.csv2|read\.table|read\.delim|read_csv|read_tsv|read_delim|read_lines|read_json|fread|fromJSON|read_xml|read_html|readLines|readRDS|url|source|load|read_excel|read_sas|read_xpt|read_dta|read_sav|import)$/;

/** Handles one call (possibly the right side of a pipe): emits findings, returns a value. */
export function handleRCall(call: Node, ctx: Ctx, piped: Node | null = null): Val | null {
  const fn = call.childForFieldName("function");
  if (!fn) return null;
  const name = fnName(fn);
  const { pos, kw } = rArgs(call, piped);
  const get = (i: number, ...names: string[]): { node: Node | null; val: Val | null } => {
    let node: Node | null = null;
    for (const n of names) node ??= kw.get(n) ?? null;
    if (!node && i >= 0) node = pos[i] ?? null;
    return { node, val: evalR(node, ctx) ?? (node ? str(`{${hintOf(node)}}`, false) : null) };
  };
  const dyn = `${name}(<dynamic>)`;
  if (httrVerbs.has(name)) {
    const { node, val } = get(name === "VERB" || name === "RETRY" ? 1 : 0, "url");
    if (node) emit(ctx, call, "call-site", endpointOf(val, dyn), "r/httr");
    return null;
  }
  if (name === "request") {
    const { val } = get(0, "base_url");
    // Reported with the URL the request has at the end of the req_* calls it goes through
    // (`request(base) |> req_url_path_append("records") |> req_perform()`).
    const end = requestChainEnd(call);
    const final = end.id !== call.id ? evalR(end, ctx) : null;
    emit(ctx, call, "call-site", endpointOf(final?.t === "client" && final.base ? final.base : val, dyn), "r/httr2");
    return { t: "client", api: "httr2", base: val, http: true };
  }
  if (name === "req_url") {
    const { val } = get(1, "url");
    emit(ctx, call, "call-site", endpointOf(val, dyn), "r/httr2");
    return null;
  }
  if (/^(curl|curl_fetch_memory|curl_fetch_disk|curl_fetch_stream|curl_fetch_multi|curl_download|curl_echo|multi_download)$/.test(name)) {
    const { node, val } = get(0, "url");
    if (node) emit(ctx, call, "call-site", endpointOf(val, dyn), "r/curl");
    return null;
  }
  if (/^(getURL|getURLContent|getBinaryURL|postForm|getForm|httpGET|httpPOST|httpPUT|httpDELETE|basicTextGatherer)$/.test(name) && name !== "basicTextGatherer") {
    const { node, val } = get(0, "url", "uri");
    if (node) emit(ctx, call, "call-site", endpointOf(val, dyn), "r/RCurl");
    return null;
  }
  if (name === "download.file") {
    const { node, val } = get(0, "url");
    if (node) emit(ctx, call, "call-site", endpointOf(val, dyn), "r/download.file");
    return null;
  }
  if (/^redcap_/.test(name) || name === "redcapConnection") {
    const { node, val } = get(-1, "redcap_uri", "url", "uri");
    if (node) emit(ctx, call, name === "redcapConnection" ? "sdk-client" : "call-site", endpointOf(val, dyn), "r/redcap");
    return null;
  }
  if (name === "dbConnect" || name === "dbPool") {
    const { node, val } = get(-1, "host", "server", "Server");
    if (!node) return null;
    const port = get(-1, "port").val;
    const ep = endpointOf(val, dyn);
    if (port?.t === "str" && /^\d+$/.test(port.s)) ep.port = Number(port.s);
    emit(ctx, call, "sdk-client", ep, "r/DBI");
    return null;
  }
  if (name === "mongo") {
    const { node, val } = get(-1, "url");
    if (node) emit(ctx, call, "sdk-client", endpointOf(val, dyn), "r/mongolite");
    return null;
  }
  if (/^entrez_/.test(name)) {
    emit(ctx, call, "call-site", endpointOf(str("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"), dyn), "r/rentrez");
    return null;
  }
  const chat = name.match(/^chat_(openai|anthropic|claude|azure_openai|azure|bedrock|gemini|google_gemini|ollama|groq|mistral|deepseek|perplexity|openrouter)$/);
  if (chat) {
    const p = chat[1];
    const defaults: Record<string, string> = {
      openai: "https://api.openai.com/v1", anthropic: "https://api.anthropic.com/v1", claude: "https://api.anthropic.com/v1",
      gemini: "https://generativelanguage.googleapis.com/v1beta/", google_gemini: "https://generativelanguage.googleapis.com/v1beta/",
      ollama: "http://localhost:11434", groq: "https://api.groq.com/openai/v1", mistral: "https://api.mistral.ai/v1",
      deepseek: "https://api.deepseek.com", perplexity: "https://api.perplexity.ai/", openrouter: "https://openrouter.ai/api/v1",
    };
    if (p === "bedrock") emit(ctx, call, "sdk-client", awsEndpoint("bedrock-runtime", get(-1, "region").val), "r/ellmer");
    else {
      const { node, val } = get(-1, "base_url", "endpoint");
      const ep = node ? endpointOf(val, dyn) : defaults[p] ? endpointOf(str(defaults[p]), dyn) : { value: `${name}(endpoint from environment)`, host: null, port: 443 };
      emit(ctx, call, "sdk-client", ep, "r/ellmer");
    }
    return null;
  }
  if (urlReaders.test(name)) {
    const { val } = get(0, "file", "url", "con", "txt", "input", "description", "path");
    if (val?.t === "str" && /^(https?|ftps?|s3):\/\//i.test(val.s)) emit(ctx, call, "call-site", endpointOf(val, dyn), "r/remote-read");
    return null;
  }
  return callValue(call, ctx, 0, piped);
}

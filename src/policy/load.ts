// Loads policy files and presets into one CompiledPolicy.
//
// Precedence (documented in docs/readme/policy.md):
// - Rules from every file and preset are combined; at evaluation deny beats allow wherever each came from.
// - `default`, `capture` and preset parameters: the outermost setting wins. "Outermost" is the
//   traversal order: the first --policy file, then its `extends` in order (depth first), then
//   later --policy files; --preset NAME=RES on the command line beats every file.
// - Each file and preset is included once (a diamond is fine); a cycle is a positioned error.
import { existsSync, readFileSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, extname, isAbsolute, relative, resolve } from "node:path";
import type { CaptureLevel, DefaultAction } from "../core/types.ts";
import { compileRules } from "./compile.ts";
import { DEFAULT_POLICY_FILE, observeOnlyPolicy } from "./default-policy.ts";
import { getPreset } from "./presets.ts";
import { presetParamNames, schemas, signalKinds, RESOURCE_NAME, type PolicyDoc } from "./schema.ts";
type PresetParamName = (typeof presetParamNames)[number];
import type { CompiledPolicy, CompiledRule, PolicyError } from "./types.ts";
import { MAX_POLICY_BYTES, parseYaml, pathText, unknownKeyMessage, zodErrors } from "./yaml-source.ts";

export interface LoadOptions {
  files: string[];
  /** Preset names, optionally with resources: "azure-openai=contoso-east,contoso-west". */
  presets: string[];
  cwd?: string;
  /** Text to use instead of reading the file at that absolute path (the web editor). */
  overlay?: Record<string, string>;
  /**
   * When set (the web view), `extends` may name presets and .yaml/.yml files inside this
   * directory only (symbolic links resolved); anything else is refused without being read.
   * The CLI leaves it unset: a --policy file may extend any file its user can read.
   */
  extendsWithin?: string;
}

export type LoadResult = { ok: true; policy: CompiledPolicy } | { ok: false; errors: PolicyError[] };

type Pos = { file: string; line: number; column: number };
type PresetParamValues = Partial<Record<PresetParamName, string[]>>;
type Item = { kind: "rules"; rules: CompiledRule[] } | { kind: "preset"; name: string; at: Pos };

interface State {
  cwd: string;
  /** extendsWithin, absolute, and its real path. */
  within?: { dir: string; real: string };
  overlay: Record<string, string>;
  errors: PolicyError[];
  warnings: string[];
  sources: string[];
  items: Item[];
  /** Preset parameters by preset: the outermost setting of a preset wins (all its parameters together). */
  params: Map<string, { values: PresetParamValues; at: Pos }>;
  seenFiles: Set<string>;
  defaultAction?: DefaultAction;
  capture?: CaptureLevel;
  signals: Record<string, "ignore" | "alert" | "kill">;
  name?: string;
}

const MAX_DEPTH = 32;
/** Errors that do not come from a file position use line 0, column 0. */
const noPos = (file: string): Pos => ({ file, line: 0, column: 0 });

export function loadPolicy(opts: LoadOptions): LoadResult {
  try {
    return load(opts);
  } catch (err) {
    // Defensive: a loader bug must surface as an error, never as a permissive policy.
    return { ok: false, errors: [{ ...noPos("policy"), message: `cannot load policy: ${(err as Error)?.message ?? String(err)}` }] };
  }
}

/** Validates and compiles policy text that is not (yet) a file, e.g. from the web editor. */
export function loadPolicyText(text: string, fileName: string, opts: { cwd?: string; presets?: string[]; extendsWithin?: string } = {}): LoadResult {
  const cwd = opts.cwd ?? process.cwd();
  return loadPolicy({ files: [fileName], presets: opts.presets ?? [], cwd, overlay: { [resolve(cwd, fileName)]: text }, extendsWithin: opts.extendsWithin });
}

/** ./trustrun.yaml when it exists, else null (the caller uses the observe-only default). */
export function findDefaultPolicyFile(cwd: string): string | null {
  const path = resolve(cwd, DEFAULT_POLICY_FILE);
  return existsSync(path) ? path : null;
}

/** The policy used when none is named: ./trustrun.yaml, else the built-in observe-only one. */
export function resolveDefaultPolicy(cwd: string = process.cwd()): LoadResult {
  const file = findDefaultPolicyFile(cwd);
  if (!file) return { ok: true, policy: observeOnlyPolicy() };
  const r = loadPolicy({ files: [file], presets: [], cwd });
  if (r.ok) r.policy.notice = `No --policy given: using ./${DEFAULT_POLICY_FILE}.`;
  return r;
}

function load(opts: LoadOptions): LoadResult {
  const cwd = opts.cwd ?? process.cwd();
  const overlay = opts.overlay ?? {};
  if (opts.files.length === 0 && opts.presets.length === 0) {
    const path = resolve(cwd, DEFAULT_POLICY_FILE);
    if (!(path in overlay)) return resolveDefaultPolicy(cwd);
  }
  const st: State = {
    cwd, overlay, errors: [], warnings: [], sources: [], items: [], params: new Map(), seenFiles: new Set(), signals: {},
  };
  if (opts.extendsWithin !== undefined) {
    const dir = resolve(cwd, opts.extendsWithin);
    let real = dir;
    try {
      real = realpathSync(dir);
    } catch {
      /* a directory that does not exist holds no files: every extends file is then not found */
    }
    st.within = { dir, real };
  }
  // Command-line preset parameters are the outermost of all.
  const cliPresets: Array<{ name: string; at: Pos }> = [];
  for (const spec of opts.presets) {
    const parsed = parsePresetArg(spec);
    if ("error" in parsed) {
      st.errors.push({ ...noPos("--preset"), message: parsed.error });
      continue;
    }
    const at = noPos(`--preset ${spec}`);
    if (!getPreset(parsed.name)) {
      st.errors.push({ ...at, message: `unknown preset '${parsed.name}' (see 'trustrun policy presets')` });
      continue;
    }
    if (parsed.param) {
      const refused = paramRefusal(parsed.name, parsed.param);
      if (refused) {
        st.errors.push({ ...at, message: refused });
        continue;
      }
      // Several --preset flags may give one preset's parameters (NAME.PARAM=...); they add up.
      const entry = st.params.get(parsed.name) ?? { values: {}, at };
      entry.values[parsed.param] = [...new Set([...(entry.values[parsed.param] ?? []), ...parsed.resources!])];
      st.params.set(parsed.name, entry);
    }
    cliPresets.push({ name: parsed.name, at });
  }
  const files = opts.files.length ? opts.files : [DEFAULT_POLICY_FILE];
  if (opts.files.length || !opts.presets.length) {
    files.forEach((f, i) => loadFile(st, resolve(cwd, f), i === 0, [], noPos(f)));
  }
  for (const p of cliPresets) st.items.push({ kind: "preset", name: p.name, at: p.at });
  const rules = expandItems(st);
  if (st.errors.length) return { ok: false, errors: st.errors };

  const root = opts.files[0];
  const policy: CompiledPolicy = {
    name: st.name ?? (root ? basename(root) : `presets: ${cliPresets.map((p) => p.name).join(", ")}`),
    sources: st.sources,
    defaultAction: st.defaultAction ?? "alert",
    capture: st.capture ?? "metadata",
    rules,
    warnings: st.warnings,
    observeOnly: false,
  };
  if (Object.keys(st.signals).length) policy.signals = st.signals;
  const params = Object.fromEntries([...st.params].filter(([, v]) => Object.keys(v.values).length).map(([k, v]) => [k, { ...v.values }]));
  if (Object.keys(params).length) policy.presetParams = params;
  if (policy.defaultAction === "allow" && !rules.some((r) => r.kind === "deny")) {
    st.warnings.push("default is 'allow' and there are no deny rules: every connection is allowed");
  }
  const httpRules = rules.filter((r) => r.methods || r.paths).map((r) => r.id);
  if (httpRules.length) {
    st.warnings.push(
      `rule${httpRules.length > 1 ? "s" : ""} ${httpRules.join(", ")} match on HTTP method/path, which only the proxy and sentinel probes see; elsewhere they do not match`,
    );
  }
  const tenantRules = rules.filter((r) => r.tenants).map((r) => r.id);
  if (tenantRules.length) {
    st.warnings.push(
      `rule${tenantRules.length > 1 ? "s" : ""} ${tenantRules.join(", ")} match on the tenant (AWS account, Entra ID tenant), which only the proxy sees (capture level headers or full); elsewhere they do not match`,
    );
  }
  return { ok: true, policy };
}

/** NAME, NAME=RES[,RES...] (the `resources` parameter) or NAME.PARAM=RES[,RES...]. */
function parsePresetArg(spec: string): { name: string; param?: PresetParamName; resources?: string[] } | { error: string } {
  const eq = spec.indexOf("=");
  const head = (eq >= 0 ? spec.slice(0, eq) : spec).trim().replace(/^preset:/, "");
  const m = /^([a-z0-9-]{1,100})(?:\.([A-Za-z]{1,64}))?$/.exec(head);
  if (!m || (m[2] !== undefined && eq < 0)) return { error: `'${spec}' is not a preset name (expected NAME, NAME=RESOURCE,... or NAME.PARAMETER=RESOURCE,...)` };
  const name = m[1];
  if (eq < 0) return { name };
  const param = m[2] ?? "resources";
  if (!(presetParamNames as readonly string[]).includes(param)) {
    return { error: `'${spec}': unknown preset parameter '${param}' (parameters: ${presetParamNames.join(", ")})` };
  }
  const resources = spec.slice(eq + 1).split(",").map((r) => r.trim()).filter(Boolean);
  const bad = resources.find((r) => !RESOURCE_NAME.test(r));
  if (!resources.length || bad !== undefined) return { error: `'${spec}': expected ${head}=RESOURCE[,RESOURCE...] with resource names made of letters, digits and '-'` };
  // DNS names are case-insensitive; hostnames are compared in lower case.
  return { name, param: param as PresetParamName, resources: resources.map((r) => r.toLowerCase()) };
}

/** Why preset `name` does not take parameter `param`, or null when it does. */
function paramRefusal(name: string, param: string): string | null {
  const loaded = getPreset(name);
  if (!loaded?.ok) return null; // reported where the preset is expanded
  const declared = Object.keys(loaded.preset.doc.parameters ?? {});
  if (declared.includes(param)) return null;
  return declared.length
    ? `preset '${name}' takes no ${param} (it takes ${declared.join(", ")})`
    : `preset '${name}' takes no parameters`;
}

function display(st: State, abs: string): string {
  const rel = relative(st.cwd, abs);
  if (!rel || rel.startsWith("..") || isAbsolute(rel)) return abs;
  return `./${rel}`;
}

function readText(st: State, abs: string): { text: string } | { error: string } {
  if (abs in st.overlay) return { text: st.overlay[abs] };
  try {
    const info = statSync(abs);
    if (!info.isFile()) return { error: `${display(st, abs)} is not a file` };
    if (info.size > MAX_POLICY_BYTES) return { error: `${display(st, abs)} is larger than ${MAX_POLICY_BYTES} bytes` };
    return { text: readFileSync(abs, "utf8") };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return { error: `policy file ${display(st, abs)} not found` };
    if (code === "EACCES") return { error: `cannot read ${display(st, abs)}: permission denied` };
    return { error: `cannot read ${display(st, abs)}: ${(err as Error).message}` };
  }
}

function loadFile(st: State, abs: string, isRoot: boolean, stack: string[], from: Pos): void {
  const shown = display(st, abs);
  if (stack.includes(abs)) {
    const cycle = [...stack.slice(stack.indexOf(abs)), abs].map((p) => display(st, p)).join(" → ");
    st.errors.push({ ...from, message: `extends cycle: ${cycle}` });
    return;
  }
  if (st.seenFiles.has(abs)) return;
  if (stack.length >= MAX_DEPTH) {
    st.errors.push({ ...from, message: `extends nests deeper than ${MAX_DEPTH} files` });
    return;
  }
  st.seenFiles.add(abs);
  const read = readText(st, abs);
  if ("error" in read) {
    st.errors.push({ ...from, message: read.error });
    return;
  }
  // Files named on the command line (or the editor's text) are the user's own choice; a file
  // reached through extends may be anything.
  const viaExtends = stack.length > 0;
  const y = parseYaml(read.text, shown);
  if (!y.ok) {
    // A file reached through extends may be anything (a typo, or someone pointing at a secret):
    // its errors never quote it. Parser messages that name a token from the text are withheld.
    st.errors.push(...(!viaExtends ? y.errors : y.errors.map((e) => ({ ...e, message: quotesNothing(e.message) ? `not valid YAML: ${e.message}` : "not valid YAML (the parser's message is not shown: it would quote the file)" }))));
    return;
  }
  if (viaExtends && !looksLikePolicy(y.parsed.value)) {
    st.errors.push({ ...from, message: `${shown} is not a TrustRun policy: expected a mapping of policy keys (${Object.keys(schemas().policySchema.shape).join(", ")})` });
    return;
  }
  const r = schemas().policySchema.safeParse(y.parsed.value);
  if (!r.success) {
    st.errors.push(...(!viaExtends ? zodErrors(r.error, y.parsed, shown, knownKeys) : extendedFileErrors(r.error, y.parsed, shown)));
    return;
  }
  const doc: PolicyDoc = r.data;
  st.sources.push(shown);
  if (isRoot && doc.name) st.name = doc.name;
  st.defaultAction ??= doc.default;
  st.capture ??= doc.capture;
  // Outermost wins per signal kind, like default and capture.
  for (const [kind, action] of Object.entries(doc.signals ?? {})) st.signals[kind] ??= action;
  for (const [name, params] of Object.entries(doc.presets ?? {})) {
    const at = { file: shown, ...y.parsed.locate(["presets"], name) };
    const preset = getPreset(name);
    if (!preset) {
      st.errors.push({ ...at, message: `unknown preset '${name}' in presets (see 'trustrun policy presets')` });
      continue;
    }
    let ok = true;
    for (const param of Object.keys(params)) {
      const refused = paramRefusal(name, param);
      if (refused) {
        st.errors.push({ file: shown, ...y.parsed.locate(["presets", name], param), message: refused });
        ok = false;
      }
    }
    if (ok && !st.params.has(name)) st.params.set(name, { values: params as PresetParamValues, at });
  }
  const ctx = {
    idPrefix: isRoot ? "" : `${shown}/`,
    origin: isRoot ? `policy ${shown}` : `file ${shown}`,
    file: shown,
    locate: y.parsed.locate,
    warn: (message: string) => st.warnings.push(message),
  };
  const rules = [
    ...compileRules("deny", doc.deny, ctx),
    ...compileRules("allow", doc.allow, ctx),
    ...compileRules("learned", doc.learned, ctx),
  ];
  st.items.push({ kind: "rules", rules });
  (doc.extends ?? []).forEach((entry, i) => {
    const at = { file: shown, ...y.parsed.locate(["extends", i]) };
    if (entry.startsWith("preset:")) {
      const name = entry.slice("preset:".length);
      if (!getPreset(name)) st.errors.push({ ...at, message: `unknown preset '${name}' (see 'trustrun policy presets')` });
      else st.items.push({ kind: "preset", name, at });
      return;
    }
    const target = resolve(dirname(abs), entry);
    const refused = st.within ? outsideReason(st.within, target) : null;
    if (refused) {
      st.errors.push({ ...at, message: `extends '${entry}': ${refused}; here extends may name a preset (preset:NAME) or a .yaml/.yml file inside ${st.within!.dir}` });
      return;
    }
    loadFile(st, target, false, [...stack, abs], at);
  });
}

function inside(dir: string, path: string): boolean {
  const rel = relative(dir, path);
  return rel !== "" && !rel.startsWith("..") && !isAbsolute(rel);
}

/** Why an extends target is refused under extendsWithin, or null. Decided before the file is read. */
function outsideReason(within: { dir: string; real: string }, target: string): string | null {
  if (!inside(within.dir, target)) return "the file is outside the policy directory";
  const ext = extname(target).toLowerCase();
  if (ext !== ".yaml" && ext !== ".yml") return "only .yaml and .yml files can be extended";
  let real: string;
  try {
    real = realpathSync(target);
  } catch {
    return null; // not there (reported as not found) or not readable (reported when read)
  }
  if (!inside(within.real, real)) return "the file is a link to outside the policy directory";
  return null;
}

/** Parser messages made of words only; anything with quotes, colons, digits or symbols may carry text from the file. */
function quotesNothing(message: string): boolean {
  return /^[A-Za-z ,]+$/.test(message);
}

/** A mapping with at least one policy key; anything else reached through extends is not a policy and is not described. */
function looksLikePolicy(value: unknown): boolean {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const keys = Object.keys(schemas().policySchema.shape);
  return Object.keys(value).some((k) => keys.includes(k));
}

/**
 * Schema errors of a file reached through extends. Unknown keys are reported by position (and
 * a known key they resemble) but not by name: a key of a file that is not a policy is content.
 */
function extendedFileErrors(error: Parameters<typeof zodErrors>[0], parsed: Parameters<typeof zodErrors>[1], file: string): PolicyError[] {
  const out: PolicyError[] = [];
  // As zodErrors does: an unknown key explains the rule-level complaint at the same place.
  const unknownAt = new Set(error.issues.filter((i) => i.code === "unrecognized_keys").map((i) => pathText(i.path as PropertyKey[])));
  for (const issue of error.issues) {
    const path = issue.path as PropertyKey[];
    if (issue.code !== "unrecognized_keys") {
      if (!(issue.code === "custom" && unknownAt.has(pathText(path)))) out.push(...zodErrors({ ...error, issues: [issue] } as typeof error, parsed, file, knownKeys));
      continue;
    }
    const known = knownKeys(path);
    for (const key of issue.keys) out.push({ file, ...parsed.locate(path, key), message: unknownKeyMessage(path, key, known, false) });
  }
  return out;
}

function knownKeys(path: ReadonlyArray<PropertyKey>): string[] {
  const { policySchema, ruleSchema, allowRuleSchema } = schemas();
  if (path.length === 0) return Object.keys(policySchema.shape);
  if (path[0] === "presets") {
    const preset = typeof path[1] === "string" ? getPreset(path[1]) : null;
    return preset?.ok ? Object.keys(preset.preset.doc.parameters ?? {}) : [...presetParamNames];
  }
  if (path[0] === "signals") return [...signalKinds];
  if (path[path.length - 1] === "tenant") return ["awsAccount", "azureTenant"];
  if (path[0] === "allow" || path[0] === "learned") return Object.keys(allowRuleSchema.shape);
  return Object.keys(ruleSchema.shape);
}

function expandItems(st: State): CompiledRule[] {
  const rules: CompiledRule[] = [];
  const included = new Set<string>();
  for (const item of st.items) {
    if (item.kind === "rules") {
      rules.push(...item.rules);
      continue;
    }
    if (included.has(item.name)) continue;
    included.add(item.name);
    const loaded = getPreset(item.name);
    if (!loaded) continue;
    if (!loaded.ok) {
      st.errors.push(...loaded.errors);
      continue;
    }
    const { doc, parsed, file } = loaded.preset;
    st.sources.push(`preset:${item.name}`);
    const params = st.params.get(item.name);
    const declared = doc.parameters ?? {};
    let pins: Map<string, string[]> | undefined;
    const given = Object.entries(params?.values ?? {}).filter(([, v]) => v?.length) as Array<[PresetParamName, string[]]>;
    if (given.length) {
      // Each parameter replaces its own wildcards by its names. A wildcard that no given parameter
      // names is not allowed at all: once a preset is pinned, only what was named is.
      pins = new Map(Object.values(declared).flatMap((d) => d?.pins ?? []).map((p) => [p, [] as string[]]));
      for (const [param, names] of given) {
        const d = declared[param];
        if (!d) continue; // refused when read
        for (const p of d.pins) pins.get(p)!.push(...names.map((r) => r + p.slice(1)));
        if (d.deprecated) {
          const where = params!.at.line > 0 ? `${params!.at.file}:${params!.at.line}: ` : `${params!.at.file}: `;
          st.warnings.push(`${where}preset ${item.name}: '${param}' is deprecated: ${d.deprecated}`);
        }
      }
    } else {
      const wildcards = [...new Set(Object.values(declared).flatMap((d) => d?.pins ?? []))];
      const usable = Object.entries(declared).filter(([, d]) => !d?.deprecated).map(([k]) => k);
      if (wildcards.length) {
        const example = usable[0] === "resources" || usable.length === 0 ? `resources: [NAME]` : `${usable[0]}: [NAME]`;
        const cli = usable[0] === "resources" || usable.length === 0 ? `--preset ${item.name}=NAME` : `--preset ${item.name}.${usable[0]}=NAME`;
        st.warnings.push(
          `preset ${item.name} allows ${wildcards.join(", ")}: that proves the provider, not your tenant. ` +
            `Pin your resources with 'presets: { ${item.name}: { ${example} } }' or ${cli}` +
            (usable.length > 1 ? ` (parameters: ${usable.join(", ")})` : ""),
        );
      }
    }
    const ctx = { idPrefix: `preset:${item.name}/`, origin: `preset ${item.name}`, file, locate: parsed.locate, pins };
    // A rule whose every host was a wildcard no parameter named is gone, not left matching nothing.
    const kept = (r: CompiledRule) => !(r.hosts && r.hosts.length === 0);
    rules.push(...compileRules("deny", doc.deny, ctx).filter(kept), ...compileRules("allow", doc.allow, ctx).filter(kept));
  }
  for (const [name, p] of st.params) {
    if (!included.has(name) && p.at.line > 0) {
      st.warnings.push(`${p.at.file}:${p.at.line}: parameters for preset ${name} are given but the preset is not extended`);
    }
  }
  return rules;
}

/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { loadPolicyText } from "../../policy/load.ts";
import { listPresets, presetNames } from "../../policy/presets.ts";
import { POLICY_NAME, type WebDeps, type WebEnv } from "../context.ts";
import { addPresetToYaml, rowsFromForm, visualFromYaml, yamlFromVisual } from "../policy-form.ts";
import { PolicyCheck, PolicyEditor, PolicyList, PresetsPage, type CheckResult } from "../views/policies.tsx";

const MAX_POLICY_TEXT = 1024 * 1024;

export function policyFileName(name: string): string {
  return name.endsWith(".yaml") || name.endsWith(".yml") ? name : `${name}.yaml`;
}

/** Validates policy text as the CLI would load it; relative extends resolve against cwd and must stay inside it. */
export function checkPolicy(text: string, name: string, cwd: string): CheckResult {
  if (text.length > MAX_POLICY_TEXT) return { ok: false, errors: [{ file: policyFileName(name), line: 0, column: 0, message: `policy text is larger than ${MAX_POLICY_TEXT} bytes` }] };
  // extends: presets, and YAML files inside the directory the server was started in only; the
  // web view must not become a way to read (or probe) other files.
  return loadPolicyText(text, policyFileName(name), { cwd, extendsWithin: cwd });
}

export function renderEditor(
  csrf: string,
  o: {
    name: string; isNew: boolean; yaml: string; tab: "visual" | "yaml"; check: boolean | CheckResult; saved?: boolean; cwd?: string;
    /** The stored policy being edited when it differs from name (a refused rename); "" for a new one. */
    original?: string;
    /** Another stored policy already has this name: offer to replace it. */
    conflict?: boolean;
  },
) {
  const check = o.check === true ? checkPolicy(o.yaml, o.name || "policy", o.cwd ?? process.cwd()) : o.check === false ? null : o.check;
  return (
    <PolicyEditor
      csrf={csrf} name={o.name} isNew={o.isNew} yaml={o.yaml} visual={visualFromYaml(o.yaml)} check={check}
      fileName={policyFileName(o.name || "policy")} presets={listPresets()} tab={o.tab} saved={o.saved}
      original={o.original ?? (o.isNew ? "" : o.name)} conflict={o.conflict}
    />
  );
}

/** The message for a save onto another stored policy's name. */
export function nameTakenMessage(name: string): string {
  return `a stored policy named '${name}' already exists: choose another name, or tick "replace the stored policy '${name}'" and save again to overwrite it`;
}

const str = (v: unknown): string => (typeof v === "string" ? v : "");
/** The "replace" checkbox carries the name it was shown for (a changed name is not confirmed); scripts may send 1. */
const confirmed = (overwrite: unknown, name: unknown): boolean =>
  overwrite === "1" || (typeof overwrite === "string" && typeof name === "string" && overwrite !== "" && overwrite === name.trim());
const strs = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

export function policyRoutes({ store, policyCwd }: WebDeps) {
  const app = new Hono<WebEnv>();
  const editor = (csrf: string, o: Parameters<typeof renderEditor>[1]) => renderEditor(csrf, { cwd: policyCwd, ...o });

  app.get("/policies", (c) => c.html(<PolicyList csrf={c.get("csrf")} policies={store.listPolicies()} message={c.req.query("msg")?.slice(0, 200)} />));

  app.get("/policies/new", (c) => {
    const preset = c.req.query("preset");
    const start = preset && presetNames().includes(preset) ? `name: new-policy\nextends: ["preset:${preset}"]\ndefault: alert\n` : "name: new-policy\ndefault: alert\nallow: []\n";
    return c.html(editor(c.get("csrf"), { name: "", isNew: true, yaml: start, tab: "visual", check: false }));
  });

  app.get("/policies/:name", (c) => {
    const p = store.getPolicy(c.req.param("name"));
    if (!p) return c.text("no such policy", 404);
    const tab = c.req.query("tab") === "yaml" ? "yaml" : "visual";
    return c.html(editor(c.get("csrf"), { name: p.name, isNew: false, yaml: p.yaml, tab, check: true, saved: c.req.query("saved") === "1" }));
  });

  app.get("/policies/:name/export", (c) => {
    const p = store.getPolicy(c.req.param("name"));
    if (!p) return c.text("no such policy", 404);
    return c.body(p.yaml, 200, {
      "Content-Type": "application/yaml; charset=utf-8",
      "Content-Disposition": `attachment; filename="${policyFileName(p.name)}"`,
    });
  });

  // Live check while typing (htmx): returns the check panel only.
  app.post("/policies/validate", async (c) => {
    const body = await c.req.parseBody();
    const name = POLICY_NAME.test(str(body.name)) ? str(body.name) : "policy";
    const yaml = str(body.yaml);
    return c.html(<PolicyCheck text={yaml} fileName={policyFileName(name)} result={checkPolicy(yaml, name, policyCwd)} />);
  });

  // original: the stored policy this form edits ("" for a new one or an import). Saving onto any
  // other stored policy's name needs overwrite (the "replace" checkbox), or nothing is saved.
  function save(c: any, name: string, original: string, yaml: string, tab: "visual" | "yaml", overwrite: boolean) {
    const csrf = c.get("csrf");
    const form = { name, original, isNew: !original || !store.getPolicy(original), yaml, tab };
    if (!POLICY_NAME.test(name)) {
      const check: CheckResult = { ok: false, errors: [{ file: "name", line: 0, column: 0, message: "a policy name uses letters, digits, '.', '_' and '-' (at most 100)" }] };
      return c.html(editor(csrf, { ...form, check }), 422);
    }
    const check = checkPolicy(yaml, name, policyCwd);
    if (!check.ok) return c.html(editor(csrf, { ...form, check }), 422);
    if (name !== original && store.getPolicy(name) && !overwrite) {
      const taken: CheckResult = { ok: false, errors: [{ file: "name", line: 0, column: 0, message: nameTakenMessage(name) }] };
      return c.html(editor(csrf, { ...form, check: taken, conflict: true }), 409);
    }
    store.savePolicy(name, yaml);
    if (original && original !== name && POLICY_NAME.test(original)) store.deletePolicy(original);
    return c.redirect(`/policies/${encodeURIComponent(name)}?saved=1${tab === "yaml" ? "&tab=yaml" : ""}`, 303);
  }

  app.post("/policies/save", async (c) => {
    const body = await c.req.parseBody();
    return save(c, str(body.name).trim(), str(body.original), str(body.yaml), "yaml", confirmed(body.overwrite, body.name));
  });

  app.post("/policies/visual", async (c) => {
    const body = await c.req.parseBody({ all: true });
    const rows = rowsFromForm({
      section: strs(body.section), hosts: strs(body.hosts), cidrs: strs(body.cidrs), ports: strs(body.ports), action: strs(body.action), extra: strs(body.extra),
    });
    const files = str(body.extendsFiles).split(",").map((s) => s.trim()).filter(Boolean);
    const yaml = yamlFromVisual(
      {
        name: str(body.title), description: str(body.description), defaultAction: str(body.default), capture: str(body.capture),
        extends: [...strs(body.preset).filter((p) => presetNames().includes(p)).map((p) => `preset:${p}`), ...files], rows,
      },
      str(body.base),
    );
    return save(c, str(body.name).trim(), str(body.original), yaml, "visual", confirmed(strs(body.overwrite)[0], strs(body.name)[0]));
  });

  app.post("/policies/import", async (c) => {
    const body = await c.req.parseBody();
    const file = body.file;
    if (!(file instanceof File)) return c.text("no file uploaded", 400);
    if (file.size > MAX_POLICY_TEXT) return c.text("file too large", 413);
    const fromFile = file.name.replace(/\.(ya?ml)$/i, "").replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 100) || "imported";
    const name = str(body.name).trim() || fromFile;
    return save(c, name, "", await file.text(), "yaml", confirmed(body.overwrite, name));
  });

  app.post("/policies/:name/delete", (c) => {
    const name = c.req.param("name");
    const ok = store.deletePolicy(name);
    return c.redirect(`/policies?msg=${encodeURIComponent(ok ? `Deleted ${name}.` : `No policy ${name}.`)}`, 303);
  });

  app.get("/presets", (c) =>
    c.html(<PresetsPage csrf={c.get("csrf")} presets={listPresets()} policies={store.listPolicies()} message={c.req.query("msg")?.slice(0, 200)} />),
  );

  app.post("/presets/add", async (c) => {
    const body = await c.req.parseBody();
    const preset = str(body.preset);
    const p = store.getPolicy(str(body.policy));
    if (!p || !presetNames().includes(preset)) return c.text("no such policy or preset", 404);
    const r = addPresetToYaml(p.yaml, preset);
    if (!r.ok) return c.redirect(`/presets?msg=${encodeURIComponent(`${p.name} is not valid YAML: ${r.error}`)}`, 303);
    // Shown in the editor, not saved: the user sees the result (and any warning) before saving.
    return c.html(editor(c.get("csrf"), { name: p.name, isNew: false, yaml: r.yaml, tab: "yaml", check: true }));
  });

  return app;
}

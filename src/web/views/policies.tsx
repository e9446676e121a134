/** @jsxImportSource hono/jsx */
import type { StoredPolicy } from "../../store/policies.ts";
import type { PolicyError, CompiledPolicy } from "../../policy/types.ts";
import type { PresetInfo } from "../../policy/presets.ts";
import { sections, type VisualPolicy } from "../policy-form.ts";
import { when } from "./format.ts";
import { CsrfField, Layout } from "./layout.tsx";

export type CheckResult = { ok: true; policy: CompiledPolicy } | { ok: false; errors: PolicyError[] };

/** Validation result: the errors, each at its line in the text, or a short summary when valid. */
export function PolicyCheck(props: { text: string; fileName: string; result: CheckResult; saved?: boolean }) {
  const { result } = props;
  if (result.ok) {
    const p = result.policy;
    return (
      <div class="check ok" id="check-result" data-valid="true">
        <p>{props.saved ? "Saved. " : ""}Valid: {`${p.rules.length} rules, default ${p.defaultAction}, capture ${p.capture}`}{p.sources.length > 1 ? `, built from ${p.sources.join(", ")}` : ""}.</p>
        {p.warnings.length ? <ul class="warnings">{p.warnings.map((w) => <li>{w}</li>)}</ul> : null}
      </div>
    );
  }
  const lines = props.text.split("\n");
  const here = result.errors.filter((e) => e.file === props.fileName || e.file.endsWith(`/${props.fileName}`));
  const elsewhere = result.errors.filter((e) => !here.includes(e));
  const byLine = new Map<number, PolicyError[]>();
  for (const e of here) byLine.set(e.line, [...(byLine.get(e.line) ?? []), e]);
  // Show the lines around each error (whole text when short) so the message sits at its line.
  const show = new Set<number>();
  if (lines.length <= 200) lines.forEach((_, i) => show.add(i + 1));
  else for (const e of here) for (let l = e.line - 3; l <= e.line + 3; l++) show.add(l);
  return (
    <div class="check bad" id="check-result" data-valid="false">
      <p>{`${result.errors.length} error${result.errors.length === 1 ? "" : "s"}:`}</p>
      <ul class="errors">
        {result.errors.map((e) => <li class="mono">{e.line ? `line ${e.line}, column ${e.column}: ` : ""}{e.message}{elsewhere.includes(e) ? ` (${e.file})` : ""}</li>)}
      </ul>
      {here.length ? (
        <ol class="src">
          {lines.map((text, i) => {
            const n = i + 1;
            if (!show.has(n)) return null;
            const errs = byLine.get(n);
            return (
              <li value={String(n)} class={errs ? "err-line" : ""} data-line={String(n)}>
                <code>{text || " "}</code>
                {errs ? errs.map((e) => <div class="err-msg">{`${" ".repeat(Math.max(0, e.column - 1))}^ ${e.message}`}</div>) : null}
              </li>
            );
          })}
        </ol>
      ) : null}
    </div>
  );
}

export function PolicyList(props: { csrf: string; policies: StoredPolicy[]; message?: string }) {
  return (
    <Layout title="Policies" csrf={props.csrf} active="/policies">
      {props.message ? <p class="flash">{props.message}</p> : null}
      <p><a class="button" href="/policies/new">New policy</a> <a class="button" href="/presets">Browse presets</a></p>
      {props.policies.length ? (
        <table class="grid" id="policies">
          <thead><tr><th>name</th><th>updated</th><th></th></tr></thead>
          <tbody>
            {props.policies.map((p) => (
              <tr>
                <td><a href={`/policies/${encodeURIComponent(p.name)}`}>{p.name}</a></td>
                <td>{when(p.updatedAt)}</td>
                <td>
                  <a href={`/policies/${encodeURIComponent(p.name)}/export`}>export YAML</a>{" "}
                  <form class="inline" method="post" action={`/policies/${encodeURIComponent(p.name)}/delete`}>
                    <CsrfField csrf={props.csrf} />
                    <button type="submit" class="danger">Delete</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : <p class="muted">No stored policies yet.</p>}
      <h2>Import YAML</h2>
      <form method="post" action="/policies/import" enctype="multipart/form-data" class="filters">
        <CsrfField csrf={props.csrf} />
        <label>name <input name="name" pattern="[A-Za-z0-9._\-]{1,100}" placeholder="from the file name" /></label>
        <input type="file" name="file" accept=".yaml,.yml,text/yaml" required />
        <label><input type="checkbox" name="overwrite" value="1" /> replace a stored policy of the same name</label>
        <button type="submit">Import</button>
      </form>
    </Layout>
  );
}

const actions = ["", "alert", "block", "kill"];

function extraKeys(extra: string): string {
  try {
    return extra ? `+ ${Object.keys(JSON.parse(extra)).join(", ")}` : "";
  } catch {
    return "";
  }
}

function RuleRowView(props: { i: number; row: VisualPolicy["rows"][number] }) {
  const { row } = props;
  return (
    <tr class="rule-row">
      <td>
        <select name="section" aria-label="rule kind">
          {sections.map((s) => <option value={s} selected={row.section === s}>{s === "learned" ? "allow (learned)" : s}</option>)}
        </select>
      </td>
      <td><input name="hosts" value={row.hosts} placeholder="api.example.com, *.example.org" aria-label="hosts" /></td>
      <td><input name="cidrs" value={row.cidrs} placeholder="10.0.0.0/8" aria-label="IPs and CIDRs" /></td>
      <td><input name="ports" value={row.ports} placeholder="443, 8000-8080" class="short" aria-label="ports" /></td>
      <td>
        <select name="action" aria-label="action">
          {actions.map((a) => <option value={a} selected={row.action === a}>{a || "(default)"}</option>)}
        </select>
        <input type="hidden" name="extra" value={row.extra} />
      </td>
      <td class="muted small">{extraKeys(row.extra)}</td>
      <td><button type="button" data-remove-row aria-label="remove rule">✕</button></td>
    </tr>
  );
}

const emptyRow = { section: "allow" as const, hosts: "", cidrs: "", ports: "", action: "", extra: "" };

export function PolicyEditor(props: {
  csrf: string; name: string; isNew: boolean; yaml: string; visual: { ok: true; policy: VisualPolicy } | { ok: false; error: string };
  check: CheckResult | null; fileName: string; presets: PresetInfo[]; tab: "visual" | "yaml"; saved?: boolean;
  /** The stored policy this editor changes ("" for a new one); differs from name after a refused rename. */
  original?: string;
  /** name belongs to another stored policy: show the "replace" checkbox. */
  conflict?: boolean;
}) {
  const v = props.visual;
  const original = props.original ?? (props.isNew ? "" : props.name);
  const replace = props.conflict ? (
    <label class="block warn replace">
      <input type="checkbox" name="overwrite" value={props.name} /> {`replace the stored policy '${props.name}'`}
    </label>
  ) : null;
  const extendsPresets = new Set(v.ok ? v.policy.extends.filter((e) => e.startsWith("preset:")).map((e) => e.slice(7)) : []);
  const otherExtends = v.ok ? v.policy.extends.filter((e) => !e.startsWith("preset:")).join(", ") : "";
  return (
    <Layout title={original ? `Policy ${original}` : "New policy"} csrf={props.csrf} active="/policies">
      <p class="tabs">
        <a href="#visual" data-tab="visual" class={props.tab === "visual" ? "active" : ""}>Rules</a>
        <a href="#yaml" data-tab="yaml" class={props.tab === "yaml" ? "active" : ""}>YAML</a>
        {original ? <a href={`/policies/${encodeURIComponent(original)}/export`}>Export YAML</a> : null}
      </p>
      <section id="visual" class={`tab-panel ${props.tab === "visual" ? "" : "hidden"}`}>
        {v.ok ? (
          <form method="post" action="/policies/visual" id="visual-form">
            <CsrfField csrf={props.csrf} />
            <input type="hidden" name="original" value={original} />
            <input type="hidden" name="base" value={props.yaml} />
            <div class="filters">
              <label>file name <input name="name" required pattern="[A-Za-z0-9._\-]{1,100}" value={props.name} /></label>
              <label>policy name <input name="title" value={v.policy.name} /></label>
              <label>default <select name="default">
                {["", "alert", "block", "kill", "prompt", "allow"].map((a) => <option value={a} selected={v.policy.defaultAction === a}>{a || "(alert)"}</option>)}
              </select></label>
              <label>capture <select name="capture">
                {["", "metadata", "headers", "full"].map((a) => <option value={a} selected={v.policy.capture === a}>{a || "(metadata)"}</option>)}
              </select></label>
            </div>
            <label class="block">description <input name="description" value={v.policy.description} class="wide" /></label>
            <fieldset>
              <legend>Extends presets</legend>
              {props.presets.map((p) => (
                <label class="preset-check" title={p.description}>
                  <input type="checkbox" name="preset" value={p.name} checked={extendsPresets.has(p.name)} /> {p.name}
                </label>
              ))}
              <label class="block">other files <input name="extendsFiles" value={otherExtends} placeholder="./base.yaml" /></label>
            </fieldset>
            <table class="grid rules" id="rules">
              <thead><tr><th>kind</th><th>hosts</th><th>IPs / CIDRs</th><th>ports</th><th>action</th><th></th><th></th></tr></thead>
              <tbody id="rule-rows">
                {v.policy.rows.map((row, i) => <RuleRowView i={i} row={row} />)}
                <RuleRowView i={v.policy.rows.length} row={emptyRow} />
              </tbody>
            </table>
            <template id="rule-template"><RuleRowView i={-1} row={emptyRow} /></template>
            {replace}
            <p><button type="button" data-add-row>Add rule</button> <button type="submit" class="primary">Save</button></p>
          </form>
        ) : (
          <p class="warn">{`The rules view cannot show this policy: ${v.error}. Edit it as YAML.`}</p>
        )}
      </section>
      <section id="yaml" class={`tab-panel ${props.tab === "yaml" ? "" : "hidden"}`}>
        <form method="post" action="/policies/save" id="yaml-form">
          <CsrfField csrf={props.csrf} />
          <input type="hidden" name="original" value={original} />
          <label>file name <input name="name" required pattern="[A-Za-z0-9._\-]{1,100}" value={props.name} /></label>
          <textarea name="yaml" id="yaml-text" rows={24} spellcheck={false}
            hx-post="/policies/validate" hx-trigger="input changed delay:400ms" hx-target="#check" hx-swap="innerHTML">{props.yaml}</textarea>
          {replace}
          <p><button type="submit" class="primary" id="save-yaml">Save</button></p>
        </form>
      </section>
      <section>
        <h2>Check</h2>
        <div id="check">
          {props.check ? <PolicyCheck text={props.yaml} fileName={props.fileName} result={props.check} saved={props.saved} /> : null}
        </div>
      </section>
    </Layout>
  );
}

export function PresetsPage(props: { csrf: string; presets: PresetInfo[]; policies: StoredPolicy[]; message?: string }) {
  return (
    <Layout title="Presets" csrf={props.csrf} active="/presets">
      {props.message ? <p class="flash">{props.message}</p> : null}
      <p>Presets are built in. Add one to a stored policy (as <code>extends: [preset:NAME]</code>), or use it directly with <code>trustrun run --preset NAME</code>.</p>
      <table class="grid" id="presets">
        <thead><tr><th>preset</th><th>kind</th><th>description</th><th>sources</th><th>add to policy</th></tr></thead>
        <tbody>
          {props.presets.map((p) => (
            <tr>
              <td class="mono">{p.name}{p.parameters.length ? <div class="muted small">{`takes ${p.parameters.join(", ")}`}</div> : null}</td>
              <td>{p.kind}</td>
              <td>{p.description}</td>
              <td><ul class="plain small">{p.sources.map((s) => <li><a href={s} rel="noreferrer noopener" target="_blank">{s}</a></li>)}</ul></td>
              <td>
                {props.policies.length ? (
                  <form method="post" action="/presets/add" class="inline">
                    <CsrfField csrf={props.csrf} />
                    <input type="hidden" name="preset" value={p.name} />
                    <select name="policy" aria-label="policy">{props.policies.map((x) => <option value={x.name}>{x.name}</option>)}</select>
                    <button type="submit">Add</button>
                  </form>
                ) : <a href={`/policies/new?preset=${p.name}`}>new policy with it</a>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Layout>
  );
}

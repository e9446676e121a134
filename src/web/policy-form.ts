// The visual policy editor works on rule rows; these pure functions turn policy YAML into rows
// and rows back into YAML. Rule keys the rows do not show (proto, methods, paths, description)
// ride along unchanged in each row's `extra` JSON so an edit never drops them.
import { Document, isMap, isSeq, parseDocument } from "yaml";

export type Section = "allow" | "deny" | "learned";
export const sections: Section[] = ["allow", "deny", "learned"];

export interface RuleRow {
  section: Section;
  hosts: string; // comma separated
  cidrs: string; // comma separated IPs and CIDRs
  ports: string; // comma separated ports and ranges
  action: string; // deny rules: alert | block | kill; "" = default (block)
  extra: string; // JSON object of the other keys, "" when none
}

export interface VisualPolicy {
  name: string;
  description: string;
  defaultAction: string;
  capture: string;
  extends: string[];
  rows: RuleRow[];
}

const shownKeys = new Set(["host", "hosts", "ip", "cidr", "cidrs", "ports", "action"]);
const topKeys = new Set(["name", "description", "extends", "presets", "default", "capture", "allow", "deny", "learned"]);

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined || v === null ? [] : [String(v)]);
const splitList = (text: string): string[] => text.split(/[,\s]+/).map((s) => s.trim()).filter(Boolean);

/** Rows for the visual editor, or an error when the text is not a YAML mapping the rows can show. */
export function visualFromYaml(text: string): { ok: true; policy: VisualPolicy } | { ok: false; error: string } {
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false });
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  if (doc.errors.length) return { ok: false, error: doc.errors[0].message };
  const value = (doc.toJS() ?? {}) as Record<string, unknown>;
  if (typeof value !== "object" || Array.isArray(value)) return { ok: false, error: "the policy is not a YAML mapping" };
  const unknown = Object.keys(value).filter((k) => !topKeys.has(k));
  if (unknown.length) return { ok: false, error: `unknown keys ${unknown.join(", ")}: fix them in YAML first` };
  const rows: RuleRow[] = [];
  for (const section of sections) {
    const list = value[section];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) return { ok: false, error: `'${section}' is not a list` };
    for (const rule of list) {
      if (!rule || typeof rule !== "object" || Array.isArray(rule)) return { ok: false, error: `a rule in '${section}' is not a mapping` };
      const r = rule as Record<string, unknown>;
      const extra = Object.fromEntries(Object.entries(r).filter(([k]) => !shownKeys.has(k)));
      rows.push({
        section,
        hosts: [...asList(r.host), ...asList(r.hosts)].join(", "),
        cidrs: [...asList(r.ip), ...asList(r.cidr), ...asList(r.cidrs)].join(", "),
        ports: asList(r.ports).join(", "),
        action: r.action === undefined ? "" : String(r.action),
        extra: Object.keys(extra).length ? JSON.stringify(extra) : "",
      });
    }
  }
  return {
    ok: true,
    policy: {
      name: value.name === undefined ? "" : String(value.name),
      description: value.description === undefined ? "" : String(value.description),
      defaultAction: value.default === undefined ? "" : String(value.default),
      capture: value.capture === undefined ? "" : String(value.capture),
      extends: asList(value.extends),
      rows,
    },
  };
}

function ruleFromRow(row: RuleRow): Record<string, unknown> | null {
  const hosts = splitList(row.hosts);
  const cidrs = splitList(row.cidrs);
  const ports = splitList(row.ports).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  let extra: Record<string, unknown> = {};
  if (row.extra.trim()) {
    try {
      const parsed = JSON.parse(row.extra);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) extra = parsed;
    } catch {
      // A mangled hidden field: drop it rather than fail the whole edit.
    }
  }
  if (!hosts.length && !cidrs.length && !ports.length && !Object.keys(extra).length) return null; // an empty row
  const rule: Record<string, unknown> = {};
  if (hosts.length) rule.hosts = hosts;
  if (cidrs.length) rule.cidrs = cidrs;
  if (ports.length) rule.ports = ports;
  if (row.section === "deny" && row.action) rule.action = row.action;
  else if (row.section !== "deny" && row.action) rule.action = row.action; // kept so validation can say it is wrong
  return { ...rule, ...extra };
}

/**
 * YAML for the edited policy: `base` keeps what the visual editor does not show (presets
 * parameters, comments at the top); name, default, capture, extends and the rule lists are replaced.
 */
export function yamlFromVisual(p: VisualPolicy, base = ""): string {
  let doc: Document = base.trim() ? parseDocument(base) : new Document({});
  if (doc.errors.length || !isMap(doc.contents)) doc = new Document({});
  if (isMap(doc.contents)) doc.contents.flow = false;
  const set = (key: string, value: unknown) => {
    if (value === undefined || value === "" || (Array.isArray(value) && !value.length)) doc.delete(key);
    else doc.set(key, doc.createNode(value));
  };
  set("name", p.name.trim());
  set("description", p.description.trim());
  set("extends", p.extends.map((e) => e.trim()).filter(Boolean));
  set("default", p.defaultAction);
  set("capture", p.capture);
  for (const section of sections) {
    const rules = p.rows.filter((r) => r.section === section).map(ruleFromRow).filter((r): r is Record<string, unknown> => r !== null);
    set(section, rules);
  }
  // Short flow lists read better for hosts/ports; the yaml library picks block style otherwise.
  const ext = doc.get("extends", true);
  if (isSeq(ext)) ext.flow = true;
  for (const section of sections) {
    const seq = doc.get(section, true);
    if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) for (const pair of item.items) if (isSeq(pair.value)) pair.value.flow = true;
  }
  return doc.toString({ lineWidth: 0 });
}

/** Rows from the submitted form: parallel arrays, one entry per row. */
export function rowsFromForm(fields: Record<string, string[]>): RuleRow[] {
  const n = Math.max(0, ...["section", "hosts", "cidrs", "ports", "action", "extra"].map((k) => fields[k]?.length ?? 0));
  const rows: RuleRow[] = [];
  for (let i = 0; i < Math.min(n, 10_000); i++) {
    const section = fields.section?.[i];
    rows.push({
      section: section === "deny" || section === "learned" ? section : "allow",
      hosts: fields.hosts?.[i] ?? "",
      cidrs: fields.cidrs?.[i] ?? "",
      ports: fields.ports?.[i] ?? "",
      action: fields.action?.[i] ?? "",
      extra: fields.extra?.[i] ?? "",
    });
  }
  return rows;
}

/** Adds `preset:NAME` to a policy's extends, keeping the rest of the text (and its comments). */
export function addPresetToYaml(text: string, preset: string): { ok: true; yaml: string } | { ok: false; error: string } {
  const doc = parseDocument(text || "{}");
  if (doc.errors.length) return { ok: false, error: doc.errors[0].message };
  if (!isMap(doc.contents)) return { ok: false, error: "the policy is not a YAML mapping" };
  const entry = `preset:${preset}`;
  const current = asList(doc.toJS()?.extends);
  if (current.includes(entry)) return { ok: true, yaml: doc.toString({ lineWidth: 0 }) };
  doc.set("extends", [...current, entry]);
  const seq = doc.get("extends", true);
  if (isSeq(seq)) seq.flow = true;
  return { ok: true, yaml: doc.toString({ lineWidth: 0 }) };
}

/** A deny rule list appended to a proposed policy for destinations the user chose to deny. */
export function addDenyRules(text: string, denied: Array<{ host: string | null; ip: string | null; port: number | null }>): string {
  if (!denied.length) return text;
  const doc = parseDocument(text);
  const current = (doc.toJS()?.deny ?? []) as unknown[];
  const rules = denied.map((d) => ({
    ...(d.host ? { hosts: [d.host] } : { cidrs: [d.ip] }),
    ...(d.port !== null && d.port !== undefined ? { ports: [d.port] } : {}),
    action: "block",
  }));
  doc.set("deny", [...current, ...rules]);
  return doc.toString({ lineWidth: 0 });
}

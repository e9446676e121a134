// JSON API under /api: what the pages show, for scripts (Authorization: Bearer TOKEN).
import { Hono } from "hono";
import { deleteSessionsForGood } from "../../store/retention.ts";
import { proposePolicy } from "../../policy/learn.ts";
import { listPresets } from "../../policy/presets.ts";
import { eventSeries } from "../../store/series.ts";
import { sessionEventStats } from "../../store/lookups.ts";
import { intParam, POLICY_NAME, type WebDeps, type WebEnv } from "../context.ts";
import { redactAlertForDisplay, redactEventForDisplay, redactSessionForDisplay } from "../redact-event.ts";
import { parseDate } from "../views/format.ts";
import { checkPolicy } from "./policies.tsx";
import { sarifOf } from "./scans.tsx";
import type { StoredEvent } from "../../store/events.ts";
import type { TrustRunEvent } from "../../core/types.ts";

const eventTypes = new Set(["connection", "session", "dns", "alert", "signal", "decision"]);
const MAX = Number.MAX_SAFE_INTEGER;

const shown = (events: StoredEvent[]) => events.map((e) => ({ id: e.id, event: redactEventForDisplay(e.event) }));

export function apiRoutes({ store, policyCwd, destinations: destCache }: WebDeps) {
  const api = new Hono<WebEnv>();

  api.get("/sessions", (c) => {
    const q = c.req.query();
    const { rows, total } = store.listSessions({
      search: q.search?.slice(0, 200) || undefined, since: parseDate(q.since), until: parseDate(q.until, true),
      withViolations: q.violations === "1" || q.violations === "true",
      limit: intParam(q.limit, 50, 1, 1000), offset: intParam(q.offset, 0, 0, MAX),
    });
    return c.json({ rows: rows.map(redactSessionForDisplay), total });
  });

  api.get("/sessions/:id", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.json({ error: "no such session" }, 404);
    return c.json({ session: redactSessionForDisplay(s), destinations: destCache.get(s.id), alerts: store.listAlerts({ session: s.id, limit: 1000 }).map(redactAlertForDisplay), events: sessionEventStats(store.db, s.id).count });
  });

  api.delete("/sessions/:id", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.json({ error: "no such session" }, 404);
    if (s.endedAt === null && c.req.query("force") !== "1") return c.json({ error: "the session has no end (running, or its monitor died); add ?force=1" }, 409);
    const result = deleteSessionsForGood(store, [s.id]);
    destCache.forget(s.id);
    return c.json(result);
  });

  // Keyset pagination: pass the smallest id you have as ?before= for the next (older) page.
  api.get("/sessions/:id/events", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.json({ error: "no such session" }, 404);
    const q = c.req.query();
    const limit = intParam(q.limit, 100, 1, 5000);
    const type = eventTypes.has(q.type ?? "") ? (q.type as TrustRunEvent["type"]) : undefined;
    const events = store.listEvents({
      session: s.id, limit, type, verdict: q.verdict || undefined, search: q.search?.slice(0, 200) || undefined,
      beforeId: q.before ? intParam(q.before, MAX, 0, MAX) : undefined,
    });
    return c.json({ events: shown(events), next: events.length === limit ? events[events.length - 1].id : null });
  });

  api.get("/sessions/:id/proposal", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.json({ error: "no such session" }, 404);
    const yaml = proposePolicy(destCache.get(s.id), { name: `session-${s.id.slice(0, 8)}` });
    return c.json({ yaml });
  });

  // Tail across sessions: ?after=ID returns newer events oldest first.
  api.get("/events", (c) => {
    const q = c.req.query();
    const type = eventTypes.has(q.type ?? "") ? (q.type as TrustRunEvent["type"]) : undefined;
    const limit = intParam(q.limit, 100, 1, 5000);
    const events = q.after !== undefined
      ? store.listEvents({ afterId: intParam(q.after, 0, 0, MAX), limit, type })
      : store.listEvents({ limit, type, beforeId: q.before ? intParam(q.before, MAX, 0, MAX) : undefined });
    return c.json({ events: shown(events), lastId: store.lastEventId() });
  });

  api.get("/series", (c) => {
    const minutes = intParam(c.req.query("minutes"), 15, 1, 24 * 60);
    const bucket = intParam(c.req.query("bucket"), 10, 1, 3600) * 1000;
    const now = Date.now();
    const since = Math.floor((now - minutes * 60_000) / bucket) * bucket;
    return c.json({ since, bucketMs: bucket, now, points: eventSeries(store.db, { since, bucketMs: bucket, session: c.req.query("session") || undefined }) });
  });

  api.get("/alerts", (c) => {
    const q = c.req.query();
    return c.json(store.listAlerts({
      session: q.session || undefined, unackedOnly: q.unacked === "1" || q.unacked === "true",
      limit: intParam(q.limit, 100, 1, 1000), offset: intParam(q.offset, 0, 0, MAX),
    }).map(redactAlertForDisplay));
  });

  api.post("/alerts/:id/ack", (c) => {
    const acked = store.ackAlert(intParam(c.req.param("id"), -1, -1, MAX));
    return c.json({ acked });
  });

  api.get("/policies", (c) => c.json(store.listPolicies()));

  api.get("/policies/:name", (c) => {
    const p = store.getPolicy(c.req.param("name"));
    return p ? c.json(p) : c.json({ error: "no such policy" }, 404);
  });

  /** The policy text (a YAML body, or JSON {yaml, overwrite?}) and whether the JSON asks to replace. */
  async function policyBody(c: { req: { header(n: string): string | undefined; json(): Promise<any>; text(): Promise<string> } }): Promise<{ yaml: string; overwrite: boolean }> {
    if ((c.req.header("content-type") ?? "").startsWith("application/json")) {
      const body = await c.req.json().catch(() => null);
      return { yaml: typeof body?.yaml === "string" ? body.yaml : "", overwrite: body?.overwrite === true };
    }
    return { yaml: await c.req.text(), overwrite: false };
  }

  api.post("/policies/validate", async (c) => {
    const result = checkPolicy((await policyBody(c)).yaml, c.req.query("name") || "policy", policyCwd);
    return c.json(result.ok ? { ok: true, rules: result.policy.rules.length, warnings: result.policy.warnings } : { ok: false, errors: result.errors });
  });

  api.put("/policies/:name", async (c) => {
    const name = c.req.param("name");
    if (!POLICY_NAME.test(name)) return c.json({ error: "a policy name uses letters, digits, '.', '_' and '-'" }, 400);
    const { yaml, overwrite: overwriteInBody } = await policyBody(c);
    const result = checkPolicy(yaml, name, policyCwd);
    if (!result.ok) return c.json({ ok: false, errors: result.errors }, 422);
    // Replacing a stored policy is asked for explicitly, never done by a name that happens to exist.
    const overwrite = ["1", "true"].includes(c.req.query("overwrite") ?? "") || overwriteInBody;
    if (!overwrite && store.getPolicy(name)) {
      return c.json({ ok: false, error: `a stored policy named '${name}' already exists; add ?overwrite=1 to replace it` }, 409);
    }
    return c.json({ ok: true, policy: store.savePolicy(name, yaml), warnings: result.policy.warnings });
  });

  api.delete("/policies/:name", (c) => c.json({ deleted: store.deletePolicy(c.req.param("name")) }));

  api.get("/presets", (c) => c.json(listPresets()));

  api.get("/scans", (c) => c.json(store.listScans(intParam(c.req.query("limit"), 50, 1, 1000), intParam(c.req.query("offset"), 0, 0, MAX))));

  api.get("/scans/:id", (c) => {
    const scan = store.getScan(intParam(c.req.param("id"), -1, -1, MAX));
    return scan ? c.json(scan) : c.json({ error: "no such scan" }, 404);
  });

  api.get("/scans/:id/sarif", (c) => {
    const scan = store.getScan(intParam(c.req.param("id"), -1, -1, MAX));
    if (!scan) return c.json({ error: "no such scan" }, 404);
    return c.body(sarifOf(scan.report), 200, { "Content-Type": "application/sarif+json; charset=utf-8" });
  });

  return api;
}

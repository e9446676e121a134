/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import { proposePolicy } from "../../policy/learn.ts";
import { alertById, destinationProtos, processOf, sessionAlertCount, sessionEventStats } from "../../store/lookups.ts";
import type { StoredEvent } from "../../store/events.ts";
import { intParam, type WebDeps, type WebEnv } from "../context.ts";
import { addDenyRules } from "../policy-form.ts";
import { redactAlertForDisplay, redactEventForDisplay } from "../redact-event.ts";
import { ActiveSessions, Dashboard } from "../views/dashboard.tsx";
import { AlertRowView, AlertsPage } from "../views/alerts.tsx";
import { parseDate } from "../views/format.ts";
import { DeleteSessionPage, DestinationTable, EventPage, ProposePage, SessionList, SessionPage } from "../views/sessions.tsx";
import { deleteSessionsForGood } from "../../store/retention.ts";
import { renderEditor } from "./policies.tsx";

const EVENT_PAGE = 100;
const MAX_DESTINATIONS = 2000;

const verdicts = new Set(["allow", "alert", "block", "kill"]);

function eventFilter(verdict: string | undefined, q: string | undefined) {
  return { verdict: verdict && verdicts.has(verdict) ? verdict : undefined, q: q?.trim().slice(0, 200) || undefined };
}

export function displayEvents(events: StoredEvent[]): StoredEvent[] {
  return events.map((e) => ({ id: e.id, event: redactEventForDisplay(e.event) }));
}

export function pageRoutes({ store, destinations: destCache }: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/", (c) => {
    const recent = displayEvents(store.listEvents({ type: "connection", limit: 50 }));
    return c.html(<Dashboard csrf={c.get("csrf")} sessions={store.openSessions()} recent={recent} lastId={store.lastEventId()} />);
  });

  app.get("/partials/active", (c) => c.html(<ActiveSessions sessions={store.openSessions()} />));

  app.get("/sessions", (c) => {
    const q = c.req.query();
    const limit = 50;
    const offset = intParam(q.offset, 0, 0, 1_000_000);
    const filters = { q: q.q?.slice(0, 200), since: q.since, until: q.until, verdict: q.verdict };
    const { rows, total } = store.listSessions({
      search: filters.q || undefined, since: parseDate(q.since), until: parseDate(q.until, true),
      withViolations: q.verdict === "violations", limit, offset,
    });
    const deleted = q.deleted && /^[A-Za-z0-9_-]{1,64}$/.test(q.deleted) ? q.deleted : undefined;
    return c.html(<SessionList csrf={c.get("csrf")} rows={rows} total={total} offset={offset} limit={limit} filters={filters} deleted={deleted} />);
  });

  app.get("/sessions/:id/delete", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    return c.html(<DeleteSessionPage csrf={c.get("csrf")} s={s} events={sessionEventStats(store.db, s.id).count} alerts={sessionAlertCount(store.db, s.id)} />);
  });

  app.post("/sessions/:id/delete", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    if (s.endedAt === null) return c.text("this session has no end (running, or its monitor died): delete it with 'trustrun sessions delete ID --force'", 409);
    deleteSessionsForGood(store, [s.id]);
    destCache.forget(s.id);
    return c.redirect(`/sessions?deleted=${encodeURIComponent(s.id)}`, 303);
  });

  app.get("/sessions/:id", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    const before = c.req.query("before");
    const filter = eventFilter(c.req.query("verdict"), c.req.query("q"));
    const events = displayEvents(store.listEvents({
      session: s.id, type: "connection", limit: EVENT_PAGE, beforeId: before ? intParam(before, 0, 0, Number.MAX_SAFE_INTEGER) : undefined,
      verdict: filter.verdict, search: filter.q,
    }));
    // A big session's destination summary is loaded after the page (htmx) unless it is cached.
    const destinations = destCache.cheap(s.id) ? destCache.get(s.id) : null;
    return c.html(
      <SessionPage
        csrf={c.get("csrf")} s={s} destinations={destinations?.slice(0, MAX_DESTINATIONS) ?? null} destinationsTruncated={(destinations?.length ?? 0) > MAX_DESTINATIONS}
        alerts={store.listAlerts({ session: s.id, limit: 200 }).map(redactAlertForDisplay)} events={events} pageSize={EVENT_PAGE} eventTotal={sessionEventStats(store.db, s.id).count} filter={filter}
      />,
    );
  });

  app.get("/sessions/:id/destinations", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    const rows = destCache.get(s.id);
    return c.html(<DestinationTable rows={rows.slice(0, MAX_DESTINATIONS)} truncated={rows.length > MAX_DESTINATIONS} />);
  });

  // The next (older) page of a session's connections, swapped in by htmx.
  app.get("/sessions/:id/events", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    const before = intParam(c.req.query("before"), Number.MAX_SAFE_INTEGER, 0, Number.MAX_SAFE_INTEGER);
    const filter = eventFilter(c.req.query("verdict"), c.req.query("q"));
    const events = displayEvents(store.listEvents({ session: s.id, type: "connection", limit: EVENT_PAGE, beforeId: before, verdict: filter.verdict, search: filter.q }));
    return c.html(<EventPage session={s.id} events={events} pageSize={EVENT_PAGE} filter={filter} />);
  });

  app.get("/sessions/:id/propose", (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    return c.html(<ProposePage csrf={c.get("csrf")} s={s} destinations={destCache.get(s.id).slice(0, MAX_DESTINATIONS)} />);
  });

  app.post("/sessions/:id/propose", async (c) => {
    const s = store.getSession(c.req.param("id"));
    if (!s) return c.text("no such session", 404);
    const body = await c.req.parseBody();
    const name = typeof body.name === "string" && body.name ? body.name : `session-${s.id.slice(0, 8)}`;
    const destinations = destCache.get(s.id).slice(0, MAX_DESTINATIONS);
    const allowed = destinations.filter((_, i) => body[`d${i}`] === "allow");
    const denied = destinations.filter((_, i) => body[`d${i}`] === "deny");
    const protos = destinationProtos(store.db, s.id);
    // One proto when the destination only saw one; both otherwise (the rule then leaves proto open).
    const protoOf = (d: (typeof destinations)[number]) => {
      const seen = protos.get(`${d.host ?? d.ip}|${d.port}`) ?? [];
      return seen.length === 1 ? seen[0] : null;
    };
    let yaml = proposePolicy(allowed.map((d) => ({ host: d.host, ip: d.ip, port: d.port, proto: protoOf(d), count: d.count })), { name });
    yaml = addDenyRules(yaml, denied);
    return c.html(renderEditor(c.get("csrf"), { name, isNew: true, yaml, tab: "visual", check: true }));
  });

  app.get("/alerts", (c) => {
    const limit = 100;
    const offset = intParam(c.req.query("offset"), 0, 0, 1_000_000);
    const unackedOnly = c.req.query("unacked") === "1";
    const alerts = store.listAlerts({ unackedOnly, limit, offset }).map(redactAlertForDisplay);
    const processes = new Map<string, string>();
    for (const a of alerts) {
      const key = `${a.session}:${a.pid}`;
      if (a.pid === null || processes.has(key)) continue;
      const exe = processOf(store.db, a.session, a.pid);
      processes.set(key, `${exe ? exe.split("/").pop() : "?"} (${a.pid})`);
    }
    return c.html(<AlertsPage csrf={c.get("csrf")} alerts={alerts} processes={processes} unackedOnly={unackedOnly} offset={offset} limit={limit} />);
  });

  app.post("/alerts/:id/ack", (c) => {
    const id = intParam(c.req.param("id"), -1, -1, Number.MAX_SAFE_INTEGER);
    store.ackAlert(id);
    const row = alertById(store.db, id);
    if (c.req.header("hx-request")) return row ? c.html(<AlertRowView a={redactAlertForDisplay(row)} csrf={c.get("csrf")} />) : c.text("no such alert", 404);
    return c.redirect("/alerts", 303);
  });

  return app;
}

/** @jsxImportSource hono/jsx */
import type { SessionRow } from "../../store/sessions.ts";
import type { DestinationRow, StoredEvent } from "../../store/events.ts";
import type { AlertRow } from "../../store/alerts.ts";
import { commandLine, destination, duration, when } from "./format.ts";
import { ConnectionRow, EventHead, connectionRows } from "./events.tsx";
import { CsrfField, Layout, Pager, Verdict } from "./layout.tsx";
import { AlertRowView } from "./alerts.tsx";

export interface SessionFilters {
  q?: string;
  since?: string;
  until?: string;
  verdict?: string; // "violations" to keep only sessions with violations
}

export function SessionList(props: { csrf: string; rows: SessionRow[]; total: number; offset: number; limit: number; filters: SessionFilters; deleted?: string }) {
  const f = props.filters;
  return (
    <Layout title="Sessions" csrf={props.csrf} active="/sessions">
      {props.deleted ? <p class="notice">Session {props.deleted} was deleted: its events, captured bodies, alerts and output file are gone.</p> : null}
      <form class="filters" method="get" action="/sessions">
        <label>search <input type="search" name="q" value={f.q ?? ""} placeholder="command, host, policy" /></label>
        <label>from <input type="date" name="since" value={f.since ?? ""} /></label>
        <label>to <input type="date" name="until" value={f.until ?? ""} /></label>
        <label>verdict <select name="verdict">
          <option value="">any</option>
          <option value="violations" selected={f.verdict === "violations"}>with violations</option>
        </select></label>
        <button type="submit">Filter</button>
      </form>
      <table class="grid" id="sessions">
        <thead><tr><th>session</th><th>started</th><th>duration</th><th>mode</th><th>command</th><th>policy</th><th>conn</th><th>dest</th><th>violations</th><th>capture</th></tr></thead>
        <tbody>
          {props.rows.map((s) => (
            <tr>
              <td class="mono"><a href={`/sessions/${s.id}`}>{s.id}</a></td>
              <td>{when(s.startedAt)}</td>
              <td>{s.endedAt ? duration(s.endedAt - s.startedAt) : <span class="warn">running or interrupted</span>}</td>
              <td>{s.mode}</td>
              <td class="mono">{commandLine(s.argv, s.targetPid)}</td>
              <td>{s.policy}</td>
              <td class="num">{s.connections}</td>
              <td class="num">{s.destinations}</td>
              <td class="num">{s.violations ? <span class="bad">{s.violations}</span> : "0"}</td>
              <td>{s.complete ? "complete" : <span class="warn">polling</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager base="/sessions" params={{ q: f.q, since: f.since, until: f.until, verdict: f.verdict }} offset={props.offset} limit={props.limit} total={props.total} />
    </Layout>
  );
}

/** A page of a session's connections plus the link that loads the next (older) page in place. */
export interface EventFilter {
  verdict?: string;
  q?: string;
}

export function filterQuery(f: EventFilter): string {
  const p = new URLSearchParams();
  if (f.verdict) p.set("verdict", f.verdict);
  if (f.q) p.set("q", f.q);
  const s = p.toString();
  return s ? `&${s}` : "";
}

export function EventPage(props: { session: string; events: StoredEvent[]; pageSize: number; filter?: EventFilter }) {
  const rows = connectionRows(props.events);
  const oldest = props.events.length ? props.events[props.events.length - 1].id : null;
  const fq = filterQuery(props.filter ?? {});
  return (
    <>
      {rows.map((r) => <ConnectionRow id={r.id} ev={r.ev} />)}
      {oldest !== null && props.events.length >= props.pageSize ? (
        <tr class="more">
          <td colspan={7}>
            <a href={`/sessions/${props.session}?before=${oldest}${fq}#connections`} hx-get={`/sessions/${props.session}/events?before=${oldest}${fq}`} hx-target="closest tr" hx-swap="outerHTML">
              older connections…
            </a>
          </td>
        </tr>
      ) : null}
    </>
  );
}

export function SessionPage(props: {
  csrf: string; s: SessionRow; destinations: DestinationRow[] | null; alerts: AlertRow[]; events: StoredEvent[];
  pageSize: number; eventTotal: number; destinationsTruncated: boolean; filter?: EventFilter;
}) {
  const f = props.filter ?? {};
  const { s } = props;
  return (
    <Layout title={`Session ${s.id}`} csrf={props.csrf} active="/sessions">
      <dl class="facts">
        <dt>command</dt><dd class="mono">{commandLine(s.argv, s.targetPid)}</dd>
        <dt>mode</dt><dd>{s.mode}</dd>
        <dt>started</dt><dd>{when(s.startedAt)}</dd>
        <dt>ended</dt><dd>{s.endedAt ? `${when(s.endedAt)} (${duration(s.endedAt - s.startedAt)})${s.exitCode !== null ? `, exit ${s.exitCode}` : ""}` : "running or interrupted"}</dd>
        <dt>policy</dt><dd>{s.policy}</dd>
        <dt>probes</dt>
        <dd>
          <ul class="plain">
            {s.probes.map((p) => <li><b>{p.name}</b> {p.complete ? "sees every connection" : "polls: can miss short-lived connections"}{p.note ? ` — ${p.note}` : ""}</li>)}
          </ul>
        </dd>
        <dt>capture</dt><dd>{s.complete ? <span class="ok">complete</span> : <span class="warn">incomplete: only polling probes ran, short-lived connections can be missed</span>}</dd>
        <dt>counts</dt><dd>{s.endedAt ? `${s.connections} connections, ${s.destinations} destinations, ${s.violations} violations; ${props.eventTotal} events stored` : `${props.eventTotal} events stored so far`}</dd>
      </dl>
      <p>
        <a class="button" href={`/sessions/${s.id}/propose`}>Propose a policy from these destinations</a>{" "}
        <a class="button" href={`/api/sessions/${s.id}`}>JSON</a>{" "}
        {s.endedAt ? <a class="button danger" href={`/sessions/${s.id}/delete`}>Delete this session…</a> : null}
      </p>
      <h2>Destinations</h2>
      {props.destinations ? (
        <DestinationTable rows={props.destinations} truncated={props.destinationsTruncated} />
      ) : (
        <div id="destinations-lazy" hx-get={`/sessions/${s.id}/destinations`} hx-trigger="load" hx-swap="outerHTML">
          <p class="muted">Summarising {String(props.eventTotal)} events… <a href={`/sessions/${s.id}/destinations`}>open the summary</a></p>
        </div>
      )}
      <h2>Alerts</h2>
      {props.alerts.length ? (
        <table class="grid"><tbody>{props.alerts.map((a) => <AlertRowView a={a} csrf={props.csrf} />)}</tbody></table>
      ) : <p class="muted">No alerts.</p>}
      <h2 id="connections">Connections</h2>
      <form class="filters" method="get" action={`/sessions/${s.id}#connections`}>
        <label>verdict <select name="verdict">
          {["", "allow", "alert", "block", "kill"].map((v) => <option value={v} selected={f.verdict === v}>{v || "any"}</option>)}
        </select></label>
        <label>search <input type="search" name="q" value={f.q ?? ""} placeholder="host, IP or executable" /></label>
        <button type="submit">Filter</button>
      </form>
      <table class="grid" id="session-events">
        <EventHead />
        <tbody>
          <EventPage session={s.id} events={props.events} pageSize={props.pageSize} filter={f} />
        </tbody>
      </table>
    </Layout>
  );
}

export function DestinationTable(props: { rows: DestinationRow[]; truncated: boolean }) {
  return (
    <div id="destinations-block">
      <table class="grid" id="destinations">
        <thead><tr><th>verdict</th><th>destination</th><th>count</th><th>first seen</th><th>last seen</th><th>processes</th><th>rule</th></tr></thead>
        <tbody>
          {props.rows.map((d) => (
            <tr>
              <td><Verdict v={d.verdict} /></td>
              <td class="mono">{destination(d.host, d.ip, d.port)}{d.host && d.ip ? <span class="muted">{` ${d.ip}`}</span> : null}</td>
              <td class="num">{d.count}</td>
              <td>{when(d.firstSeen)}</td>
              <td>{when(d.lastSeen)}</td>
              <td class="mono">{d.exes.map((e) => e.split("/").pop()).join(", ")}</td>
              <td class="mono">{d.rule ?? "default"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.truncated ? <p class="muted">Showing the busiest destinations only; the JSON API has them all.</p> : null}
    </div>
  );
}

export function ProposePage(props: { csrf: string; s: SessionRow; destinations: DestinationRow[] }) {
  return (
    <Layout title={`Policy from session ${props.s.id}`} csrf={props.csrf} active="/policies">
      <p>Choose for each destination whether the policy should allow or deny it. The result opens in the policy editor; nothing is saved until you save it there.</p>
      <form method="post" action={`/sessions/${props.s.id}/propose`}>
        <CsrfField csrf={props.csrf} />
        <label>policy name <input name="name" required pattern="[A-Za-z0-9._\-]{1,100}" value={`session-${props.s.id.slice(0, 8)}`} /></label>
        <table class="grid" id="proposal">
          <thead><tr><th>destination</th><th>seen</th><th>verdict</th><th>allow</th><th>deny</th><th>skip</th></tr></thead>
          <tbody>
            {props.destinations.map((d, i) => (
              <tr>
                <td class="mono">{destination(d.host, d.ip, d.port)}</td>
                <td class="num">{d.count}</td>
                <td><Verdict v={d.verdict} /></td>
                <td><input type="radio" name={`d${i}`} value="allow" checked={d.verdict === "allow"} aria-label="allow" /></td>
                <td><input type="radio" name={`d${i}`} value="deny" checked={d.verdict !== "allow"} aria-label="deny" /></td>
                <td><input type="radio" name={`d${i}`} value="skip" aria-label="skip" /></td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="submit">Open in editor</button>
      </form>
    </Layout>
  );
}

/** Asks before a session is deleted for good; a session without an end cannot be. */
export function DeleteSessionPage(props: { csrf: string; s: SessionRow; events: number; alerts: number }) {
  const { s } = props;
  return (
    <Layout title={`Delete session ${s.id}`} csrf={props.csrf} active="/sessions">
      <dl class="facts">
        <dt>command</dt><dd class="mono">{commandLine(s.argv, s.targetPid)}</dd>
        <dt>started</dt><dd>{when(s.startedAt)}</dd>
        <dt>stored</dt><dd>{props.events} events (with any captured request and response bodies), {props.alerts} alerts</dd>
      </dl>
      {s.endedAt ? (
        <form method="post" action={`/sessions/${s.id}/delete`}>
          <input type="hidden" name="_csrf" value={props.csrf} />
          <p>This removes the session for good: its rows are overwritten in the database file and cannot be brought back.</p>
          <button type="submit" class="danger">Delete session {s.id}</button>{" "}
          <a class="button" href={`/sessions/${s.id}`}>Keep it</a>
        </form>
      ) : (
        <p class="warn">This session has no end (it is running, or its monitor died). Delete it with <code>trustrun sessions delete {s.id} --force</code> once you are sure.</p>
      )}
    </Layout>
  );
}

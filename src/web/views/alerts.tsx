/** @jsxImportSource hono/jsx */
import type { AlertRow } from "../../store/alerts.ts";
import { destination, when } from "./format.ts";
import { CsrfField, Layout } from "./layout.tsx";

export function AlertRowView(props: { a: AlertRow; csrf: string; process?: string }) {
  const { a } = props;
  return (
    <tr id={`alert-${a.id}`} class={a.ackedAt ? "acked" : ""}>
      <td>{when(a.ts)}</td>
      <td><span class={`sev sev-${a.severity}`}>{a.severity}</span></td>
      <td class="mono">{props.process ?? (a.pid ? `pid ${a.pid}` : "")}</td>
      <td class="mono">{a.host || a.dst ? destination(a.host, a.dst?.ip ?? null, a.dst?.port ?? null) : ""}</td>
      <td class="mono">{a.rule ?? "default"}</td>
      <td>{a.message}<div class="suggest">{a.suggestion}</div></td>
      <td class="mono"><a href={`/sessions/${a.session}`}>{a.session.slice(0, 8)}</a></td>
      <td>
        {a.ackedAt ? (
          <span class="muted">{`acknowledged ${when(a.ackedAt)}`}</span>
        ) : (
          <form method="post" action={`/alerts/${a.id}/ack`} hx-post={`/alerts/${a.id}/ack`} hx-target={`#alert-${a.id}`} hx-swap="outerHTML">
            <CsrfField csrf={props.csrf} />
            <button type="submit">Acknowledge</button>
          </form>
        )}
      </td>
    </tr>
  );
}

export function AlertsPage(props: { csrf: string; alerts: AlertRow[]; processes: Map<string, string>; unackedOnly: boolean; offset: number; limit: number }) {
  const { offset, limit } = props;
  const q = props.unackedOnly ? "unacked=1&" : "";
  return (
    <Layout title="Alerts" csrf={props.csrf} active="/alerts">
      <p class="filters">
        {props.unackedOnly ? <a href="/alerts">show all</a> : <a href="/alerts?unacked=1">only unacknowledged</a>}
      </p>
      {props.alerts.length ? (
        <table class="grid" id="alerts">
          <thead><tr><th>time</th><th>severity</th><th>process</th><th>destination</th><th>rule</th><th>what and what to do</th><th>session</th><th></th></tr></thead>
          <tbody>{props.alerts.map((a) => <AlertRowView a={a} csrf={props.csrf} process={props.processes.get(`${a.session}:${a.pid}`)} />)}</tbody>
        </table>
      ) : <p class="muted">No alerts.</p>}
      <p class="pager">
        {offset > 0 ? <a href={`/alerts?${q}offset=${Math.max(0, offset - limit)}`}>← newer</a> : null}
        {props.alerts.length >= limit ? <a href={`/alerts?${q}offset=${offset + limit}`}>older →</a> : null}
      </p>
    </Layout>
  );
}

/** @jsxImportSource hono/jsx */
import type { SessionRow } from "../../store/sessions.ts";
import type { StoredEvent } from "../../store/events.ts";
import { commandLine, when } from "./format.ts";
import { ConnectionRow, EventHead, connectionRows } from "./events.tsx";
import { Layout } from "./layout.tsx";

export function ActiveSessions(props: { sessions: SessionRow[] }) {
  if (!props.sessions.length) return <p class="muted">No running session. Start one with <code>trustrun run -- CMD</code> or <code>trustrun watch PID</code>.</p>;
  return (
    <table class="grid">
      <thead><tr><th>session</th><th>mode</th><th>command</th><th>started</th><th>probes</th><th>capture</th></tr></thead>
      <tbody>
        {props.sessions.map((s) => (
          <tr>
            <td class="mono"><a href={`/sessions/${s.id}`}>{s.id}</a></td>
            <td>{s.mode}</td>
            <td class="mono">{commandLine(s.argv, s.targetPid)}</td>
            <td>{when(s.startedAt)}</td>
            <td>{s.probes.map((p) => p.name).join(", ")}</td>
            <td>{s.complete ? <span class="ok">complete</span> : <span class="warn">polling: may miss short-lived connections</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function Dashboard(props: { csrf: string; sessions: SessionRow[]; recent: StoredEvent[]; lastId: number }) {
  return (
    <Layout title="Live connections" csrf={props.csrf} active="/">
      <section>
        <h2>Running sessions <span class="muted small">(and sessions whose monitor stopped without recording an end)</span></h2>
        <div id="active" hx-get="/partials/active" hx-trigger="every 5s, sessions-changed from:body" hx-swap="innerHTML">
          <ActiveSessions sessions={props.sessions} />
        </div>
      </section>
      <section>
        <h2>Connections and violations <span class="muted small">(last 15 minutes, 10 s buckets)</span></h2>
        <svg id="chart" class="chart" viewBox="0 0 900 160" preserveAspectRatio="none" role="img" aria-label="connections and violations over time"></svg>
        <p class="legend"><span class="key conn"></span> connections <span class="key viol"></span> violations</p>
      </section>
      <section>
        <h2>Stream <span id="live-status" class="status">connecting…</span></h2>
        <form id="live-filters" class="filters">
          <button type="button" id="pause">Pause</button>
          <label>verdict <select id="f-verdict" name="verdict">
            <option value="">any</option><option value="allow">allow</option><option value="alert">alert</option>
            <option value="block">block</option><option value="kill">kill</option><option value="violation">not allowed</option>
          </select></label>
          <label>host <input id="f-host" name="host" type="search" placeholder="api.openai.com" /></label>
          <label>process <input id="f-proc" name="proc" type="search" placeholder="python3" /></label>
          <span id="live-counts" class="muted"></span>
        </form>
        <table class="grid" id="live" data-last-id={String(props.lastId)}>
          <EventHead showSession />
          <tbody id="live-rows">
            {connectionRows(props.recent).map((r) => <ConnectionRow id={r.id} ev={r.ev} showSession />)}
          </tbody>
        </table>
      </section>
    </Layout>
  );
}

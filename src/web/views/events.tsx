/** @jsxImportSource hono/jsx */
import type { ConnectionEvent, TrustRunEvent } from "../../core/types.ts";
import type { StoredEvent } from "../../store/events.ts";
import { clockTime, destination, processName } from "./format.ts";
import { Verdict } from "./layout.tsx";
import { tenantText } from "../../core/tenant.ts";

/** One connection as a table row; app.js builds the same shape for live rows. */
export function ConnectionRow(props: { id: number; ev: ConnectionEvent; showSession?: boolean }) {
  const { ev } = props;
  const dest = destination(ev.host, ev.dst.ip, ev.dst.port);
  return (
    <tr data-id={String(props.id)} data-verdict={ev.verdict} data-host={`${ev.host ?? ""} ${ev.dst.ip}`} data-proc={processName(ev)}>
      <td class="mono">{clockTime(ev.ts)}</td>
      {props.showSession ? <td class="mono"><a href={`/sessions/${ev.session}`}>{ev.session.slice(0, 8)}</a></td> : null}
      <td><Verdict v={ev.verdict} /></td>
      <td class="mono">{processName(ev)}</td>
      <td class="mono">{`${ev.proto} ${dest}`}{ev.host ? <span class="muted">{` ${ev.dst.ip}`}</span> : null}</td>
      <td>{ev.package ?? ""}</td>
      <td class="mono">{ev.rule ?? "default"}</td>
      <td>{ev.reason}{ev.http?.method ? <span class="muted">{` ${ev.http.method} ${ev.http.path ?? ""}`}</span> : null}{tenantText(ev.http?.tenant) ? <span class="muted">{` · ${tenantText(ev.http?.tenant)}`}</span> : null}</td>
    </tr>
  );
}

export function EventHead(props: { showSession?: boolean }) {
  return (
    <thead>
      <tr>
        <th>time (UTC)</th>
        {props.showSession ? <th>session</th> : null}
        <th>verdict</th>
        <th>process</th>
        <th>destination</th>
        <th>package</th>
        <th>rule</th>
        <th>reason</th>
      </tr>
    </thead>
  );
}

export function connectionRows(events: StoredEvent[]): Array<{ id: number; ev: ConnectionEvent }> {
  return events.filter((e) => e.event.type === "connection").map((e) => ({ id: e.id, ev: e.event as ConnectionEvent }));
}

export function isConnection(ev: TrustRunEvent): ev is ConnectionEvent {
  return ev.type === "connection";
}

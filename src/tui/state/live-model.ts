// Everything the live screen shows, aggregated from the event stream. Events arrive at any rate;
// the UI takes a snapshot a few times a second, so aggregation is cheap and mutation-based.
import type { AlertEvent, ConnectionEvent, DecisionEvent, SessionEvent, TrustRunEvent } from "../../core/types.ts";
import { addToDestinations, sortDestinations, type DestinationStat } from "./destinations.ts";
import { createRateCounter, type RateSeries } from "./rate.ts";

export interface ConnectionRow {
  seq: number;
  ev: ConnectionEvent;
}

export interface AlertRow {
  seq: number;
  ev: AlertEvent;
}

export interface LiveSnapshot {
  version: number;
  session: SessionEvent | null;
  ended: SessionEvent | null;
  rows: ConnectionRow[]; // oldest first, the newest `maxRows`
  connections: number;
  violations: number;
  destinations: DestinationStat[];
  alerts: AlertRow[];
  decisions: DecisionEvent[];
  rate: RateSeries;
  notes: string[];
}

export interface LiveModelOptions {
  maxRows?: number;
  maxAlerts?: number;
  rateWindowSeconds?: number;
  clock?: () => number;
}

export function createLiveModel(opts: LiveModelOptions = {}) {
  const maxRows = opts.maxRows ?? 5000;
  const maxAlerts = opts.maxAlerts ?? 1000;
  const clock = opts.clock ?? Date.now;
  let rows: ConnectionRow[] = [];
  let alerts: AlertRow[] = [];
  const decisions: DecisionEvent[] = [];
  const destinations = new Map<string, DestinationStat>();
  const rate = createRateCounter(opts.rateWindowSeconds ?? 60);
  const notes: string[] = [];
  let session: SessionEvent | null = null;
  let ended: SessionEvent | null = null;
  let seq = 0;
  let connections = 0;
  let violations = 0;
  let version = 0;

  function apply(ev: TrustRunEvent): void {
    switch (ev.type) {
      case "connection":
        rows.push({ seq: ++seq, ev });
        connections++;
        if (ev.verdict !== "allow") violations++;
        addToDestinations(destinations, ev);
        rate.add(ev.ts, ev.verdict !== "allow");
        break;
      case "alert":
        alerts.push({ seq: ++seq, ev });
        break;
      case "decision":
        if (decisions.length < 10000) decisions.push(ev);
        break;
      case "session":
        if (ev.phase === "start") session = ev;
        else ended = ev;
        break;
      default:
        return;
    }
    version++;
  }

  return {
    push(events: TrustRunEvent[]): void {
      for (const ev of events) apply(ev);
      // Trim in bulk rather than per event: shift() on every event is quadratic at high rates.
      if (rows.length > maxRows * 1.25) rows = rows.slice(rows.length - maxRows);
      if (alerts.length > maxAlerts * 1.25) alerts = alerts.slice(alerts.length - maxAlerts);
    },
    note(message: string): void {
      notes.push(message);
      if (notes.length > 50) notes.shift();
      version++;
    },
    version(): number {
      return version;
    },
    snapshot(now: number = clock()): LiveSnapshot {
      return {
        version, session, ended,
        rows: rows.length > maxRows ? rows.slice(rows.length - maxRows) : rows.slice(),
        connections, violations,
        destinations: sortDestinations([...destinations.values()].map((d) => ({ ...d }))),
        alerts: alerts.length > maxAlerts ? alerts.slice(alerts.length - maxAlerts) : alerts.slice(),
        decisions: decisions.slice(),
        rate: rate.series(now),
        notes: notes.slice(),
      };
    },
  };
}

export type LiveModel = ReturnType<typeof createLiveModel>;

// Everything the live screen shows, aggregated from the event stream. Events arrive at any rate;
// the UI takes a snapshot a few times a second, so aggregation is cheap and mutation-based.
import type { AlertEvent, ConnectionEvent, DecisionEvent, SessionEvent, TrustRunEvent } from "../../core/types.ts";
import { addToDestinations, sortDestinations, type DestinationStat } from "./destinations.ts";
import { createRateCounter, type RateSeries } from "./rate.ts";
import { maskSecrets } from "../../scan/secrets/detect.ts";
import { redactText, REDACTED } from "../../core/redact.ts";

export interface ConnectionRow {
  seq: number;
  ev: ConnectionEvent;
}

export interface AlertRow {
  seq: number;
  ev: AlertEvent;
}

/** One line of the command's own output (run under the screen), cleaned for display. */
export interface OutputLine {
  seq: number;
  text: string;
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
  /** The command's output, oldest first, the newest `maxOutputLines`; `outputLines` counts all. */
  output: OutputLine[];
  outputLines: number;
}

/** What the header counts, cheap to take: it keeps running while the lists are paused. */
export interface LiveCounts {
  session: SessionEvent | null;
  ended: SessionEvent | null;
  connections: number;
  violations: number;
  destinations: number;
}

export interface LiveModelOptions {
  maxRows?: number;
  maxAlerts?: number;
  maxOutputLines?: number;
  rateWindowSeconds?: number;
  clock?: () => number;
}

export function createLiveModel(opts: LiveModelOptions = {}) {
  const maxRows = opts.maxRows ?? 5000;
  const maxAlerts = opts.maxAlerts ?? 1000;
  const maxOutputLines = opts.maxOutputLines ?? 1000;
  let output: OutputLine[] = [];
  let outputLines = 0;
  let partial = ""; // the command's last line, until its newline arrives
  const clean = createOutputCleaner();
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
    /** Text the command wrote (any chunking): whole lines are kept, cleaned for the screen. */
    appendOutput(text: string): void {
      const parts = (partial + text).split("\n");
      partial = parts.pop() ?? "";
      // A line that never ends is still shown once it is long.
      if (partial.length > 4096) {
        parts.push(partial);
        partial = "";
      }
      if (!parts.length) return;
      for (const line of parts) output.push({ seq: ++outputLines, text: clean(line) });
      if (output.length > maxOutputLines * 1.25) output = output.slice(output.length - maxOutputLines);
      version++;
    },
    note(message: string): void {
      notes.push(message);
      if (notes.length > 50) notes.shift();
      version++;
    },
    version(): number {
      return version;
    },
    counts(): LiveCounts {
      return { session, ended, connections, violations, destinations: destinations.size };
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
        output: output.length > maxOutputLines ? output.slice(output.length - maxOutputLines) : output.slice(),
        outputLines,
      };
    },
  };
}

export type LiveModel = ReturnType<typeof createLiveModel>;

/**
 * A line of program output as the screen may show it: colour and cursor sequences removed (they
 * would move Ink's cursor), other control characters made visible, secrets hidden (the
 * redaction used for argv and headers: known tokens, `key=value`, bearer, URL credentials; then
 * the scanner's masking), length cut.
 */
export function cleanOutputLine(line: string): string {
  const plain = line
    .replace(/\x1b\[[0-?]*[ -\/]*[@-~]/g, "") // CSI: colours, cursor moves
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, "") // OSC: titles, links
    .replace(/\r$/, "")
    .replace(/\t/g, "  ")
    .replace(/[\x00-\x1f\x7f]/g, "?");
  // Only the first 1,000 characters are shown; a little more is redacted so a cut secret is still seen whole.
  return maskSecrets(redactText(plain.slice(0, 1200))).slice(0, 1000);
}

const keyBegin = /-----BEGIN [A-Z ]*PRIVATE KEY-----/;
const keyEnd = /-----END [A-Z ]*PRIVATE KEY-----/;

/**
 * cleanOutputLine for consecutive lines: also hides the lines of a private key block (between
 * its BEGIN and END lines), which no single line shows to be secret.
 */
export function createOutputCleaner(): (line: string) => string {
  let keyLines = 0; // lines left to hide; a block that never ends stops hiding after a key's length
  return (line) => {
    if (keyLines > 0) {
      keyLines = keyEnd.test(line) ? 0 : keyLines - 1;
      return REDACTED;
    }
    const begin = keyBegin.exec(line);
    if (begin && !keyEnd.test(line.slice(begin.index))) keyLines = 200;
    return cleanOutputLine(line);
  };
}

/**
 * Lines of program output in order (e.g. its last lines), each cleaned as on the screen. Lines
 * may start inside a private key block: what comes before its END line is hidden too.
 */
export function cleanOutputLines(lines: string[]): string[] {
  const end = lines.findIndex((l) => keyEnd.test(l));
  const begin = lines.findIndex((l) => keyBegin.test(l));
  const clean = createOutputCleaner();
  return lines.map((l, i) => (end >= 0 && (begin < 0 || begin > end) && i <= end ? REDACTED : clean(l)));
}

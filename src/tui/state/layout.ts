// How the screen's rows are shared out, so that the whole frame fits the terminal: drawn taller,
// its top (the header) would scroll off. Header, status line and an open question always get
// their lines; the list gets at least its title and two rows; notes, the rate chart and the alert
// pane below the table only take what is left, in that order.
import type { View } from "./ui.ts";

export interface LayoutInput {
  rows: number;
  view: View;
  /** Lines of the open question's box (borders included), 0 when none is open. */
  promptLines: number;
  notes: boolean;
  alerts: number;
}

export interface Layout {
  /** Rows of the list (its title line not included). */
  listRows: number;
  notesLine: number;
  chartLines: number;
  alertPaneLines: number;
}

const HEADER = 3;
const STATUS = 1;
const SPARE = 1; // the terminal's last line: writing into it scrolls
const MIN_BODY = 3; // the list's title and two rows

export function screenLayout(p: LayoutInput): Layout {
  const avail = p.rows - HEADER - STATUS - SPARE - p.promptLines;
  let rest = Math.max(0, avail - MIN_BODY);
  const take = (want: number, min = want) => {
    const n = Math.min(want, rest);
    if (n < min) return 0;
    rest -= n;
    return n;
  };
  const notesLine = p.notes ? take(1) : 0;
  const chartLines = p.view === "destinations" ? take(2) : 0;
  const alertPaneLines = p.view === "connections" ? take(Math.min(4, Math.max(2, p.alerts + 1)), 2) : 0;
  return { listRows: Math.max(1, Math.min(avail, MIN_BODY) - 1 + rest), notesLine, chartLines, alertPaneLines };
}

// The whole live screen. Reads state from LiveContext, acts through ActionsContext; layout only.
import { useMemo, type Dispatch } from "react";
import { Box, Text } from "ink";
import { useLive } from "../contexts/live-context.ts";
import { useActions } from "../contexts/actions-context.ts";
import { useKeys } from "../hooks/use-keys.ts";
import { useTerminalSize } from "../hooks/use-terminal-size.ts";
import { filterRows, isFiltered } from "../state/filter.ts";
import type { UiAction, UiState } from "../state/ui.ts";
import { keyToCommand } from "../state/keys.ts";
import { listWindow, moveSelection } from "../state/window.ts";
import { connectionDetail } from "../state/detail.ts";
import { matchesVerdict } from "../state/filter.ts";
import { Header } from "./Header.tsx";
import { ConnectionsTable } from "./ConnectionsTable.tsx";
import { DestinationsView } from "./DestinationsView.tsx";
import { AlertsPane } from "./AlertsPane.tsx";
import { RateChart } from "./RateChart.tsx";
import { PromptBar, promptLayout } from "./PromptBar.tsx";
import { screenLayout } from "../state/layout.ts";
import { DetailView } from "./DetailView.tsx";
import { StatusBar } from "./StatusBar.tsx";
import { HelpView } from "./HelpView.tsx";
import { OutputView } from "./OutputView.tsx";

export function Screen({ ui, dispatch }: { ui: UiState; dispatch: Dispatch<UiAction> }) {
  const live = useLive();
  const actions = useActions();
  const { columns, rows: termRows } = useTerminalSize();
  const { snap, control, now } = live;
  const prompt = control.prompts[0] ?? null;
  const targetAlive = live.mode === "run" && control.targetExit === undefined;
  const width = columns - 1;

  // Only what the current view needs is filtered; the keys list drives selection and windowing.
  const connRows = useMemo(() => filterRows(snap.rows, ui.filter), [snap.rows, ui.filter]);
  const destRows = useMemo(() => {
    const t = ui.filter.text.trim().toLowerCase();
    return snap.destinations.filter((d) => matchesVerdict(d.verdict, ui.filter.verdict) && (!t || `${d.key} ${d.ip} ${d.processes.join(" ")}`.toLowerCase().includes(t)));
  }, [snap.destinations, ui.filter]);
  const keys = useMemo(
    () => (ui.view === "connections" ? connRows.map((r) => String(r.seq))
      : ui.view === "destinations" ? destRows.map((d) => d.key)
      : ui.view === "output" ? snap.output.map((l) => String(l.seq))
      : snap.alerts.map((a) => String(a.seq))),
    [ui.view, connRows, destRows, snap.alerts, snap.output],
  );

  const promptProps = prompt ? { req: prompt, queued: control.prompts.length - 1, now, width, timeoutAction: live.timeoutAction } : null;
  const { listRows: bodyHeight, notesLine, chartLines, alertPaneLines } = screenLayout({
    rows: termRows, view: ui.view, promptLines: promptProps ? promptLayout(promptProps).height : 0,
    notes: snap.notes.length > 0 && !ui.help && !ui.detail, alerts: snap.alerts.length,
  });
  const panelHeight = bodyHeight + 1 + chartLines + alertPaneLines;
  const win = listWindow(keys, bodyHeight, ui.selected);
  const pageSize = Math.max(1, bodyHeight - 1);

  const interactive = useKeys((input, key) => {
    const cmd = keyToCommand(input, key, ui, { promptOpen: prompt !== null, mode: live.mode, targetAlive });
    if (!cmd) return;
    if (cmd.kind === "answer") actions.answer(cmd.answer);
    else if (cmd.kind === "quit") actions.exit("quit");
    else if (cmd.kind === "confirmQuit") actions.exit(cmd.stopTarget ? "stop-target" : "detach");
    else if (cmd.kind === "move") {
      const delta = cmd.delta === "pageUp" ? -pageSize : cmd.delta === "pageDown" ? pageSize : cmd.delta;
      dispatch({ type: "select", key: moveSelection(keys, ui.selected, delta) });
    } else dispatch(cmd.action);
  });

  let body;
  let detail: { title: string; lines: Array<[string, string]> } | null = null;
  if (ui.view === "connections") {
    const visible = connRows.slice(win.start, win.end);
    const sel = win.selected !== null ? connRows[win.selected] : null;
    if (ui.detail && sel) detail = { title: "Connection", lines: connectionDetail(sel.ev, live.lookup) };
    const label = isFiltered(ui.filter) ? [ui.filter.text && `"${ui.filter.text}"`, ui.filter.verdict !== "all" && ui.filter.verdict].filter(Boolean).join(" ") : null;
    body = <ConnectionsTable rows={visible} selectedSeq={sel?.seq ?? null} width={width} height={bodyHeight} total={connRows.length} filterLabel={label} />;
  } else if (ui.view === "destinations") {
    const sel = win.selected !== null ? destRows[win.selected] : null;
    if (ui.detail && sel) {
      detail = {
        title: "Destination",
        lines: [
          ["destination", `${sel.host ?? "(no hostname)"}  ${sel.ip}:${sel.port}/${sel.proto}`],
          ["connections", `${sel.count} (${sel.violations} not allowed)`],
          ["first / last", `${new Date(sel.firstSeen).toISOString()}  ${new Date(sel.lastSeen).toISOString()}`],
          ["processes", `${sel.processes.join(", ")}  pids ${sel.pids.join(", ")}`],
          ["verdict", sel.verdict],
          ["rule", sel.rule ?? "(policy default)"],
        ],
      };
    }
    body = (
      <Box flexDirection="column">
        {chartLines ? <RateChart rate={snap.rate} width={width} /> : null}
        <DestinationsView rows={destRows.slice(win.start, win.end)} selectedKey={sel?.key ?? null} width={width} height={bodyHeight} total={destRows.length} />
      </Box>
    );
  } else if (ui.view === "output") {
    const sel = win.selected !== null ? snap.output[win.selected] : null;
    const shown = snap.output.length < snap.outputLines ? `last ${snap.output.length} of ${snap.outputLines} lines` : `${snap.outputLines} lines`;
    const note = live.mode === "watch" ? "(a watched process's output is not captured)" : `${shown}; all of it in the session's output file`;
    body = <OutputView lines={snap.output.slice(win.start, win.end)} selectedSeq={sel?.seq ?? null} width={width} height={bodyHeight} total={snap.outputLines} note={note} />;
  } else {
    const sel = win.selected !== null ? snap.alerts[win.selected] : null;
    if (ui.detail && sel) {
      const a = sel.ev;
      detail = {
        title: "Alert",
        lines: [
          ["severity", a.severity], ["message", a.message], ["suggestion", a.suggestion], ["rule", a.rule ?? "(policy default)"],
          ["destination", `${a.host ?? "-"} ${a.dst ? `${a.dst.ip}:${a.dst.port}` : ""}`], ["pid", String(a.pid ?? "-")],
        ],
      };
    }
    body = (
      <Box height={bodyHeight + 1} flexDirection="column">
        <AlertsPane alerts={snap.alerts.slice(win.start, win.end)} selectedSeq={sel?.seq ?? null} width={width} total={snap.alerts.length} />
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={columns}>
      <Header
        session={live.counts.session} ended={live.counts.ended} connections={live.counts.connections} destinations={live.counts.destinations} violations={live.counts.violations}
        now={now} mode={live.mode} learn={live.learn} paused={ui.paused} behind={live.behind} targetExit={control.targetExit} width={width}
      />
      {notesLine ? <Text color="yellow" wrap="truncate-end">note: {snap.notes.at(-1)}</Text> : null}
      {promptProps ? <PromptBar {...promptProps} /> : null}
      {ui.help || detail ? (
        // Help and detail take the list's place (and the alert pane's); what does not fit is cut.
        <Box flexDirection="column" height={panelHeight} overflow="hidden">
          {panelHeight < 4 ? <Text dimColor wrap="truncate-end">{ui.help ? "key help" : "detail"}: the terminal is too small (Esc closes)</Text>
            : ui.help ? <HelpView width={width} /> : <DetailView title={detail!.title} lines={detail!.lines} width={width} />}
        </Box>
      ) : body}
      {alertPaneLines && !ui.help && !detail ? (
        <AlertsPane alerts={snap.alerts.slice(-(alertPaneLines - 1))} selectedSeq={null} width={width} total={snap.alerts.length} />
      ) : null}
      <StatusBar ui={ui} status={control.status} interactive={interactive} mode={live.mode} targetAlive={targetAlive} width={width} />
    </Box>
  );
}

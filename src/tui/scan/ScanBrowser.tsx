// Interactive scan results: hosts on the left, that host's findings on the right, the source
// around the selected finding below. Presentational apart from its own selection state.
import { useMemo, useState } from "react";
import { Box, Text } from "ink";
import type { Finding } from "../../core/types.ts";
import { useKeys } from "../hooks/use-keys.ts";
import { useTerminalSize } from "../hooks/use-terminal-size.ts";
import { cell } from "../state/format.ts";
import { listWindow, moveSelection } from "../state/window.ts";
import { contextLines, groupFindings, nextScanVerdict, type ScanVerdictFilter } from "./groups.ts";

const color: Record<Finding["verdict"], string> = { violation: "red", unknown: "yellow", allowed: "green" };
/** ` (comment)` or ` (docs)` for a finding outside code (scan/types.ts FindingContext). */
const where = (f: Finding & { context?: string }) => (f.context && f.context !== "code" ? ` (${f.context})` : "");

export interface ScanBrowserProps {
  root: string;
  findings: Finding[];
  /** The text of a file relative to root, or null when it cannot be read. */
  readFile: (file: string) => string | null;
  onQuit: () => void;
}

const fKey = (f: Finding) => `${f.file}:${f.line}:${f.column}:${f.rule}:${f.value}`;

export function ScanBrowser({ root, findings, readFile, onQuit }: ScanBrowserProps) {
  const { columns, rows } = useTerminalSize();
  const [verdict, setVerdict] = useState<ScanVerdictFilter>("all");
  const [text, setText] = useState("");
  const [editing, setEditing] = useState<string | null>(null);
  const [hostKey, setHostKey] = useState<string | null>(null);
  const [findingKey, setFindingKey] = useState<string | null>(null);
  const [focus, setFocus] = useState<"hosts" | "findings">("hosts");

  const groups = useMemo(() => groupFindings(findings, { text, verdict }), [findings, text, verdict]);
  const hostKeys = groups.map((g) => g.key);
  const group = groups.find((g) => g.key === hostKey) ?? groups[0] ?? null;
  const fKeys = group ? group.findings.map(fKey) : [];
  const finding = group ? group.findings.find((f) => fKey(f) === findingKey) ?? group.findings[0] : null;

  const listHeight = Math.max(3, rows - 4 - 9);
  const hostWin = listWindow(hostKeys, listHeight, group?.key ?? null);
  const fWin = listWindow(fKeys, listHeight, finding ? fKey(finding) : null);
  const leftW = Math.max(24, Math.floor(columns * 0.35));
  const rightW = Math.max(30, columns - leftW - 3);

  const interactive = useKeys((input, key) => {
    if (editing !== null) {
      if (key.return) {
        setText(editing);
        setEditing(null);
      } else if (key.escape) setEditing(null);
      else if (key.backspace || key.delete) setEditing(editing.slice(0, -1));
      else if (input && !key.ctrl && !/[\x00-\x1f\x7f]/.test(input)) setEditing((editing + input).slice(0, 200));
      return;
    }
    if (input === "q" || key.escape || (key.ctrl && input === "c")) return onQuit();
    if (key.tab || key.leftArrow || key.rightArrow || key.return) return setFocus(focus === "hosts" ? "findings" : "hosts");
    if (input === "v") return setVerdict(nextScanVerdict(verdict));
    if (input === "/") return setEditing(text);
    if (input === "c") {
      setText("");
      setVerdict("all");
      return;
    }
    const delta = key.upArrow ? -1 : key.downArrow ? 1 : key.pageUp ? -listHeight : key.pageDown ? listHeight : key.home ? "home" : key.end ? "end" : null;
    if (delta === null) return;
    if (focus === "hosts") {
      const current = group?.key ?? hostKeys[0] ?? null;
      const next = delta === "end" ? hostKeys.at(-1) ?? null : moveSelection(hostKeys, current, delta) ?? hostKeys.at(-1) ?? null;
      setHostKey(next);
      setFindingKey(null);
    } else {
      const current = finding ? fKey(finding) : null;
      setFindingKey(delta === "end" ? fKeys.at(-1) ?? null : moveSelection(fKeys, current, delta) ?? fKeys.at(-1) ?? null);
    }
  });

  let context: Array<{ n: number; text: string; hit: boolean }> = [];
  if (finding) {
    const body = readFile(finding.file);
    const secretLines = new Set(findings.filter((f) => f.kind === "secret" && f.file === finding.file).map((f) => f.line));
    context = body === null ? [{ n: finding.line, text: "(file not readable)", hit: true }] : contextLines(body, finding.line, 3, 400, finding.kind === "secret", secretLines);
  }
  const violations = findings.filter((f) => f.verdict === "violation").length;

  return (
    <Box flexDirection="column" width={columns}>
      <Text wrap="truncate-end">
        <Text bold color="cyan">trustrun scan</Text> {root}  <Text dimColor>findings</Text> {findings.length}  <Text dimColor>violations</Text>{" "}
        <Text color={violations ? "red" : "green"} bold>{violations}</Text>  <Text dimColor>hosts</Text> {groups.length}
        {verdict !== "all" || text ? <Text color="yellow">  [filter: {[text && `"${text}"`, verdict !== "all" && verdict].filter(Boolean).join(" ")}]</Text> : null}
      </Text>
      <Box>
        <Box flexDirection="column" width={leftW} height={listHeight + 1}>
          <Text bold underline={focus === "hosts"}>{cell("HOST", leftW - 8)} {cell("FOUND", 6, "right")}</Text>
          {groups.length === 0 ? <Text dimColor>no findings{verdict !== "all" || text ? " match the filter" : ""}</Text> : null}
          {groups.slice(hostWin.start, hostWin.end).map((g) => (
            <Text key={g.key} inverse={g.key === group?.key} wrap="truncate-end">
              <Text color={color[g.verdict]}>{cell(g.label, leftW - 8)}</Text> {cell(String(g.findings.length), 6, "right")}
            </Text>
          ))}
        </Box>
        <Text> </Text>
        <Box flexDirection="column" width={rightW} height={listHeight + 1}>
          <Text bold underline={focus === "findings"}>{cell("VERDICT", 9)} {cell("KIND", 11)} {cell("FILE:LINE", rightW - 22)}</Text>
          {group
            ? group.findings.slice(fWin.start, fWin.end).map((f) => (
                <Text key={fKey(f)} inverse={finding !== null && fKey(f) === fKey(finding)} wrap="truncate-end">
                  <Text color={color[f.verdict]}>{cell(f.verdict, 9)}</Text> {cell(f.kind, 11)} {cell(`${f.file}:${f.line}${where(f)}`, rightW - 22)}
                </Text>
              ))
            : null}
        </Box>
      </Box>
      <Box flexDirection="column" borderStyle="single" width={columns - 1} height={9}>
        {finding ? (
          <Text wrap="truncate-end">
            <Text bold>{finding.file}:{finding.line}:{finding.column}</Text> <Text dimColor>{finding.language} · {finding.analyzer} · {finding.rule}</Text> {finding.value}
          </Text>
        ) : <Text dimColor>no finding selected</Text>}
        {context.map((l) => (
          <Text key={l.n} wrap="truncate-end" color={l.hit ? "yellow" : undefined} bold={l.hit}>
            {String(l.n).padStart(5)} {l.hit ? "▶" : " "} {l.text}
          </Text>
        ))}
      </Box>
      <Text dimColor wrap="truncate-end">
        {editing !== null ? `filter: ${editing}▏ Enter apply  Esc cancel` : interactive ? "↑↓ select  Tab/←→ hosts⇄findings  / filter  v verdict  c clear  q quit" : "keys unavailable: no terminal input"}
      </Text>
    </Box>
  );
}

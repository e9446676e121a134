// Offset → 1-based line and column (UTF-16 code units, SARIF's default column kind).

export interface LineIndex {
  position(offset: number): { line: number; column: number };
  /** The offset of a position `position` gave (its line's start is known by then). */
  offsetOf(line: number, column: number): number;
  lineText(line: number): string;
}

export function lineIndex(text: string): LineIndex {
  // Line starts are found lazily and only as far as asked: most files have no finding at all,
  // and a finding near the top of a big file never pays for the rest of it.
  const starts = [0];
  let scanned = 0; // every "\n" before this offset is in `starts`
  const extendTo = (offset: number) => {
    while (scanned <= offset && scanned < text.length) {
      const i = text.indexOf("\n", scanned);
      if (i === -1) {
        scanned = text.length;
        break;
      }
      starts.push(i + 1);
      scanned = i + 1;
    }
  };
  const complete = () => scanned >= text.length;
  return {
    position(offset) {
      extendTo(offset);
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - starts[lo] + 1 };
    },
    offsetOf(line, column) {
      while (starts.length < line && !complete()) extendTo(scanned);
      return (starts[line - 1] ?? text.length) + column - 1;
    },
    lineText(line) {
      while (starts.length <= line && !complete()) extendTo(scanned);
      const s = starts[line - 1];
      if (s === undefined) return "";
      const e = line < starts.length ? starts[line] - 1 : text.length;
      return text.slice(s, e).replace(/\r$/, "");
    },
  };
}

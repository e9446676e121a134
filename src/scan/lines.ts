// Offset → 1-based line and column (UTF-16 code units, SARIF's default column kind).

export interface LineIndex {
  position(offset: number): { line: number; column: number };
  lineText(line: number): string;
}

export function lineIndex(text: string): LineIndex {
  let starts: number[] | null = null;
  const build = () => {
    const s = [0];
    let i = text.indexOf("\n");
    while (i !== -1) {
      s.push(i + 1);
      i = text.indexOf("\n", i + 1);
    }
    return s;
  };
  return {
    position(offset) {
      starts ??= build();
      let lo = 0;
      let hi = starts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return { line: lo + 1, column: offset - starts[lo] + 1 };
    },
    lineText(line) {
      starts ??= build();
      const s = starts[line - 1];
      if (s === undefined) return "";
      const e = line < starts.length ? starts[line] - 1 : text.length;
      return text.slice(s, e).replace(/\r$/, "");
    },
  };
}

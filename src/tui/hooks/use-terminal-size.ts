import { useWindowSize } from "ink";

/** Terminal columns and rows, with sane floors so layout math never goes negative. */
export function useTerminalSize(fallback = { columns: 100, rows: 30 }): { columns: number; rows: number } {
  const size = useWindowSize();
  return {
    columns: Math.max(40, size?.columns || fallback.columns),
    rows: Math.max(12, size?.rows || fallback.rows),
  };
}

// Which slice of a long list is on screen: only these rows are rendered.

export interface ListWindow {
  start: number;
  end: number; // exclusive
  selected: number | null; // index in the full list
}

/** Follows the tail when nothing is selected; otherwise keeps the selection on screen. */
export function listWindow(keys: string[], height: number, selectedKey: string | null): ListWindow {
  const total = keys.length;
  const h = Math.max(1, height);
  const idx = selectedKey === null ? -1 : keys.indexOf(selectedKey);
  if (idx < 0) return { start: Math.max(0, total - h), end: total, selected: null };
  const start = Math.min(Math.max(0, idx - Math.floor(h / 2)), Math.max(0, total - h));
  return { start, end: Math.min(total, start + h), selected: idx };
}

/** Moves the selection; moving below the last row returns null (follow the tail again). */
export function moveSelection(keys: string[], selectedKey: string | null, delta: number | "home" | "end"): string | null {
  if (!keys.length) return null;
  if (delta === "end") return null;
  if (delta === "home") return keys[0];
  const idx = selectedKey === null ? keys.length : keys.indexOf(selectedKey);
  const from = idx < 0 ? keys.length : idx;
  const next = from + delta;
  if (next >= keys.length) return delta > 0 ? null : keys[keys.length - 1];
  return keys[Math.max(0, next)];
}

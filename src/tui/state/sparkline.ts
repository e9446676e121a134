// A one-line chart from block characters; drawn as a string so it composes inside any <Text>.
const BLOCKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

/** The last `width` values scaled to the largest of them; zero is a blank so idle time reads as idle. */
export function sparkline(values: number[], width: number, max?: number): string {
  if (width <= 0) return "";
  const tail = values.slice(-width);
  const top = max ?? Math.max(0, ...tail);
  let out = " ".repeat(Math.max(0, width - tail.length));
  for (const v of tail) {
    if (!(v > 0) || top <= 0) out += " ";
    else out += BLOCKS[Math.min(BLOCKS.length - 1, Math.max(0, Math.ceil((v / top) * BLOCKS.length) - 1))];
  }
  return out;
}

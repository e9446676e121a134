// The scan JSON contract: its fields indented, each finding and skipped file on one line (easy
// to read and grep, and half the time of indenting every field of a large report).
import type { ScanResult } from "../types.ts";

export function renderJson(result: ScanResult): string {
  const fields = Object.entries(result).map(([key, value]) => {
    const body = Array.isArray(value)
      ? value.length === 0
        ? "[]"
        : `[\n${value.map((item) => `    ${JSON.stringify(item)}`).join(",\n")}\n  ]`
      : JSON.stringify(value, null, 2).replace(/\n/g, "\n  ");
    return `  ${JSON.stringify(key)}: ${body}`;
  });
  return `{\n${fields.join(",\n")}\n}\n`;
}

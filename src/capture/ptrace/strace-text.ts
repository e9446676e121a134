// Pure helpers for strace's argument text: C string literals (with -xx every byte is \xHH)
// and splitting argument lists at top-level commas. Never throw.

/** Decode the body of a C string literal as strace prints it (\xHH, \NNN, \n, \", ...). */
export function decodeCString(body: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body.charCodeAt(i);
    if (ch !== 0x5c /* \ */) {
      if (ch < 0x80) out.push(ch);
      else for (const b of new TextEncoder().encode(body[i]!)) out.push(b);
      continue;
    }
    const next = body[i + 1];
    if (next === undefined) break;
    if (next === "x") {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 2, i + 4));
      if (hex) {
        out.push(parseInt(hex[0], 16));
        i += 1 + hex[0].length;
        continue;
      }
      out.push(0x78);
      i += 1;
      continue;
    }
    if (next >= "0" && next <= "7") {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1, i + 4))![0];
      out.push(parseInt(oct, 8) & 0xff);
      i += oct.length;
      continue;
    }
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, v: 11, f: 12, a: 7, b: 8, e: 27, "\\": 92, '"': 34, "'": 39 };
    out.push(simple[next] ?? next.charCodeAt(0) & 0xff);
    i += 1;
  }
  return new Uint8Array(out);
}

/** Text of a quoted literal `"..."` (possibly followed by `...` when truncated); null otherwise. */
export function parseQuoted(text: string): { bytes: Uint8Array; truncated: boolean } | null {
  const t = text.trim();
  if (!t.startsWith('"')) return null;
  let i = 1;
  for (; i < t.length; i++) {
    if (t[i] === "\\") i++;
    else if (t[i] === '"') break;
  }
  if (i >= t.length) return null;
  return { bytes: decodeCString(t.slice(1, i)), truncated: t.slice(i + 1).startsWith("...") };
}

export function quotedString(text: string): string | null {
  const q = parseQuoted(text);
  return q ? new TextDecoder().decode(q.bytes) : null;
}

/** Split at commas outside quotes, (), [], {} and fd decorations like `3<TCP:[a->b]>`. */
export function splitTop(text: string): string[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let start = 0;
  let inStr = false;
  const pairs: Record<string, string> = { ")": "(", "]": "[", "}": "{", ">": "<" };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inStr) {
      if (c === "\\") i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === "(" || c === "[" || c === "{") stack.push(c);
    else if (c === "<" && /[0-9]/.test(text[i - 1] ?? "")) stack.push(c);
    else if (c === ")" || c === "]" || c === "}" || c === ">") {
      if (c === ">" && (text[i - 1] === "-" || text[i - 1] === "=")) continue;
      if (stack[stack.length - 1] === pairs[c]) stack.pop();
    } else if (c === "," && stack.length === 0) {
      parts.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  const last = text.slice(start).trim();
  if (last || parts.length > 0) parts.push(last);
  return parts;
}

/** `{a=1, b={...}}` → Map a → "1", b → "{...}". Items without `=` are skipped. */
export function structFields(text: string): Map<string, string> {
  const map = new Map<string, string>();
  let t = text.trim();
  if (t.startsWith("{") && t.endsWith("}")) t = t.slice(1, -1);
  for (const item of splitTop(t)) {
    const eq = item.indexOf("=");
    if (eq <= 0) continue;
    const key = item.slice(0, eq).trim();
    if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) && !map.has(key)) map.set(key, item.slice(eq + 1).trim());
  }
  return map;
}

/** `[a, b, c]` → ["a", "b", "c"]; null when not an array. */
export function arrayItems(text: string): string[] | null {
  const t = text.trim();
  if (!t.startsWith("[")) return null;
  const close = t.lastIndexOf("]");
  if (close < 0) return null;
  const inner = t.slice(1, close).trim();
  return inner ? splitTop(inner) : [];
}

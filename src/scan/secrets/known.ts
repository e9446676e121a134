// The secrets found in a file, masked wherever else they occur in what is reported about that
// file: a key assigned on one line and used in a URL on the next must not show in the URL's call
// site. The whole values stay on the thread that scans the file; only their masked forms go out.

export interface KnownSecret {
  /** The secret as it stands in the file. */
  raw: string;
  /** Its redacted form, as the secret's own finding shows it. */
  shown: string;
}

/** Shorter values are left alone elsewhere: they recur by chance (a 3-letter URL password). */
export const minKnownLength = 6;
/** A cut value ending in this much of a secret's start gets that part masked too. */
const minPartLength = 4;
// What a cut value ends with: "…" (a URL cut for display), "..." (a call's source text), "{…}"
// (a constant cut while propagating).
const cutMark = /\.\.\.|…/g;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * A function that replaces every known secret in a text by its redacted form, also the start of
 * one where a value was cut; null when there is nothing to mask.
 */
export function knownSecretMasker(known: readonly KnownSecret[]): ((text: string) => string) | null {
  const byRaw = new Map<string, string>();
  for (const k of known) if (k.raw.length >= minKnownLength && !byRaw.has(k.raw)) byRaw.set(k.raw, k.shown);
  if (!byRaw.size) return null;
  // Longest first: a secret inside a longer one does not split it.
  const raws = [...byRaw.keys()].sort((a, b) => b.length - a.length);
  const whole = new RegExp(raws.map(escape).join("|"), "g");
  const starts = new Set(raws.map((r) => r.slice(0, minPartLength)));
  return (text: string) => {
    let out = text.replace(whole, (m) => byRaw.get(m) ?? m);
    if (!out.includes("…") && !out.includes("...")) return out;
    // Right to left, so that earlier offsets stay valid.
    const marks = [...out.matchAll(cutMark)].map((m) => m.index).reverse();
    for (let end of marks) {
      if (out[end - 1] === "{") end--;
      const part = cutPart(out, end, raws, starts, byRaw);
      if (part) out = `${out.slice(0, end - part.length)}${part.shown}${out.slice(end)}`;
    }
    return out;
  };
}

/** The longest start of a secret (minPartLength or more) that text[..end) ends with. */
function cutPart(text: string, end: number, raws: string[], starts: Set<string>, byRaw: Map<string, string>): { length: number; shown: string } | null {
  const longest = raws[0].length;
  for (let i = Math.max(0, end - longest); i <= end - minPartLength; i++) {
    if (!starts.has(text.slice(i, i + minPartLength))) continue;
    const part = text.slice(i, end);
    const raw = raws.find((r) => r.length > part.length && r.startsWith(part));
    // The first start found is the longest part.
    if (raw) return { length: part.length, shown: byRaw.get(raw)! };
  }
  return null;
}

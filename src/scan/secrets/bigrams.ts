// A one-pass, case-folded bigram bitmap of a text: a keyword whose bigrams are not all present
// cannot occur, so most keyword scans (one full pass each) are skipped on large files.

const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c) & 0xff;

export type BigramSet = Uint32Array;

export function bigramsOf(text: string, into?: BigramSet): BigramSet {
  const bits = into ?? new Uint32Array(2048);
  if (into) bits.fill(0);
  let prev = text.length ? fold(text.charCodeAt(0)) : 0;
  for (let i = 1; i < text.length; i++) {
    const c = fold(text.charCodeAt(i));
    const k = (prev << 8) | c;
    bits[k >>> 5] |= 1 << (k & 31);
    prev = c;
  }
  return bits;
}

/** True when every bigram of the keyword is in the set (the keyword may occur). */
export function mayContain(bits: BigramSet, keyword: string): boolean {
  for (let i = 1; i < keyword.length; i++) {
    const k = (fold(keyword.charCodeAt(i - 1)) << 8) | fold(keyword.charCodeAt(i));
    if ((bits[k >>> 5] & (1 << (k & 31))) === 0) return false;
  }
  return true;
}

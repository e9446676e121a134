// Test samples are assembled at run time so that no complete key-shaped string sits in the
// source (push-protection scanners would flag it), and their bodies say they are fake.

/** Joins parts; `body(n, seed)` makes an n-char pseudo-random alphanumeric string. */
export function fake(...parts: string[]): string {
  return parts.join("");
}

export function body(n: number, alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", seed = 7): string {
  // mulberry32: well-spread characters, so samples have realistic entropy.
  let x = seed >>> 0;
  let s = "";
  for (let i = 0; i < n; i++) {
    x = (x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(x ^ (x >>> 15), 1 | x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    s += alphabet[((t ^ (t >>> 14)) >>> 0) % alphabet.length];
  }
  return s;
}

export const upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
export const hex = "0123456789abcdef";
export const b64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
export const urlsafe = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";

// Seeded PRNG for property-style tests (mulberry32): reproducible random inputs.
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)];
  const label = (min = 1, max = 12) => {
    const chars = "abcdefghijklmnopqrstuvwxyz0123456789";
    const len = int(min, max);
    let s = pick([..."abcdefghijklmnopqrstuvwxyz"]);
    for (let i = 1; i < len; i++) s += chars[int(0, chars.length - 1)];
    return s;
  };
  return { next, int, pick, label };
}

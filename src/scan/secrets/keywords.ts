// One pass over a text finds which rules' keywords occur (Aho-Corasick over case-folded ASCII),
// instead of one full-text search per keyword. Case-sensitive keywords are matched folded and all
// digits are one character ("A3T" matches "a7t", "0.0" any digit, dot, digit): a superset, which
// the rule's own pattern then narrows.

export interface KeywordScanner {
  /**
   * flags[i] = 1 when a keyword of rule i occurs in the text. With `hits`, the offset where each
   * keyword of rule i ends is pushed to hits[i] too (the array is created at the first hit).
   */
  scan(text: string, hits?: Array<number[] | undefined>): Uint8Array;
}

const fold = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c >= 49 && c <= 57 ? 48 : c);

export function createKeywordScanner(keywordsPerRule: string[][]): KeywordScanner {
  // Character classes: each folded ASCII char used by a keyword gets its own; everything else is 0.
  const cls = new Uint8Array(128);
  let classes = 1;
  for (const ks of keywordsPerRule) {
    for (const k of ks) {
      for (let i = 0; i < k.length; i++) {
        const c = fold(k.charCodeAt(i));
        if (c >= 128) throw new Error(`keyword '${k}' is not ASCII`);
        if (cls[c] === 0) cls[c] = classes++;
      }
    }
  }
  // Trie.
  const goto: number[][] = [new Array(classes).fill(-1)];
  const outputs: number[][] = [[]];
  keywordsPerRule.forEach((ks, rule) => {
    for (const k of ks) {
      let s = 0;
      for (let i = 0; i < k.length; i++) {
        const c = cls[fold(k.charCodeAt(i))];
        if (goto[s][c] === -1) {
          goto[s][c] = goto.length;
          goto.push(new Array(classes).fill(-1));
          outputs.push([]);
        }
        s = goto[s][c];
      }
      if (!outputs[s].includes(rule)) outputs[s].push(rule);
    }
  });
  // Failure links, breadth first, folded into a complete transition table (a DFA).
  const n = goto.length;
  const delta = new Int32Array(n * classes);
  const fail = new Int32Array(n);
  const queue: number[] = [];
  for (let c = 0; c < classes; c++) {
    const t = goto[0][c];
    delta[c] = t === -1 ? 0 : t;
    if (t > 0) {
      fail[t] = 0;
      queue.push(t);
    }
  }
  while (queue.length) {
    const s = queue.shift()!;
    outputs[s].push(...outputs[fail[s]].filter((r) => !outputs[s].includes(r)));
    for (let c = 0; c < classes; c++) {
      const t = goto[s][c];
      if (t === -1) delta[s * classes + c] = delta[fail[s] * classes + c];
      else {
        fail[t] = delta[fail[s] * classes + c];
        delta[s * classes + c] = t;
        queue.push(t);
      }
    }
  }
  // States premultiplied by the class count: the hot loop is one add and two loads a character.
  const next = new Int32Array(n * classes);
  for (let i = 0; i < n * classes; i++) next[i] = delta[i] * classes;
  const accept = new Uint8Array(n * classes);
  for (let s = 0; s < n; s++) accept[s * classes] = outputs[s].length ? 1 : 0;
  // Fold A-Z into the class table so the hot loop needs no fold; non-ASCII is class 0.
  const table = new Uint8Array(65536);
  for (let c = 0; c < 128; c++) table[c] = cls[fold(c)];
  const rules = keywordsPerRule.length;
  const overlap = Math.max(...keywordsPerRule.flat().map((k) => k.length)) - 1;

  return {
    scan(text, hits) {
      const flags = new Uint8Array(rules);
      const len = text.length;
      const found = (rs: number[], at: number) => {
        for (const r of rs) {
          flags[r] = 1;
          if (hits) (hits[r] ??= []).push(at);
        }
      };
      // Two automata run over the two halves at once: each step waits on its previous table load,
      // so interleaving two independent chains nearly doubles the throughput. The second half
      // starts `overlap` characters early, so a keyword across the middle is still seen.
      const half = len >> 1;
      const from2 = Math.max(0, half - overlap);
      let s1 = 0;
      let s2 = 0;
      let i = 0;
      for (let j = from2; i < half; i++, j++) {
        s1 = next[s1 + table[text.charCodeAt(i)]];
        s2 = next[s2 + table[text.charCodeAt(j)]];
        if (accept[s1] === 1) found(outputs[s1 / classes], i);
        if (accept[s2] === 1) found(outputs[s2 / classes], j);
      }
      // The second chain covered from2 .. from2 + half; the rest of the text from there.
      for (let j = from2 + half; j < len; j++) {
        s2 = next[s2 + table[text.charCodeAt(j)]];
        if (accept[s2] === 1) found(outputs[s2 / classes], j);
      }
      return flags;
    },
  };
}

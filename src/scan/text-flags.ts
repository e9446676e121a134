// One pass of the keyword automaton per text answers both detectors' cheap questions: which secret
// rules can match, and whether (and where) the text holds "://", "::", a dotted quad, a host
// setting's word, the end of a quoted name with a common TLD or hex:hex, so the endpoint pass skips
// what cannot be there instead of searching every text again.
import { createKeywordScanner } from "./secrets/keywords.ts";
import { secretRules } from "./secrets/rules/index.ts";
import { commonTlds } from "./universal/hosts.ts";
import type { EndpointGates } from "./universal/urls.ts";

// Digits are one class in the automaton ("0" stands for any digit): the nine shapes of
// /\d\.\d{1,3}\.\d{1,3}\.\d/.
const dottedQuads = ["0", "00", "000"].flatMap((b) => ["0", "00", "000"].map((c) => `0.${b}.${c}.0`));
// Words of a `host: name` setting (the endpoint pass's keyedGate, a superset of it).
const settingWords = ["host", "endpoint", "server", "domain", "base_url", "baseurl"];
// The end of a quoted name with a common TLD, before its closing quote or port: bare hostnames are
// only taken with those TLDs, so the endpoint pass reads names back from these hits alone.
const quotedTldEnds = [...commonTlds].flatMap((tld) => ['"', "'", "`", ":"].map((end) => `.${tld}${end}`));
// Hex digit, colon, hex digit (digits are one class): where a full-form IPv6 address can start.
const hexDigits = "0abcdef";
const hexColonHex = [...hexDigits].flatMap((a) => [...hexDigits].map((b) => `${a}:${b}`));
const gateKeywords = [["://"], ["::"], dottedQuads, settingWords, quotedTldEnds, hexColonHex];

export interface TextFlags extends EndpointGates {
  /** For detectSecrets: present[i] = 1 when a keyword of secretRules[i] occurs, and where its keywords end. */
  keywords: { present: Uint8Array; hits: Array<number[] | undefined> };
}

// The one automaton for the built-in rules (detect.ts uses it too, for maskSecrets).
let scanner: ReturnType<typeof createKeywordScanner> | null = null;

function builtInScanner(): ReturnType<typeof createKeywordScanner> {
  return (scanner ??= createKeywordScanner([...secretRules.map((r) => r.keywords), ...gateKeywords]));
}

export function textFlags(text: string): TextFlags {
  const hits: Array<number[] | undefined> = [];
  const all = builtInScanner().scan(text, hits);
  const n = secretRules.length;
  return {
    keywords: { present: all.subarray(0, n), hits },
    scheme: all[n] === 1,
    doubleColon: all[n + 1] === 1,
    dottedQuad: all[n + 2] === 1,
    hostSetting: all[n + 3] === 1,
    settingHits: hits[n + 3] ?? [],
    quotedTldHits: hits[n + 4] ?? [],
    hexColonHits: hits[n + 5] ?? [],
  };
}

/** Which built-in secret rules' keywords occur in a text (no positions: for whole-text matching). */
export function secretKeywordFlags(text: string): Uint8Array {
  return builtInScanner().scan(text).subarray(0, secretRules.length);
}

// One pass of the keyword automaton per text answers both detectors' cheap questions: which secret
// rules can match, and whether the text holds "://", "::" or a dotted quad at all, so the endpoint
// pass skips what cannot be there instead of searching every text again.
import { createKeywordScanner } from "./secrets/keywords.ts";
import { secretRules } from "./secrets/rules/index.ts";
import type { SecretRule } from "./secrets/types.ts";
import type { EndpointGates } from "./universal/urls.ts";

// Digits are one class in the automaton ("0" stands for any digit): the nine shapes of
// /\d\.\d{1,3}\.\d{1,3}\.\d/.
const dottedQuads = ["0", "00", "000"].flatMap((b) => ["0", "00", "000"].map((c) => `0.${b}.${c}.0`));
const gateKeywords = [["://"], ["::"], dottedQuads];

export interface TextFlags extends EndpointGates {
  /** For detectSecrets: present[i] = 1 when a keyword of secretRules[i] occurs; where the line-scoped rules' keywords end. */
  keywords: { present: Uint8Array; hits: Array<number[] | undefined> };
}

/** Hit arrays for the line-scoped rules (undefined for the others). */
export function hitArrays(rules: SecretRule[]): Array<number[] | undefined> {
  return rules.map((r) => (r.keywordLines === undefined ? undefined : []));
}

// The one automaton for the built-in rules (detect.ts uses it too, for maskSecrets).
let scanner: ReturnType<typeof createKeywordScanner> | null = null;

export function textFlags(text: string): TextFlags {
  scanner ??= createKeywordScanner([...secretRules.map((r) => r.keywords), ...gateKeywords]);
  const hits = hitArrays(secretRules);
  const all = scanner.scan(text, hits);
  const n = secretRules.length;
  return { keywords: { present: all.subarray(0, n), hits }, scheme: all[n] === 1, doubleColon: all[n + 1] === 1, dottedQuad: all[n + 2] === 1 };
}

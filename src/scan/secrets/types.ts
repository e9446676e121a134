// A secret rule: a pattern, a cheap keyword prefilter, optional checks, and its own samples.

export interface SecretRule {
  id: string;
  description: string;
  /** Must be global ("g"). The secret is capture group `group` (default: whole match). */
  regex: RegExp;
  group?: number;
  /** The rule runs only if the text contains one of these (ASCII, compared case-insensitively). */
  keywords: string[];
  /**
   * Line-scoped rules: a match lies within a keyword's line and at most this many lines below it
   * (and `keywordLinesBefore` above), so the rule runs only on those lines: a token's prefix or a
   * secret's name holds the keyword. Without it the rule runs over the whole text once any
   * keyword occurs (multi-line blocks such as private keys).
   */
  keywordLines?: number;
  /** Line-scoped rules whose match can start this many lines above the keyword's line (default 0). */
  keywordLinesBefore?: number;
  /** Minimum Shannon entropy (bits per char) of the secret. */
  entropy?: number;
  /** Extra check on the secret; false drops the match. */
  validate?: (secret: string, match: RegExpMatchArray) => boolean;
  /** How many leading characters of the secret the redacted value may show. */
  showPrefix?: number;
  /** Samples the rule must find / must not find (checked by rules.test.ts). */
  truePositives: string[];
  falsePositives: string[];
}

// Secrets never leave the scanner whole: at most a short, known-public prefix plus a length hint.

export function redactSecret(secret: string, showPrefix = 0): string {
  const keep = Math.max(0, Math.min(showPrefix, Math.floor(secret.length / 3), 12));
  return `${secret.slice(0, keep)}…[redacted ${secret.length} chars]`;
}

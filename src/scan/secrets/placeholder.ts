// Values that stand for a secret rather than being one: templates, markers, dummies.
const words = /^(?:x+|\*+|\.+|-+|_+|0+|password|passwd|pass|secret|changeme|change_me|changeit|admin|root|test|testing|example|dummy|fake|sample|redacted|hidden|none|null|undefined|todo|tbd|mypassword|yourpassword|password123|pw|pwd)$/i;

export function isPlaceholder(v: string): boolean {
  if (!v) return true;
  if (words.test(v)) return true;
  if (/\$\{|\{\{|<[^>]*>|^\$\w|^%\(?\w|^\{\w*\}$|%s|\$\(|#\{|^@\w+@$/.test(v)) return true;
  if (/^(.)\1+$/.test(v)) return true;
  if (/(?:^|[_-])(?:your|my|insert|replace|enter|put|paste|some|example|sample|dummy|fake|placeholder|redacted|xxxx|test)(?:[_-]|$)/i.test(v)) return true;
  if (/^(?:x{3,}|X{3,})|(?:x{4,}|X{4,})$/.test(v)) return true;
  // AWS's documented example values (AKIA...EXAMPLE, ...EXAMPLEKEY, ...-EXAMPLE11111), masked
  // runs (XXXXXX) and elided values (sk-...).
  if (/example|XXXXXX|xxxxxx|\.\.\.|…/i.test(v)) return true;
  // Keyboard and counting runs that test fixtures use (token-0123456789, sk-abcdefghijklmnop).
  if (/0123456|1234567|2345678|abcdefg|qwerty/i.test(v)) return true;
  return false;
}

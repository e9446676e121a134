// Stable identity of a finding across edits that move it: rule, file, value and the how-many-th
// occurrence of that triple in the file (not the line number). SHA-256 in one call: a few times
// faster than a hasher object per finding, same digest. Per file, as the occurrence count is: so
// it runs in the scan threads, on each file's findings in report order.
//
// A secret's value is redacted (`AKIA…[redacted 20 chars]`), so any other key of the same length
// would share it: its key also holds a 4-hex-digit digest of the raw secret (valueDigest), which
// is dropped here and never leaves the scan thread.

export function addFingerprints(file: string, findings: Array<{ rule: string; kind: string; value: string; fingerprint?: string; valueDigest?: string }>): void {
  const seen = new Map<string, number>();
  for (const f of findings) {
    let key = `${f.rule}\u0000${file}\u0000${f.kind}\u0000${f.value}`;
    if (f.valueDigest !== undefined) {
      key += `\u0000${f.valueDigest}`;
      delete f.valueDigest;
    }
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    f.fingerprint = Bun.SHA256.hash(`${key}\u0000${n}`, "hex").slice(0, 20);
  }
}

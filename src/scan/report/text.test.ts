import { expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { body, fake } from "../secrets/fake.ts";
import { scanDirectory } from "../scan-directory.ts";
import { renderText } from "./text.ts";

test("groups by host, shows decoded and masked context, windows long lines", async () => {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-text-"));
  try {
    const key = fake("AK", "IA", body(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 77));
    writeFileSync(join(dir, "a.py"), `requests.get("https://api.acme.io/x", headers={"k": "${key}"})\n`);
    writeFileSync(join(dir, "b.txt"), Buffer.from("\ufeffhttps://u16.acme.io\n", "utf16le"));
    writeFileSync(join(dir, "c.min.js"), `${"x;".repeat(5000)}fetch("https://min.acme.io/a")`);
    const out = renderText(await scanDirectory(dir, { workers: 0 }));
    expect(out).toMatch(/^Scanned 3 files/);
    expect(out).toContain("Secrets (1)");
    expect(out).not.toContain(key);
    expect(out).toContain('1 | requests.get("https://api.acme.io/x", headers={"k": "…"})');
    expect(out).toContain("1 | https://u16.acme.io");
    expect(out).toMatch(/1 \| \.\.\.(x;)+fetch\("https:\/\/min\.acme\.io\/a"\)/);
    expect(out.indexOf("api.acme.io  unknown")).toBeGreaterThan(0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

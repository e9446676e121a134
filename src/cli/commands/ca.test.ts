import { expect, test } from "bun:test";
import { mkdtempSync, readFileSync, realpathSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { X509Certificate } from "node:crypto";
import { main } from "../main.ts";

async function run(args: string[]) {
  let out = "";
  let err = "";
  const code = await main(args, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

test("ca init / show / export / trust-env", async () => {
  const dir = join(mkdtempSync(join(tmpdir(), "trustrun-ca-cli-")), "ca");
  const missing = await run(["ca", "show", "--dir", dir]);
  expect(missing.code).toBe(1);
  expect(missing.err).toContain("trustrun ca init");

  const init = await run(["ca", "init", "--dir", dir]);
  expect(init.code).toBe(0);
  expect(statSync(join(dir, "trustrun-ca-key.pem")).mode & 0o777).toBe(0o600);
  const again = await run(["ca", "init", "--dir", dir]);
  expect(again.out).toContain("already exists");

  const show = await run(["ca", "show", "--dir", dir]);
  expect(show.out).toContain("TrustRun Interception CA");
  const pem = (await run(["ca", "export", "--dir", dir])).out;
  const cert = new X509Certificate(pem);
  expect(cert.ca).toBe(true);
  expect(show.out).toContain(cert.fingerprint256);

  const bundleFile = join(dir, "..", "bundle.pem");
  expect((await run(["ca", "export", "--bundle", "--out", bundleFile, "--dir", dir])).code).toBe(0);
  const bundle = readFileSync(bundleFile, "utf8");
  expect(bundle.trimEnd().endsWith(pem.trimEnd())).toBe(true);
  expect(bundle.split("BEGIN CERTIFICATE").length).toBeGreaterThan(10); // system CAs first

  const env = (await run(["ca", "trust-env", "--dir", dir])).out;
  for (const v of ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "GIT_SSL_CAINFO"]) {
    expect(env).toContain(`export ${v}='${join(dir, "ca-bundle.pem")}'`);
  }

  const replaced = await run(["ca", "init", "--force", "--dir", dir]);
  expect(replaced.err).toContain("previous CA was replaced");
  expect((await run(["ca", "export", "--dir", dir])).out).not.toBe(pem);
});

test("run rejects an unknown --level", async () => {
  const r = await run(["run", "--level", "everything", "--", "true"]);
  expect(r.code).toBe(2);
  expect(r.err).toContain("--level");
});

test("files that cannot be written are one clear line and exit 1, not an internal error", async () => {
  const base = mkdtempSync(join(tmpdir(), "trustrun-ca-io-"));
  const dir = join(base, "ca");
  expect((await run(["ca", "init", "--dir", dir])).code).toBe(0);
  const cases: Array<[string[], string]> = [
    [["ca", "export", "--dir", dir, "--out", join(base, "missing", "x.pem")], "no such file or directory"],
    [["ca", "export", "--dir", dir, "--out", base], "it is a directory"],
    [["ca", "export", "--bundle", "--dir", dir, "--out", base], "it is a directory"],
    [["ca", "init", "--dir", join(base, "ca", "trustrun-ca.pem", "sub")], "not a directory"],
  ];
  for (const [args, reason] of cases) {
    const r = await run(args);
    expect([args.join(" "), r.code]).toEqual([args.join(" "), 1]);
    expect(r.err).toContain(reason);
    expect(r.err).not.toContain("internal error");
    expect(r.err.trim().split("\n")).toHaveLength(1);
  }
});

test("trust-env prints absolute paths for a relative --dir", async () => {
  const base = mkdtempSync(join(tmpdir(), "trustrun-ca-rel-"));
  const cwd = process.cwd();
  process.chdir(base);
  try {
    expect((await run(["ca", "init", "--dir", "relca"])).code).toBe(0);
    const env = (await run(["ca", "trust-env", "--dir", "relca"])).out;
    expect(env).toContain(`export SSL_CERT_FILE='${join(realpathSync(base), "relca", "ca-bundle.pem")}'`);
  } finally {
    process.chdir(cwd);
  }
});

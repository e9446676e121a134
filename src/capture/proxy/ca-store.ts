// TrustRun's CA on disk: $TRUSTRUN_HOME/ca/ (default ~/.trustrun/ca). The key is mode 0600 and
// never leaves the machine. A bundle of the system CAs plus TrustRun's lets targets verify both
// intercepted hosts and pass-through hosts without touching the system trust store.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import { createCaCertificate, type CaMaterial } from "./x509.ts";

export interface CaPaths {
  dir: string;
  cert: string;
  key: string;
  bundle: string;
}

export function defaultCaDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.TRUSTRUN_HOME || join(homedir(), ".trustrun"), "ca");
}

export function caPaths(dir = defaultCaDir()): CaPaths {
  return { dir, cert: join(dir, "trustrun-ca.pem"), key: join(dir, "trustrun-ca-key.pem"), bundle: join(dir, "ca-bundle.pem") };
}

export class CaError extends Error {}

function writePrivate(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

/** The CA, created on first use (or again with force). */
export function ensureCa(paths = caPaths(), opts: { force?: boolean } = {}): { ca: CaMaterial; created: boolean } {
  if (!opts.force && existsSync(paths.cert) && existsSync(paths.key)) return { ca: loadCa(paths), created: false };
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const ca = createCaCertificate("TrustRun Interception CA");
  writePrivate(paths.key, ca.keyPem, 0o600);
  writePrivate(paths.cert, ca.certPem, 0o644);
  writeBundle(paths.bundle, ca.certPem);
  return { ca, created: true };
}

export function loadCa(paths = caPaths()): CaMaterial {
  try {
    const certPem = readFileSync(paths.cert, "utf8");
    const keyPem = readFileSync(paths.key, "utf8");
    if (!certPem.includes("BEGIN CERTIFICATE") || !keyPem.includes("PRIVATE KEY")) throw new Error("not PEM");
    return { certPem, keyPem };
  } catch (err) {
    throw new CaError(`cannot read the TrustRun CA in ${paths.dir}: ${(err as Error).message} (run 'trustrun ca init')`);
  }
}

/** System trust (the distribution's bundle when present, else the runtime's Mozilla list). */
export function systemCaPem(): string {
  for (const f of ["/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"]) {
    try {
      const text = readFileSync(f, "utf8");
      if (text.includes("BEGIN CERTIFICATE")) return text;
    } catch {
      /* next */
    }
  }
  return rootCertificates.join("\n");
}

/** Extra PEM files the user already trusts (SSL_CERT_FILE, NODE_EXTRA_CA_CERTS, ...), deduplicated. */
export function extraCaPem(env: Record<string, string | undefined>): string {
  const files = new Set<string>();
  for (const k of ["SSL_CERT_FILE", "NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"]) if (env[k]) files.add(env[k]!);
  const parts: string[] = [];
  for (const f of files) {
    try {
      const text = readFileSync(f, "utf8");
      if (text.includes("BEGIN CERTIFICATE")) parts.push(text);
    } catch {
      /* a stale variable: ignore */
    }
  }
  return parts.join("\n");
}

export function writeBundle(path: string, caPem: string, extra = ""): void {
  writeFileSync(path, `${systemCaPem().trimEnd()}\n${extra ? extra.trimEnd() + "\n" : ""}# TrustRun Interception CA\n${caPem.trimEnd()}\n`, { mode: 0o644 });
}

/** The variables that make common clients trust `bundle` instead of only the system store. */
export function trustEnv(bundle: string): Record<string, string> {
  return {
    SSL_CERT_FILE: bundle,
    REQUESTS_CA_BUNDLE: bundle,
    CURL_CA_BUNDLE: bundle,
    NODE_EXTRA_CA_CERTS: bundle,
    GIT_SSL_CAINFO: bundle,
  };
}

// Certificate building with node-forge (pure JS, works in the compiled binary) and signing with
// node:crypto (native RSA: ~1 ms a leaf instead of ~90 ms with forge's own RSA).
import forge from "node-forge";
import { generateKeyPairSync, randomBytes, sign } from "node:crypto";

export interface KeyPairPem {
  privateKey: string; // PKCS#8 PEM
  publicKey: string; // SPKI PEM
}

export function generateRsaKeyPair(bits = 2048): KeyPairPem {
  const kp = generateKeyPairSync("rsa", { modulusLength: bits });
  return {
    privateKey: kp.privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    publicKey: kp.publicKey.export({ type: "spki", format: "pem" }) as string,
  };
}

function serial(): string {
  const b = randomBytes(16);
  b[0] = b[0]! & 0x7f; // positive INTEGER
  return b.toString("hex");
}

function signWith(cert: forge.pki.Certificate, keyPem: string): void {
  cert.signatureOid = forge.pki.oids.sha256WithRSAEncryption!;
  cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption!;
  // getTBSCertificate exists in node-forge but is missing from its type definitions.
  const tbsOf = (forge.pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate;
  const tbs = forge.asn1.toDer(tbsOf(cert)).getBytes();
  const sig = sign("sha256", Buffer.from(tbs, "binary"), keyPem);
  cert.signature = sig.toString("binary");
}

export interface CaMaterial {
  certPem: string;
  keyPem: string;
}

/** A self-signed CA for TrustRun's interception, valid `days` days. */
export function createCaCertificate(commonName: string, days = 825): CaMaterial {
  const keys = generateRsaKeyPair(2048);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(keys.publicKey);
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - 3600_000);
  cert.validity.notAfter = new Date(Date.now() + days * 86400_000);
  const name = [{ name: "commonName", value: commonName }, { name: "organizationName", value: "TrustRun local interception" }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  signWith(cert, keys.privateKey);
  return { certPem: forge.pki.certificateToPem(cert), keyPem: keys.privateKey };
}

export interface LeafIssuer {
  /** PEM certificate for host (DNS name or IP literal), signed by the CA; cached. */
  certFor(host: string): string;
  keyPem: string;
}

/** Leaf certificates share one key per process (as mitmproxy does): only the signature is per host. */
export function createLeafIssuer(ca: CaMaterial, opts: { maxCached?: number } = {}): LeafIssuer {
  const caCert = forge.pki.certificateFromPem(ca.certPem);
  const leafKeys = generateRsaKeyPair(2048);
  const leafPublic = forge.pki.publicKeyFromPem(leafKeys.publicKey);
  const caKeyId = caCert.generateSubjectKeyIdentifier().getBytes();
  const cache = new Map<string, string>();
  const maxCached = opts.maxCached ?? 2000;
  return {
    keyPem: leafKeys.privateKey,
    certFor(host) {
      const cached = cache.get(host);
      if (cached) return cached;
      const cert = forge.pki.createCertificate();
      cert.publicKey = leafPublic;
      cert.serialNumber = serial();
      cert.validity.notBefore = new Date(Date.now() - 3600_000);
      cert.validity.notAfter = new Date(Date.now() + 30 * 86400_000);
      const isIp = /^[0-9.]+$/.test(host) || host.includes(":");
      cert.setSubject([{ name: "commonName", value: host.slice(0, 64) }]);
      cert.setIssuer(caCert.subject.attributes);
      cert.setExtensions([
        { name: "basicConstraints", cA: false, critical: true },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
        { name: "extKeyUsage", serverAuth: true },
        { name: "subjectAltName", altNames: [isIp ? { type: 7, ip: host } : { type: 2, value: host }] },
        { name: "authorityKeyIdentifier", keyIdentifier: caKeyId },
      ]);
      signWith(cert, ca.keyPem);
      const pem = forge.pki.certificateToPem(cert);
      if (cache.size >= maxCached) cache.delete(cache.keys().next().value!);
      cache.set(host, pem);
      return pem;
    },
  };
}

/** Subject CN, validity and SHA-256 fingerprint of a PEM certificate, for `ca show`. */
export function describeCertificate(pem: string): { subject: string; notBefore: Date; notAfter: Date; sha256: string } {
  const cert = forge.pki.certificateFromPem(pem);
  const der = forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes();
  const md = forge.md.sha256.create();
  md.update(der);
  const hex = md.digest().toHex().toUpperCase();
  return {
    subject: cert.subject.attributes.map((a) => `${a.shortName ?? a.name}=${a.value}`).join(", "),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    sha256: hex.match(/../g)!.join(":"),
  };
}

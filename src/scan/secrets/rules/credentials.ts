import { b64, body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";

// Credentials in well-known file formats and APIs, where the format itself says "this is a
// password": .netrc, Docker/npm basic-auth blobs, base64-encoded key files (kubeconfig, k8s
// Secrets), SQL user DDL, PowerShell's plain-text SecureString, and credential constructors.

/** A literal that may be a password: not a placeholder, template or variable. */
const literalPassword = (s: string) => !isPlaceholder(s) && !/^(?:\$|\{|<|\[|%)/.test(s) && !/password|changeme|example/i.test(s) && /[A-Za-z]/.test(s) && /[^A-Za-z]/.test(s);

export const netrcPassword: SecretRule = {
  id: "netrc-password",
  description: "Password in a .netrc machine entry",
  regex: /machine[ \t]+\S+[ \t]+(?:login[ \t]+\S+[ \t]+)?password[ \t]+(\S{4,128})/g,
  group: 1,
  keywords: ["machine"],
  keywordLines: 0,
  validate: literalPassword,
  truePositives: [`machine api.example.com login svc password ${fake("Hd&c", "!yT5LWsIfA42")}`],
  falsePositives: ["machine api.example.com login svc password $NETRC_PASSWORD", "machine x login y password <password>"],
};

// Docker's config.json "auth" and npm's _auth: base64 of user:password.
export const basicAuthBlob: SecretRule = {
  id: "basic-auth-credential",
  description: "Base64 user:password in a Docker config.json or .npmrc",
  regex: /(?:"auth"[ \t]*:[ \t]*"|\b_auth[ \t]*=[ \t]*)([A-Za-z0-9+/]{8,}={0,2})/g,
  group: 1,
  keywords: ['"auth"', "_auth"],
  keywordLines: 0,
  validate: (s) => {
    const decoded = Buffer.from(s, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    return colon > 0 && /^[\x20-\x7e]+$/.test(decoded) && decoded.length - colon > 3 && literalPassword(decoded.slice(colon + 1));
  },
  truePositives: [`      "auth": "${toBase64("svc-etl:" + fake("Ud6S", "&r69nkBhjlHP@=4"))}"`, `//npm.example.com/:_auth=${toBase64("analytics:" + fake("XkXe", "Ac6HOLN5"))}`],
  falsePositives: ['"auth": "token"', `"auth": "${toBase64("user:password")}"`, `_auth=${toBase64("just-some-text")}`],
};
function toBase64(s: string): string {
  return Buffer.from(s).toString("base64");
}

// A PEM private key, base64-encoded again (kubeconfig client-key-data, k8s Secret data, env vars).
export const base64PrivateKey: SecretRule = {
  id: "base64-private-key",
  description: "Base64-encoded PEM private key (kubeconfig client-key-data, Kubernetes Secret)",
  regex: /\b(LS0tLS1CRUdJTi[A-Za-z0-9+/]{60,}={0,2})/g,
  group: 1,
  keywords: ["LS0tLS1CRUdJTi"],
  keywordLines: 0,
  showPrefix: 0,
  validate: (s) => {
    const head = Buffer.from(s.slice(0, 120), "base64").toString("latin1");
    return /-----BEGIN [A-Z ]*PRIVATE KEY/.test(head) && !/\.\.\.|<|\{\{/.test(Buffer.from(s.slice(0, 240), "base64").toString("latin1").slice(40));
  },
  truePositives: [`    client-key-data: ${toBase64(["-----BEGIN", " RSA PRIVATE KEY-----\n", body(64, b64, 171), "\n", body(64, b64, 172), "\n-----END", " RSA PRIVATE KEY-----\n"].join(""))}`],
  falsePositives: [`    client-certificate-data: ${toBase64(["-----BEGIN", " CERTIFICATE-----\n", body(64, b64, 173), "\n-----END", " CERTIFICATE-----\n"].join(""))}`],
};

// CREATE USER ... WITH PASSWORD '...', ALTER USER ... IDENTIFIED BY '...'
export const sqlPassword: SecretRule = {
  id: "sql-user-password",
  description: "Password in SQL user DDL (CREATE/ALTER USER/ROLE)",
  // A string literal, '...' or "..." (a `backquoted` word is an identifier in SQL, or prose).
  regex: /\b(?:(?:IDENTIFIED|identified)[ \t]+(?:BY|by)(?:[ \t]+(?:PASSWORD|password))?|PASSWORD|[Pp]assword)[ \t]+(["'])([^"'`\s]{6,128})\1/g,
  group: 2,
  keywords: ["identified by", "password '", 'password "'],
  keywordLines: 0,
  // the statement creates or alters a user, role or login, grants to a user or sets a password
  validate: (s, m) => {
    const text = m.input ?? "";
    const at = m.index ?? 0;
    const from = Math.max(0, at - 300);
    const stmt = text.slice(from + text.slice(from, at).lastIndexOf(";") + 1, at);
    if (!literalPassword(s)) return false;
    if (/\b(?:CREATE|ALTER)[ \t]+(?:USER|ROLE|LOGIN)\b/i.test(stmt)) return true;
    return /^identified/i.test(m[0]) && /\bGRANT\b|\bSET[ \t]+PASSWORD\b|["'`]@["'`]/i.test(stmt);
  },
  truePositives: [
    `CREATE USER etl WITH PASSWORD '${fake("Drag", "onsummer589*")}';`,
    `ALTER USER app IDENTIFIED BY "${fake("Vl1&", "R~GmGqhoCq")}";`,
    `GRANT ALL PRIVILEGES ON *.* TO 'etl'@'%' IDENTIFIED BY '${fake("Gran", "ite_77x")}';`,
  ],
  falsePositives: [
    "CREATE USER etl WITH PASSWORD 'password';",
    "ALTER USER app IDENTIFIED BY '${DB_PASSWORD}';",
    "ALTER ROLE app PASSWORD :'pw';",
    // playwright-core's bundled docs: prose, and a `backquoted` name
    " * Sends to the relative or absolute URL identified by `_endpoint`.",
    'the account identified by "svc_reporting" in the logs',
  ],
};

// PowerShell: ConvertTo-SecureString "literal" -AsPlainText.
export const powershellPlaintext: SecretRule = {
  id: "powershell-plaintext-password",
  description: "Plain-text password in PowerShell ConvertTo-SecureString -AsPlainText",
  regex: /ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?["']([^"'\s$]{6,128})["'][^\n]{0,1000}?-AsPlainText/gi,
  group: 1,
  keywords: ["-AsPlainText"],
  keywordLines: 0,
  validate: literalPassword,
  truePositives: [`$pw = ConvertTo-SecureString "${fake("Dragon", "winter1444=")}" -AsPlainText -Force`],
  falsePositives: ['$pw = ConvertTo-SecureString $env:PASSWORD -AsPlainText -Force', '$pw = ConvertTo-SecureString "<password>" -AsPlainText -Force', '// ConvertTo-SecureString "literal" -AsPlainText'],
};

// Credential constructors and login calls with a literal password as a positional argument.
export const credentialCall: SecretRule = {
  id: "credential-call",
  description: "Literal password passed to a credential constructor or login call",
  regex: /(?:(?:NetworkCredential|HTTPBasicAuth|HTTPDigestAuth|HttpBasicAuth|BasicAuth|PasswordAuthentication|UsernamePasswordCredentials?|PasswordCredential)[ \t]*\(|\.(?:login|getConnection)\((?:[^,()\n]{1,120},[ \t]*)?|\bauth[ \t]*=[ \t]*\()[ \t]*["']([^"'\n(),]{1,100})["'][ \t]*,[ \t]*["']([^"'\s(),]{6,128})["']/g,
  group: 2,
  keywords: ["NetworkCredential(", "BasicAuth(", "DigestAuth(", "PasswordAuthentication(", "PasswordCredential", ".login(", "getConnection(", "auth=(", "auth = ("],
  keywordLines: 0,
  // anonymous FTP logs in with an e-mail address as the "password"
  validate: (s, m) => literalPassword(s) && !/^(?:anonymous|ftp)$/i.test(m[1]),
  truePositives: [
    `var cred = new NetworkCredential("svc-etl", "${fake("Gran", "ite-77!x")}");`,
    `server.login("alerts@example.com", "${fake("Zc1j", "cEz7suXX")}")`,
    `resp = requests.get(url, auth=("svc-etl", "${fake("Tb~q", "!11EF3J3")}"))`,
    `Connection c = DriverManager.getConnection(url, "etl", "${fake("Qf", "Mu8UM5Z7")}");`,
  ],
  falsePositives: ['server.login(user, password)', 'auth=("user", "password")', 'new NetworkCredential("u", "${PW}")', 'ftp.login("anonymous", "guest@")', 'keywords: [".login(", "getConnection(", "auth=(", "auth = ("]'],
};

export const rules = [netrcPassword, basicAuthBlob, base64PrivateKey, sqlPassword, powershellPlaintext, credentialCall];

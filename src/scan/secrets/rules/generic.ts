import { body, fake, hex } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { shannonEntropy } from "../entropy.ts";
import { isPlaceholder } from "../placeholder.ts";

// The generic rules: a secret-looking name given a value that looks random. The last resort, so
// strict about the name (secretName minus nonSecretName) and the value (not a placeholder, word,
// identifier, path, URL, version or expression; random enough for its kind).

/** Names that hold secrets: ...password, ...secret, ...token, api keys, and names ending in "key". */
const secretName = /passw(?:or)?d|passwd|pwd|(?:^|[_.-])pass(?:$|[_.-])|^pw$|secret|token|api[_.-]?key|apikey|credential|creds|bearer|(?:basic|http|proxy)[_.-]?auth|auth[_.-]?(?:key|string|header)|(?:^|[_.-])key$|[a-z0-9]key$|private[_.-]?key|access[_.-]?key/i;
/** ...and names with those words that do not: IDs, hashes, paths, types, public material, settings. */
const nonSecretName = /public|publishable|(?:^|[_.-])pub(?:$|[_.-])|primary|foreign|partition|sort[_.-]?key|idempot|cache|lookup|row[_.-]?key|hash|digest|checksum|fingerprint|(?:^|[_.-])ids?$|[a-z]Ids?$|key[_.-]?(?:id|name|path|file|type|size|length|alias|ring|store|vault|pair|word|board|code|press|prefix|format|version|usage|spec)|token[_.-]?(?:type|url|uri|endpoint|name|count|limit|length|usage|expir|ttl|file|path|prefix|format)|tokeniz|secret[_.-]?(?:name|arn|id|ref|path|length|size|version|manager|provider|store)|(?:url|uri|path|file|dir|endpoint|host|header|env|var|field|label|prompt|policy|length|size|count|regex|pattern|format|version|arn|template|mode|enabled|required|type|method|algorithm|algo|strategy|provider|location|source|config|configuration|options|settings|verifier)$|author|monkey|turkey|hotkey|keyboard|(?:next|page|paging|starting|continuation|continue|pagination|sync|change|update|lock|concurrency|sequence|revision|client|request|idempotency|action|confirmation|product|cancel|resume|resumption|cursor|csrf|xsrf|verification|notification|purchase|task|unit|marker|registration|marketplace)[_.-]?tokens?$|websocket[_.-]?key|(?:object|s3|device|bucket|route|plan|activation|sse|result|attribute|attr|property|field|column|config|setting|param|query|label|annotation|tag|index|node|item|group|shortcut|sign[_.-]?in|translation|i18n|dict|map)[_.-]?keys?$/i;
const passwordName = /passw(?:or)?d|passwd|pwd|(?:^|[_.-])pass(?:$|[_.-])|^pw$/i;

/** The name a value is assigned to: the identifier before the operator, or for `value`/`default`/
 *  `content` slots, the key or name given just before (`<add key="X" value=`, `- name: X` /
 *  `value:`, `{"name": "X", "value":`, `variable "X" { default =`, `<meta name="X" content=`). */
export function assignedName(text: string, at: number): string | null {
  // Backwards from the operator: blanks, up to three closing quotes/brackets, then the identifier
  // (a hand-written scan: an unanchored regex over the line would retry at every start).
  let i = at - 1;
  // the first half of a compound operator: ?= += .= ::= (Make, PHP)
  for (let q = 0; q < 2 && i >= 0 && "?+.:".includes(text[i]); q++) i--;
  while (i >= 0 && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i--;
  for (let q = 0; q < 3 && i >= 0 && `"'\`]}\\`.includes(text[i]); q++) i--;
  const end = i + 1;
  while (i >= 0 && end - i <= 80 && isNameChar(text.charCodeAt(i))) i--;
  let start = i + 1;
  while (start < end && !isNameStart(text.charCodeAt(start))) start++;
  if (start >= end) return null;
  // The last part of a path or alias ("alias/aws/secretsmanager": ...) names no secret.
  if (start >= 2 && text[start - 1] === "/" && isNameChar(text.charCodeAt(start - 2))) return null;
  const name = text.slice(start, end);
  // A type annotation (`api_key: str = "..."`, `const key: string = '...'`, `KEY: &str = "..."`,
  // Go's `var apiKey string = "..."`): the name is before it.
  if (/^(?:str|string|String|bytes|SecretStr|Any|object)$/.test(name)) {
    let j = start - 1;
    if (text[j] === "&") j--; // Rust's &str
    while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9)) j--;
    if (text[j] === ":" && at - j < 40) return assignedName(text, j);
    if (j < start - 1 && j >= 0 && isNameChar(text.charCodeAt(j))) return assignedName(text, j + 1);
    return name;
  }
  if (!/^(?:value|default|val|content)$/i.test(name)) return name;
  // Up to two lines back, and at most 300 characters: searched within those 300 only, so a long
  // minified line is never read back to its start once per candidate.
  const windowStart = Math.max(0, at - 300);
  const window = text.slice(windowStart, at);
  let from = window.lastIndexOf("\n") + 1;
  for (let n = 0; n < 2 && from > 0; n++) from = from >= 2 ? window.lastIndexOf("\n", from - 2) + 1 : 0;
  const ctx = text.slice(windowStart + from, start);
  let last: string | null = null;
  for (const k of ctx.matchAll(/(?:\b(?:key|name)["']?[ \t]*[:=][ \t]*["']?|\bvariable[ \t]+")([A-Za-z_][A-Za-z0-9_.-]*)/g)) last = k[1];
  return last;
}
const isNameStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isNameChar = (c: number) => isNameStart(c) || (c >= 48 && c <= 57) || c === 46 || c === 45;

const obviousPasswords = /password|passwd|pass@?word|changeme|example|sample|dummy|qwerty|letmein|iloveyou|123456|abc123|a1b2c3|secret[-_]?\d*$|^admin\d*$|^test\d*$|^welcome\d*$/i;
/** Obvious passwords, also in leetspeak (P@55w0rd!, Ch4ng3m3). */
const obviousPassword = (v: string) => obviousPasswords.test(v) || obviousPasswords.test(v.replace(/[@4]/g, "a").replace(/[5$]/g, "s").replace(/0/g, "o").replace(/3/g, "e").replace(/1/g, "i"));

/** How much of `v` is made of words (Capitalised or lower-case runs of 3+ letters). */
function wordCoverage(v: string): number {
  let n = 0;
  for (const m of v.matchAll(/[A-Z]?[a-z]{3,}/g)) n += m[0].length;
  return n / v.length;
}

function looksLikeCode(v: string, quoted: boolean): boolean {
  if (/^(?:https?:|s3:|gs:|file:|arn:|urn:|\/|\.\.?\/|~\/|\$|%|@|#|&)/.test(v)) return true;
  if (/\[:?[A-Za-z_]+\]/.test(v)) return true; // host[:port], [PASSWORD]
  // Public keys in base64 DER (SubjectPublicKeyInfo: RSA, EC P-256/P-384, Ed25519) and SSH form
  if (/^(?:MFkwEwYHKoZIzj0CAQY|MHYwEAYHKoZIzj0CAQY|MCowBQYDK2Vw|MIIB[IC]jANBgkqhkiG9w0BAQEFAAOC|MIICIjANBgkqhkiG9w0BAQEFAAOC|AAAAB3NzaC1yc2E|AAAAC3NzaC1lZDI1NTE5)/.test(v)) return true;
  if (/^(?:process\.env|os\.environ|env\(|getenv|Sys\.getenv|var\.|local\.|data\.|module\.|secrets\.|vars\.|config\.|settings\.|self\.|this\.|props\.|ENV\[)/.test(v)) return true;
  if (/[()[\]{}<>]/.test(v) && !/^[\x21-\x7e]{8,64}$/.test(v)) return true;
  if (/^[a-z]+(?:[._-][a-z]+)*$/i.test(v)) return true; // words and identifiers
  // dotted.names: member access when unquoted (x = self.api_key, win32api.RegEnumKey: an object
  // or module in lower case first), module paths when quoted
  if (/^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+;?$/.test(v) && (!/\d/.test(v) || (!quoted && /^[a-z_$]/.test(v)))) return true;
  // optional chaining and non-null access (options2?.resumptionToken, cfg!.apiKey): an expression
  if (/\?\.|!\./.test(v) && /^[A-Za-z_$][\w$]*(?:(?:\?\.|!\.|\.)[A-Za-z_$][\w$]*)+[,;]?$/.test(v)) return true;
  if (/\[[^\]]*-[^\]]*\]|\\[dDwWsS.]|\(\?[:=!<]/.test(v)) return true; // regular expressions
  if (/^[\w.-]+\.(?:json|ya?ml|txt|pem|key|crt|cer|p12|pfx|jks|py|js|ts|r|csv|parquet|env|cfg|ini|toml|xml|html|sh)$/i.test(v)) return true;
  // paths made of lowercase words (base64 with slashes has mixed case)
  if (/^[\w.-]+(?:\/[\w.-]+)+$/.test(v) && /^[a-z0-9_./-]+$/.test(v)) return true;
  if (/^v?\d+(?:\.\d+)+(?:[-+.][\w.]+)?$/.test(v)) return true; // versions
  if (/^\d{4}-\d{2}-\d{2}/.test(v)) return true; // dates and API versions
  return false;
}

/** Is `v`, assigned to `name`, a plausible secret? */
export function plausibleSecret(name: string | null, v: string, quoted = true): boolean {
  if (!name || !secretName.test(name)) return false;
  // keystore_password, public_key_passphrase...: a name ending in a password word is one
  if (nonSecretName.test(name) && !/(?:passw(?:or)?d|passwd|pwd)$/i.test(name)) return false;
  if (isPlaceholder(v) || looksLikeCode(v, quoted)) return false;
  const letters = /[A-Za-z]/.test(v);
  const digits = /\d/.test(v);
  const symbols = /[^A-Za-z0-9]/.test(v);
  const h = shannonEntropy(v);
  if (passwordName.test(name)) {
    // People's passwords: 8+ characters, letters with digits or symbols, not an obvious one.
    if (v.length < 8 || !letters || !(digits || symbols) || obviousPassword(v)) return false;
    return h >= (v.length >= 12 ? 2.8 : 2.5);
  }
  if (v.length < 16 || !digits) return false;
  const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(v)).length;
  if (classes < 2) return false;
  // File names and object keys (Map_Data_June.mp4, dcp/17_12_22-103226.Developer_CL.tar).
  if (/^[\w./-]+\.[A-Za-z][A-Za-z0-9]{1,4}$/.test(v) && (/\//.test(v) || wordCoverage(v) >= 0.4)) return false;
  // A bare "key" or "token" (also self.token, this.key) is as often a label, an ID or a
  // pagination token as a secret: not for UUIDs.
  if (/^(?:(?:self|this)\.)?(?:key|token)$/i.test(name) && /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i.test(v)) return false;
  // Identifiers and names made of words: PKCS7PrivateKeyTypes, ServerlessV2PlatformVersions,
  // fs.s3.enableServerSideEncryption, ec2:InstanceMarketType, access_logs.s3.bucket.
  if (/^[A-Za-z_][\w-]*(?:(?:\.|::?|\/)[A-Za-z_*][\w*-]*)*$/.test(v) && wordCoverage(v) >= 0.5) return false;
  if (/^[A-Za-z_][\w-]*(?:(?:\.|::?)[A-Za-z_*][\w*-]*)+$/.test(v) && /^[a-z]/.test(v)) return false;
  // Short hex strings are IDs and hashes more often than keys.
  if (/^[0-9a-f]+$/i.test(v) && v.length < 24) return false;
  // Hex keys (32+ digits, maybe after a short prefix like "key-", or UUID-shaped) carry at most
  // 4 bits a character, so their entropy runs lower.
  if (/^(?:[a-z]{1,10}[-_])?[0-9a-f-]{32,}$/i.test(v)) return h >= 3;
  return h >= 3.5;
}

const genericKeywords = ["key", "secret", "token", "pass", "pwd", "credential", "creds", "bearer", "auth"];

export const genericSecret: SecretRule = {
  id: "generic-secret",
  description: "High-entropy value assigned to a secret-looking name",
  // Anchored on the assignment (fast): `=`, `:`, `:=`, `=>`, R's `<-`, then a quoted value (quotes
  // may be escaped, as in notebooks' JSON) or an unquoted one to the end of the line (a ` # comment`
  // may follow); a YAML block scalar (`key: |`) puts the value on the next line; `NAME=value cmd`
  // is a shell's per-command environment. The name is checked in validate. Values made only of
  // letters, "_", "." and "-" (words, identifiers) are never secrets, so a lookahead skips them;
  // (?=(x+))\2 takes the unquoted value atomically (no backtracking through it when no line end
  // follows).
  regex: /(?::=|=>|<-|[:=])[ \t]*(?:[|>][-+]?[ \t]*\r?\n[ \t]+)?(?:\\?["'`](?=[A-Za-z_.-]{0,199}[^A-Za-z_.\-"'`\s\\])([^"'`\s\\]{8,200})\\?["'`]|(?=[A-Za-z_.-]{0,199}[^A-Za-z_.\-\s"'`,;(){}[\]<>\\])(?=([^\s"'`,;(){}[\]<>\\]{8,200}))\2(?:\\[nr])*["']?[ \t]*[,;]?(?:[ \t]+#[^\n]*)?[ \t]*\r?$)|=(?=[A-Za-z_.-]{0,199}[^A-Za-z_.\-\s])([^\s"'`,;(){}[\]<>\\$]{8,200})[ \t]+(?=[\w./-])/gm,
  keywords: genericKeywords,
  // The name (which holds the keyword) is on the operator's line, or up to two lines above for
  // value/default slots (see assignedName); a block scalar's value is one line further.
  keywordLines: 3,
  validate: (s, m) => plausibleSecret(assignedName(m.input ?? "", m.index ?? 0), m[1] ?? m[2] ?? m[3] ?? s, m[1] !== undefined),
  truePositives: [
    `API_KEY = "${fake("Xq7", body(29, undefined, 101))}"`,
    `client_secret: '${fake("p9Z", body(21, undefined, 102))}'`,
    `MY_SERVICE_TOKEN=${fake("aB3", body(30, undefined, 103))}`,
    `aws_secret_key <- "${fake("Rb4", body(37, undefined, 106))}"`,
    `    "DB_PASSWORD = \\"${fake("Kd8", body(13, undefined, 107))}\\"\\n",`,
    `storage_account_key: |\n  ${fake("Zq1", body(40, undefined, 108))}`,
    `secret_access_key: ${fake("kNpq", "NvxMN7UFKdg1ISMO7KyNXfnRaVU/dEbUKpX9")}`,
    `os.environ["ACCESS_TOKEN"] = "${body(32, hex, 109)}"`,
    `        - name: SIGNING_SECRET\n          value: "${fake("Tm5", body(24, undefined, 110))}"`,
    `    <add key="ClientSecret" value="${fake("Wq2", body(24, undefined, 111))}" />`,
    `DB_PASSWORD=${fake("Velvet", "dragon", "1095=")}`,
    `password = '${fake("Uln", "wesz_!", "Hwn2")}'`,
    `export const weatherApiKey: string = '${fake("Zr9", body(29, undefined, 120))}';`,
    `    "# DD_APP_KEY=${body(40, hex, 128)}\\n",`,
    `  "mysqlRootPassword": "${fake("SbrX", "b77EHIrY.jp3")}",`,
    `TWILIO_AUTH_TOKEN=${body(32, hex, 128)} python train.py --epochs 3`,
    `  keystore_password = "${fake("EpA9", "v&Tm~7r2")}"`,
    `$password .= "${fake("Otter", "nimbus1325~")}";`,
    `ENCRYPTION_KEY ?= ${fake("pPL1", body(27, undefined, 131))}`,
    `var DatadogApiKey string = "${body(40, hex, 132)}"`,
    `const JWT_SECRET: &str = "${body(32, hex, 134)}";`,
    `DATABASE_PASSWORD=${fake("CdvC", "?Q6RG48l26929%m32")} # prod`,
    `$ENV{'SECRET_TOKEN'} = '${fake("Xq", body(30, undefined, 135))}';`,
    `<meta name="azure-openai-api-key" content="${body(32, hex, 136)}">`,
    `password=${fake("UlHM", "SittXL.ZTp5")}`,
  ],
  falsePositives: [
    'api_key = os.environ["OPENAI_API_KEY"]',
    'password = "correct-horse-battery-staple"',
    'token = "${GITHUB_TOKEN}"',
    'secret_file = "credentials/service-account.json"',
    'API_KEY = "your-api-key-goes-here-1234"',
    'tokenizer_name = "bert-base-uncased"',
    'const TOKEN_STRINGS = "[A-Za-z0-9._~+/-]+=*";',
    `description = "${fake("Xq7", body(29, undefined, 105))}"`,
    `public_key = "${fake("MCowBQYDK2VwAyEA", body(28, undefined, 112))}"`,
    `  key: "${fake("MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE", body(52, undefined, 137))}==",`,
    `request_id = "${body(8, hex, 113)}-${body(4, hex, 114)}-4${body(3, hex, 115)}-a${body(3, hex, 116)}-${body(12, hex, 117)}"`,
    `secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db-${body(6, undefined, 118)}"`,
    `aws_secret_access_key = ${fake("wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY")}`,
    'password: "Password123!"',
    "password_min_length = 12345678",
    'api_version = "2024-02-15-preview"',
    "token = response.json()['access_token']",
    `sha256_checksum = "${body(64, hex, 119)}"`,
    'secret_name = "projects/acme-prod/secrets/db-password/versions/latest"',
    "EMRFS_SSE_KEY = 'fs.s3.enableServerSideEncryption'",
    "def load(private_key: PKCS7PrivateKeyTypes,",
    '"AWS::ApiGateway::UsagePlanKey": "309b26469128fd0a",',
    '{"key": "ec2:MetadataHttpPutResponseHopLimit"}',
    "--next-token eyJhd3NBY2NvdW50SWQiOnsicyI6IjMwMjc3NjAxNjM5OCJ9",
    '"result_key": "ServerlessV2PlatformVersions"',
    '"encryptionKey": "arn:aws:kms:us-west-2:111122223333:key/a1b2c3d4-5678-90ab-cdef-000011112222"',
    '--key "Map_Data_June.mp4"',
    'credentials = {"username": "admin", "password": "P@55w0rd!"}',
    '"key":"48c67f3c-63bb-4f92-a98a-4ee0fbc2bef6"',
    '{"key": "ec2:ResourceTag/elasticbeanstalk:environment-name"}',
    "p12.generateKey = forge.pbe.generatePkcs12Key;",
    "RegEnumKey = win32api.RegEnumKey",
    "API_KEY=abc # set me",
    // playwright-core's bundles: optional chaining, RFC 6455's sample handshake nonce
    "    onresumptiontoken: options2?.onresumptiontoken",
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
    // concurrency and pagination tokens (awscli examples, moto), a UUID given to a bare token
    '    "PolicyUpdateToken": "1:p+2RpKR4wPFx7mcrL1UOQQ==",',
    '        self.update_token = "1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d"',
    `  "ResumptionToken": "${fake("AAEAA", body(40, undefined, 138))}",`,
    `token: "${body(8, hex, 139)}-${body(4, hex, 140)}-4${body(3, hex, 141)}-b${body(3, hex, 142)}-${body(12, hex, 143)}"`,
    // moto's KMS aliases: the key is a path, not a name
    '    "alias/aws/secretsmanager": "fee5173a-3972-428e-ae73-cd4c2a371222",',
  ],
};

// `<password>...</password>` and other secret-named XML elements.
export const genericXmlSecret: SecretRule = {
  id: "generic-secret-xml",
  description: "High-entropy value in a secret-named XML element",
  regex: /<([A-Za-z_][\w.-]{0,60})>[ \t]*(?:\r?\n[ \t]*)?([^<\s]{8,200})[ \t]*(?:\r?\n[ \t]*)?<\/\1>/g,
  group: 2,
  // The closing tag of a secret-named element.
  keywords: ["key>", "token>", "secret>", "password>", "passwd>", "pwd>", "auth>", "credential>", "credentials>", "creds>"],
  keywordLines: 2, // from the opening tag's line: the value and the closing tag may follow on their own lines
  validate: (s, m) => plausibleSecret(m[1], s),
  truePositives: [`  <apiKey>${fake("Hq3", body(29, undefined, 121))}</apiKey>`, `<password>\n    ${fake("Ns4", body(14, undefined, 122))}\n</password>`],
  falsePositives: ["<password>${DB_PASSWORD}</password>", `<keyAlias>${fake("Kd9", body(20, undefined, 123))}</keyAlias>`, "<token>changeme</token>"],
};

// `--api-key VALUE`, `--password VALUE` on a command line (the `=` form is an assignment),
// Dockerfiles' legacy `ENV NAME value` and C's `#define NAME "value"`.
export const cliSecretFlag: SecretRule = {
  id: "cli-secret-flag",
  description: "Secret passed as a command-line flag, a Dockerfile ENV or a C #define",
  regex: /(?:[ \t]--?([A-Za-z][\w-]{1,40})|(?:ENV|#define)[ \t]+([A-Za-z_]\w{0,60}))[ \t]+["']?([^\s"'`$-][^\s"'`]{7,199})/g,
  group: 3,
  // A flag ending in a secret word, then a blank (far rarer than the words alone), a Dockerfile ENV
  // at a line start, or #define.
  // A flag's name holds one of these anywhere (--secret-key-base, -p is left to the mysql rule).
  keywords: ["-key", "-token", "-secret", "-password", "-passwd", "-pass", "-pwd", "-auth", "-credential", "\nenv ", "#define "],
  keywordLines: 0, // the match is on the keyword's line
  validate: (s, m) => plausibleSecret(m[1] ?? m[2] ?? null, s, false),
  truePositives: [
    `./deploy.sh --datadog-api-key ${body(32, hex, 124)}`,
    `python ingest.py --db-password '${fake("Qw7", body(12, undefined, 125))}'`,
    `FROM python:3.12-slim\nENV API_TOKEN ${fake("Lp2", body(37, undefined, 127))}`,
    `#define APP_SECRET "${fake("nsE1", body(30, undefined, 133))}"`,
  ],
  falsePositives: ["mytool --token $TOKEN", "mytool --password-file /run/secrets/db", "git log --pretty=oneline --abbrev-commit", `tool --key-id ${body(20, undefined, 126)}`, "ENV PASSWORD_FILE /run/secrets/db"],
};

// ("SECRET_NAME", "value") pairs: os.Setenv, define(), setProperty, headers.Add, SQL VALUES.
export const genericSecretPair: SecretRule = {
  id: "generic-secret-pair",
  description: "High-entropy value passed with a secret-looking name (\"NAME\", \"value\")",
  regex: /["'],[ \t]*["'](?=[A-Za-z]{0,199}[^A-Za-z"'`\s\\])([^"'`\s\\]{8,200})["']/g,
  group: 1,
  // A secret word closing a quoted name right before the comma.
  keywords: ["key\",", "key',", "token\",", "token',", "secret\",", "secret',", "password\",", "password',", "passwd\",", "passwd',", "pwd\",", "pwd',", "pass\",", "pass',", "credential\",", "credential',", "credentials\",", "credentials',"],
  keywordLines: 0, // the match is on the keyword's line
  validate: (s, m) => plausibleSecret(assignedName(m.input ?? "", (m.index ?? 0) + 1), s),
  truePositives: [`\tos.Setenv("REDIS_PASSWORD", "${fake("Blue", "bird", "otter862?")}")`, `define('DB_PASSWORD', '${fake("Win", "termaple301-")}');`, `INSERT INTO settings (name, value) VALUES ('aws_secret_key', '${fake("bSx", body(37, undefined, 129))}');`],
  falsePositives: ['os.Setenv("API_KEY", os.Getenv("X"))', `define('DB_PASSWORD', 'password');`, `props.setProperty("key.alias", "${fake("Kx9", body(20, undefined, 130))}")`],
};

// A literal fallback for a value read from the environment or elsewhere:
// `KEY = os.getenv("X") or "..."`, `self.token = api_key or "..."`, `... if "X" in os.environ else "..."`,
// `process.env.API_KEY ?? "..."` / `|| "..."`, PHP's and Kotlin's `?: "..."`, `Sys.getenv("X", unset = "...")`,
// `os.environ.get("X", "...")`, `ENV.fetch("X") { "..." }`, Laravel's `env('X', '...')`, Java's
// `getOrDefault("X", "...")` / `.orElse("...")`, Rust's `.unwrap_or("...")`, Scala's `getOrElse("X", "...")`
// and the shell's `${DB_PASSWORD:-...}`. The secret's name is the variable assigned, the variable looked up or the
// operand the literal stands in for (see fallbackNames).
const fallbackValue = /\\?["'`](?=[A-Za-z_.-]{0,199}[^A-Za-z_.\-"'`\s\\])([^"'`\s\\]{8,200})\\?["'`]/.source;
const envLookup = /(?:getenv|Getenv|environ\.get|env\.get|\.fetch|getOrDefault|getOrElse|GetEnvironmentVariable|\benv)/.source;

/** Names a fallback literal may stand for, from the start of its line (at most 300 characters back). */
function fallbackNames(text: string, m: RegExpMatchArray, value: string): string[] {
  const at = m.index ?? 0;
  const windowStart = Math.max(0, at - 300);
  const from = windowStart + text.slice(windowStart, at).lastIndexOf("\n") + 1;
  const valueAt = at + m[0].indexOf(value);
  const ctx = text.slice(from, valueAt);
  const names: string[] = [];
  // the shell's ${NAME:-value}
  if (m[0].startsWith("${")) names.push(/^\$\{(\w+)/.exec(m[0])![1]);
  // the operand before `or`, `||`, `??`, `?:`
  if (m[1] !== undefined && m[0][0] !== ".") {
    const n = assignedName(text, at);
    if (n) names.push(n);
  }
  // the variable looked up: getenv("X"), os.environ["X"], process.env.X, ENV.fetch("X"), env('X')
  for (const k of ctx.matchAll(/(?:getenv|Getenv|environ(?:\.get)?|ENV|env(?:\.get|::var)?|getOrDefault|getOrElse|GetEnvironmentVariable|fetch)[ \t]*[([][ \t]*\\?["']([A-Za-z_][\w.-]{0,80})|\benv\.([A-Za-z_]\w{0,80})/g)) names.push(k[1] ?? k[2]);
  // the variable, key or argument assigned: every assignment operator before the literal
  for (const op of ctx.matchAll(/:=|=>|<-|[=:]/g)) {
    const i = op.index ?? 0;
    if (op[0] === "=" && /[=!<>]/.test(ctx[i - 1] ?? "")) continue;
    if (op[0] === "=" && ctx[i + 1] === "=") continue;
    const n = assignedName(text, from + i);
    if (n) names.push(n);
  }
  return names;
}

export const genericSecretFallback: SecretRule = {
  id: "generic-secret-fallback",
  description: "High-entropy literal given as the fallback of an environment lookup or another value",
  regex: new RegExp(
    // or/||/??/?: "value", Java's .orElse("value"), Rust's .unwrap_or("value")
    /(?:\|\||\?\?|\?:|\b(?:or|else)(?=[ \t])|\.(?:orElse|unwrap_or)\()[ \t]*/.source + fallbackValue +
      // lookup("X", "value"), lookup("X", unset = "value"), ENV.fetch("X") { "value" }
      "|" + envLookup + /[ \t]*\([ \t]*\\?["'][^"'\\\n]{1,100}\\?["'][ \t]*(?:,[ \t]*(?:(?:unset|default)[ \t]*=[ \t]*)?|\)[ \t]*\{[ \t]*)/.source + fallbackValue +
      // ${NAME:-value}
      "|" + /\$\{[A-Za-z_]\w{0,80}:?-(?=[A-Za-z_.-]{0,199}[^A-Za-z_.\-\s}])([^}\s"'`$\\]{8,200})\}/.source,
    "g",
  ),
  // The fallback's operator or the lookup, which sit on the value's line.
  keywords: [
    ...["||", "??", "?:"].flatMap((op) => [`${op}"`, `${op}'`]),
    ...["||", "??", "?:", " or", " else"].flatMap((op) => [`${op} "`, `${op} '`, `${op} \``, `${op} \\"`]),
    "getenv", "environ.get", "env.get", "env(", ".fetch(", "getordefault", "getorelse(", "environmentvariable", ".orelse(", ".unwrap_or(", ":-",
  ],
  keywordLines: 0,
  validate: (s, m) => fallbackNames(m.input ?? "", m, s).some((n) => plausibleSecret(n, s)),
  truePositives: [
    `KEY = os.getenv("X") or "${body(32, hex, 140)}"`,
    `        self.token = api_key or "${fake("Qm7", body(37, undefined, 141))}"`,
    `password = os.environ.get("DB_PASSWORD") or "${fake("Winter", "2024!", "Clinic")}"`,
    `API_KEY = os.environ["X"] if "X" in os.environ else "${fake("Rt4", body(37, undefined, 142))}"`,
    `const k = process.env.API_KEY ?? "${fake("Lw2", body(37, undefined, 143))}";`,
    `const k = process.env.API_KEY || '${fake("Hs9", body(37, undefined, 144))}';`,
    `token <- Sys.getenv("TOKEN", unset = "${fake("Pz5", body(37, undefined, 145))}")`,
    `API_KEY = os.environ.get("X", "${fake("Nd3", body(37, undefined, 146))}")`,
    `  apiSecret: process.env.X || "${fake("Vb8", body(29, undefined, 147))}",`,
    `$dbPassword = getenv('DB_PASS') ?: '${fake("Harbor", "quartz", "77!")}';`,
    `    'secret' => env('APP_SIGNING', '${fake("Yc6", body(29, undefined, 148))}'),`,
    `  config.api_token = ENV.fetch("X") { "${fake("Jk1", body(29, undefined, 149))}" }`,
    `export DB_PASSWORD="\${DB_PASSWORD:-${fake("Velvet", "otter", "91~")}}"`,
    `    "SECRET = os.getenv(\\"X\\") or \\"${fake("Ga7", body(29, undefined, 150))}\\"\\n",`,
    `String authToken = Optional.ofNullable(System.getenv("X")).orElse("${body(32, hex, 158)}");`,
    `    let access_token = env::var("X").unwrap_or("${fake("Tq2", body(29, undefined, 159))}".to_string());`,
    `  val apiKey = sys.env.getOrElse("X", "${fake("Wm4", body(29, undefined, 160))}")`,
  ],
  falsePositives: [
    'API_KEY = os.getenv("API_KEY") or ""',
    'const apiKey = process.env.API_KEY ?? "your-api-key-here";',
    'token <- Sys.getenv("TOKEN", unset = NA)',
    'const url = process.env.API_URL || "https://api.acme-health.com/v1";',
    `BUILD = os.getenv("BUILD_ID") or "${fake("3f2a", body(28, hex, 151))}"`,
    `const key = cache.get(id) ?? "${body(8, hex, 152)}-${body(4, hex, 153)}-4${body(3, hex, 154)}-a${body(3, hex, 155)}-${body(12, hex, 156)}";`,
    'DB_PASSWORD="${DB_PASSWORD:-changeme}"',
    'export API_TOKEN="${API_TOKEN:-$(cat /run/secrets/token)}"',
    `next_token = resp.get("NextToken") or "${fake("eyJ", body(40, undefined, 157))}"`,
    `MODEL = os.getenv("MODEL") or "gpt-4o-mini-2024-07-18"`,
    `const tokenUrl = env.TOKEN_URL ?? "https://login.acme.io/oauth2/v2.0/token";`,
  ],
};

export const rules = [genericSecret, genericXmlSecret, cliSecretFlag, genericSecretPair, genericSecretFallback];

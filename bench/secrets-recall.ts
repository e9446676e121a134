// Secret-detection recall and false positives on a synthetic, planted corpus.
//   bun bench/secrets-recall.ts [--seed 1] [--files 320] [--with-secretlint] [--binary PATH | --source]
//                               [--misses N] [--fps N] [--kinds] [--keep | --out DIR]
// --source runs `bun src/index.ts` instead of dist/trustrun (built first when missing or older than
// src/); --misses/--fps print missed items and false positives with their lines; --kinds adds recall
// per planted kind and per held-out host; --keep/--out keep the corpus.
//
// What this is: a corpus generated from a seeded PRNG (the same seed gives the same bytes, so the
// figures are reproducible and nothing large is committed). It plants secrets in the formats that
// gitleaks' default rule set covers (cmd/generate/config/rules/*.go and config/gitleaks.toml in
// gitleaks/gitleaks: OpenAI, Anthropic, AWS, Azure, GCP, GitHub, GitLab, Slack, Stripe, Twilio,
// SendGrid, Mailgun, npm, PyPI, Hugging Face, Databricks, Heroku, Datadog, Sentry, private keys,
// JWTs, URLs with passwords, generic `password = ...` assignments and more) into host files of
// many kinds (.py, .js, .ts, .R, .ipynb, .yaml, .env, .json, .toml, .ini/.cfg, .properties, .tf,
// .sh, Dockerfile, .xml, .md, key files), in the contexts gitleaks' own samples use (assignments
// with and without quotes, dict/object literals, YAML/env/HCL/XML, CLI flags, Authorization
// headers, URLs, comments, multi-line keys), and negatives (placeholders, environment lookups,
// digests, UUIDs, lockfile integrity hashes, base64 images, test vectors, commit hashes, public
// keys and IDs) to count false positives.
//
// Four sets of hosts, scored separately: "tuned" (the hosts above, which the rules were developed
// against), "held-out" (Go, Java, C#, Kotlin, PHP, Ruby, Make, CSV, logstash, SQL, PowerShell,
// Gradle, and credential files such as .netrc, kubeconfig, Docker config.json), "fresh" (Rust,
// Swift, Scala, Lua, Perl, nginx, .http, HTML, C, Jenkinsfile, trailing comments, URL queries) and
// "env fallbacks" (a literal default after an environment lookup: `os.getenv("X") or "..."`,
// `process.env.X ?? "..."`, `Sys.getenv("X", unset = "...")`, `${X:-...}`, in Python, TS, R, Ruby,
// PHP, shell, Java, Kotlin, C#, Rust). The last three come from their own PRNG streams (so adding
// one leaves the others as they were) and were each measured once before any tuning on them
// (docs/scan.md, "Secret recall", has those first figures).
//
// What this is not: a real leaked-secret corpus. The issue's "gitleaks finds about three quarters"
// refers to real leaks; no such corpus and no gitleaks binary are available here, so this measures
// the same formats on planted data. Real code has more variety (and real secrets have shapes a
// generator does not think of), so treat the figures as an upper bound on real-world recall for the
// covered formats and as a regression check, not as a comparison with gitleaks' published figure.
//
// Ground truth: for every planted item, its file, first and last line (a key block spans several
// lines) and the secret. A finding of kind "secret" is a hit when it is in the same file on a line
// of the item's span (output values are redacted, so the value cannot be compared). A secret
// finding on a negative's span is a false positive; one on no planted span is counted as stray.
//
// --with-secretlint installs secretlint and @secretlint/secretlint-rule-preset-recommend into a
// temp dir (never the project; npm registry only) and scores it on the same corpus.
import { $ } from "bun";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const opt = (name: string, dflt: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const seed = Number(opt("--seed", "1")) >>> 0;
const fileCount = Math.max(20, Math.min(5000, Number(opt("--files", "320"))));
const showMisses = Number(opt("--misses", "0"));
const showFps = Number(opt("--fps", "0"));

// ---------------------------------------------------------------------------------------------
// Seeded PRNG (mulberry32) and value helpers.

class Rng {
  private x: number;
  constructor(s: number) {
    this.x = s >>> 0;
  }
  next(): number {
    this.x = (this.x + 0x6d2b79f5) >>> 0;
    let t = Math.imul(this.x ^ (this.x >>> 15), 1 | this.x);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(a: number, b: number): number {
    return a + Math.floor(this.next() * (b - a + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  str(n: number, alphabet: string): string {
    let s = "";
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * alphabet.length)];
    return s;
  }
  weighted<T extends { weight: number }>(xs: readonly T[]): T {
    const total = xs.reduce((s, x) => s + x.weight, 0);
    let v = this.next() * total;
    for (const x of xs) if ((v -= x.weight) < 0) return x;
    return xs[xs.length - 1];
  }
}

const LOWER = "abcdefghijklmnopqrstuvwxyz";
const UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const DIGITS = "0123456789";
const ALNUM = UPPER + LOWER + DIGITS;
const HEX = "0123456789abcdef";
const B64 = ALNUM + "+/";
const URLSAFE = ALNUM + "_-";
const AWS32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const BASE36 = LOWER + DIGITS;
const b64url = (s: string) => Buffer.from(s).toString("base64url");
const b64 = (s: string) => Buffer.from(s).toString("base64");
const uuid = (r: Rng) => `${r.str(8, HEX)}-${r.str(4, HEX)}-4${r.str(3, HEX)}-${r.pick(["8", "9", "a", "b"])}${r.str(3, HEX)}-${r.str(12, HEX)}`;
// Kept out of the source as whole strings, so push-protection scanners see no key-shaped literal.
const PEM = (label: string, end = false) => `-----${end ? "END" : "BEGIN"} ${label}-----`;

/** Passwords people choose: random ones from managers and human ones (word + digits + symbol). */
function password(r: Rng, urlSafe = false): string {
  const sym = urlSafe ? "-_.~" : "!@%^&*-_+=.?~";
  if (r.chance(0.55)) {
    const n = r.int(12, 24);
    let s = r.str(n, ALNUM + sym);
    // at least one of each class, as password policies demand
    s = r.pick(UPPER.split("")) + r.pick(LOWER.split("")) + s.slice(3) + r.pick(DIGITS.split(""));
    return s;
  }
  const words = ["Summer", "Winter", "Falcon", "Dragon", "Monkey", "Sunshine", "Bluebird", "Maple", "Harbor", "Quartz", "Nimbus", "Otter", "Phoenix", "Granite", "Velvet"];
  return `${r.pick(words)}${r.pick(words).toLowerCase()}${r.int(10, 2099)}${r.pick(sym.split(""))}`;
}

function jwt(r: Rng): string {
  const alg = r.pick(["HS256", "RS256", "HS512"]);
  const header = r.chance(0.5) ? { alg, typ: "JWT" } : { alg, typ: "JWT", kid: r.str(16, ALNUM) };
  const now = 1_700_000_000 + r.int(0, 60_000_000);
  const payload = r.pick([
    { sub: uuid(r), iat: now, exp: now + 3600, role: "service_role", iss: "supabase" },
    { sub: `user_${r.int(1000, 99999)}`, name: "svc-etl", iat: now, exp: now + 86400 * 365 },
    { iss: "https://auth.acme-health.com", aud: "api", sub: uuid(r), scope: "read:patients write:notes", iat: now },
    { client_id: r.str(20, ALNUM), tenant: r.str(8, LOWER), iat: now, exp: now + 7200 },
  ]);
  const sig = alg === "RS256" ? r.str(342, URLSAFE) : alg === "HS512" ? r.str(86, URLSAFE) : r.str(43, URLSAFE);
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(payload))}.${sig}`;
}

function pemLines(r: Rng, type: "rsa" | "pkcs8" | "ec" | "openssh" | "pgp" | "encrypted"): string[] {
  const wrap = (s: string, w: number) => s.match(new RegExp(`.{1,${w}}`, "g")) ?? [];
  switch (type) {
    case "rsa":
      return [PEM("RSA PRIVATE KEY"), ...wrap("MIIEpAIBAAKCAQEA" + r.str(64 * r.int(8, 24) - 16, B64), 64), r.str(r.int(20, 60), B64) + "==", PEM("RSA PRIVATE KEY", true)];
    case "pkcs8":
      return [PEM("PRIVATE KEY"), ...wrap("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + r.str(64 * r.int(8, 24) - 32, B64), 64), r.str(r.int(20, 60), B64) + "=", PEM("PRIVATE KEY", true)];
    case "encrypted":
      return [PEM("ENCRYPTED PRIVATE KEY"), ...wrap("MIIFHDBOBgkqhkiG9w0BBQ0wQTApBgkqhkiG9w0BBQwwHAQI" + r.str(64 * r.int(8, 20) - 48, B64), 64), PEM("ENCRYPTED PRIVATE KEY", true)];
    case "ec":
      return [PEM("EC PRIVATE KEY"), ...wrap("MHcCAQEEI" + r.str(64 * 3 - 27, B64), 64), "==", PEM("EC PRIVATE KEY", true)].filter((l) => l !== "==");
    case "openssh":
      return [PEM("OPENSSH PRIVATE KEY"), ...wrap("b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW" + r.str(70 * r.int(4, 20), B64), 70), PEM("OPENSSH PRIVATE KEY", true)];
    case "pgp":
      return [PEM("PGP PRIVATE KEY BLOCK"), "", ...wrap("lQOYBF" + r.str(64 * r.int(10, 24) - 6, B64), 64), "=" + r.str(4, B64), PEM("PGP PRIVATE KEY BLOCK", true)];
  }
}

// ---------------------------------------------------------------------------------------------
// What can be planted: positives (secrets) and negatives (things that look like them).

type Words = string[];
interface Kind {
  id: string;
  category: string;
  positive: boolean;
  weight: number;
  value: (r: Rng) => string;
  /** Plausible variable names, as word lists (formatted per language). */
  names: Words[];
  /** May travel in an Authorization header with this scheme. */
  header?: string;
  /** Client-library calls that take the value (the literal goes where `$` is). */
  sdk?: { py?: string[]; js?: string[]; r?: string[] };
  /** URLs that carry the value (`$`). */
  url?: string[];
  /** Shell commands that carry the value (`$`). */
  cli?: string[];
  /** A multi-line PEM block (value lines joined with \n). */
  pem?: boolean;
  /** A whole GCP service-account key file. */
  serviceAccount?: boolean;
  /** Only in contexts of this sort (an Authorization/API-key header, a command line). */
  only?: "header" | "cli";
  /** Expression-valued negatives: a line per host type instead of a literal. */
  expr?: Partial<Record<HostType, (w: Words, r: Rng) => string>>;
}

const kinds: Kind[] = [];
const P = (k: Omit<Kind, "positive">) => kinds.push({ ...k, positive: true });
const N = (k: Omit<Kind, "positive">) => kinds.push({ ...k, positive: false });

// --- AI providers
P({ id: "openai-project", category: "openai", weight: 5, value: (r) => `sk-proj-${r.str(r.pick([74, 58]), URLSAFE)}T3Blbk${"FJ"}${r.str(r.pick([74, 58]), URLSAFE)}`, names: [["openai", "api", "key"], ["api", "key"], ["openai", "key"], ["llm", "api", "key"]], header: "Bearer", sdk: { py: ["client = OpenAI(api_key=\"$\")", "openai.api_key = \"$\""], js: ["const openai = new OpenAI({ apiKey: \"$\" });"], r: ["Sys.setenv(OPENAI_API_KEY = \"$\")"] } });
P({ id: "openai-legacy", category: "openai", weight: 2, value: (r) => `sk-${r.str(20, ALNUM)}T3Blbk${"FJ"}${r.str(20, ALNUM)}`, names: [["openai", "api", "key"], ["api", "key"]], header: "Bearer", sdk: { py: ["openai.api_key = \"$\""], js: ["const configuration = new Configuration({ apiKey: \"$\" });"] } });
P({ id: "openai-svcacct-admin", category: "openai", weight: 1, value: (r) => `sk-${r.pick(["svcacct", "admin"])}-${r.str(r.pick([74, 58]), URLSAFE)}T3Blbk${"FJ"}${r.str(r.pick([74, 58]), URLSAFE)}`, names: [["openai", "admin", "key"], ["openai", "api", "key"]], header: "Bearer" });
P({ id: "anthropic-api", category: "anthropic", weight: 4, value: (r) => `sk-ant-api03-${r.str(93, URLSAFE)}AA`, names: [["anthropic", "api", "key"], ["claude", "api", "key"], ["api", "key"]], sdk: { py: ["client = anthropic.Anthropic(api_key=\"$\")"], js: ["const anthropic = new Anthropic({ apiKey: '$' });"], r: ["Sys.setenv(ANTHROPIC_API_KEY = \"$\")"] }, cli: ["curl https://api.anthropic.com/v1/messages -H \"x-api-key: $\" -H \"anthropic-version: 2023-06-01\""] });
P({ id: "anthropic-admin", category: "anthropic", weight: 1, value: (r) => `sk-ant-admin01-${r.str(93, URLSAFE)}AA`, names: [["anthropic", "admin", "key"]] });
P({ id: "huggingface", category: "huggingface", weight: 3, value: (r) => `hf_${r.str(34, UPPER + LOWER)}`, names: [["hf", "token"], ["huggingface", "token"], ["hugging", "face", "hub", "token"]], header: "Bearer", sdk: { py: ["login(token=\"$\")", "model = AutoModel.from_pretrained(\"meta-llama/Llama-3.1-8B\", token=\"$\")"] }, cli: ["huggingface-cli login --token $"] });
P({ id: "huggingface-org", category: "huggingface", weight: 0.5, value: (r) => `api_org_${r.str(34, UPPER + LOWER)}`, names: [["hf", "org", "token"]] });
P({ id: "groq", category: "saas", weight: 0.7, value: (r) => `gsk_${r.str(52, ALNUM)}`, names: [["groq", "api", "key"]], header: "Bearer", sdk: { py: ["client = Groq(api_key=\"$\")"] } });
P({ id: "perplexity", category: "saas", weight: 0.5, value: (r) => `pplx-${r.str(48, ALNUM)}`, names: [["perplexity", "api", "key"], ["pplx", "api", "key"]], header: "Bearer" });
P({ id: "langsmith", category: "saas", weight: 0.5, value: (r) => `lsv2_${r.pick(["pt", "sk"])}_${r.str(32, HEX)}_${r.str(10, HEX)}`, names: [["langchain", "api", "key"], ["langsmith", "api", "key"]] });

// --- Cloud
P({ id: "aws-access-key-id", category: "aws", weight: 5, value: (r) => `${r.pick(["AKIA", "AKIA", "AKIA", "ASIA"])}${r.str(16, AWS32)}`, names: [["aws", "access", "key", "id"], ["access", "key", "id"], ["aws", "access", "key"]], sdk: { py: ["s3 = boto3.client(\"s3\", aws_access_key_id=\"$\", aws_secret_access_key=SECRET)"], js: ["const creds = { accessKeyId: \"$\", secretAccessKey: process.env.AWS_SECRET };"] } });
P({ id: "aws-secret-access-key", category: "aws", weight: 5, value: (r) => r.str(40, B64), names: [["aws", "secret", "access", "key"], ["aws", "secret", "key"], ["secret", "access", "key"], ["secret", "key"]], sdk: { py: ["s3 = boto3.client(\"s3\", aws_access_key_id=KEY_ID, aws_secret_access_key=\"$\")", "session = boto3.Session(aws_access_key_id=KEY_ID, aws_secret_access_key='$')"], js: ["const client = new S3Client({ credentials: { accessKeyId: KEY_ID, secretAccessKey: \"$\" } });"] } });
P({ id: "azure-storage-conn", category: "azure", weight: 2.5, value: (r) => `DefaultEndpointsProtocol=https;AccountName=${r.str(10, LOWER)};AccountKey=${r.str(86, B64)}==;EndpointSuffix=core.windows.net`, names: [["azure", "storage", "connection", "string"], ["storage", "connection", "string"], ["azure", "web", "jobs", "storage"]], sdk: { py: ["blob = BlobServiceClient.from_connection_string(\"$\")"] } });
P({ id: "azure-storage-key", category: "azure", weight: 1.5, value: (r) => `${r.str(86, B64)}==`, names: [["azure", "storage", "key"], ["storage", "account", "key"], ["azure", "storage", "account", "key"], ["account", "key"]], sdk: { py: ["client = BlobServiceClient(account_url=URL, credential=\"$\")"] } });
P({ id: "azure-ad-client-secret", category: "azure", weight: 2, value: (r) => `${r.str(3, ALNUM + "_~.")}${r.int(7, 8)}Q~${r.str(r.int(31, 34), ALNUM + "_~.-")}`.replace(/[.~-]$/, "x"), names: [["azure", "client", "secret"], ["client", "secret"], ["aad", "client", "secret"], ["arm", "client", "secret"]], sdk: { py: ["credential = ClientSecretCredential(TENANT_ID, CLIENT_ID, \"$\")"] } });
P({ id: "azure-openai-key", category: "azure", weight: 2, value: (r) => r.str(32, HEX), names: [["azure", "openai", "api", "key"], ["azure", "openai", "key"], ["aoai", "key"]], sdk: { py: ["client = AzureOpenAI(api_key=\"$\", azure_endpoint=ENDPOINT, api_version=\"2024-02-01\")"] }, cli: ["curl \"$ENDPOINT/openai/deployments/gpt4o/chat/completions?api-version=2024-02-01\" -H \"api-key: $\""] });
P({ id: "azure-service-bus", category: "azure", weight: 1, value: (r) => `Endpoint=sb://${r.str(8, LOWER)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${r.str(43, B64)}=`, names: [["service", "bus", "connection", "string"], ["event", "hub", "connection"]] });
P({ id: "azure-sas", category: "azure", weight: 1, value: (r) => `https://${r.str(10, LOWER)}.blob.core.windows.net/data/export.csv?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=${encodeURIComponent(r.str(43, B64) + "=")}`, names: [["blob", "sas", "url"], ["export", "url"]] });
P({ id: "gcp-api-key", category: "gcp", weight: 4, value: (r) => `AIza${r.pick(["Sy", "Sy", "Sz"])}${r.str(33, URLSAFE)}`, names: [["google", "api", "key"], ["gemini", "api", "key"], ["maps", "api", "key"], ["firebase", "api", "key"]], sdk: { py: ["genai.configure(api_key=\"$\")"], js: ["const genAI = new GoogleGenerativeAI(\"$\");"] }, url: ["https://maps.googleapis.com/maps/api/geocode/json?address=Boston&key=$", "https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:generateContent?key=$"] });
P({ id: "gcp-service-account", category: "gcp", weight: 3, value: (r) => r.str(40, HEX), names: [["google", "credentials"], ["gcp", "sa", "key"]], serviceAccount: true });
P({ id: "gcp-oauth-secret", category: "gcp", weight: 1, value: (r) => `GOCSPX-${r.str(28, URLSAFE)}`, names: [["google", "client", "secret"], ["client", "secret"], ["oauth", "client", "secret"]] });

// --- Code hosting
P({ id: "github-classic", category: "github", weight: 4, value: (r) => `${r.pick(["ghp", "ghp", "gho", "ghs", "ghu"])}_${r.str(36, ALNUM)}`, names: [["github", "token"], ["gh", "token"], ["github", "pat"], ["git", "token"]], header: "token", sdk: { py: ["g = Github(\"$\")"], js: ["const octokit = new Octokit({ auth: \"$\" });"] }, url: ["https://x-access-token:$@github.com/acme/etl.git", "https://$@github.com/acme/models.git"], cli: ["git clone https://oauth2:$@github.com/acme/pipeline.git"] });
P({ id: "github-fine-grained", category: "github", weight: 2, value: (r) => `github_pat_${r.str(22, ALNUM)}_${r.str(59, ALNUM)}`, names: [["github", "token"], ["gh", "pat"]], header: "Bearer" });
P({ id: "gitlab-pat", category: "gitlab", weight: 2, value: (r) => `glpat-${r.str(20, URLSAFE)}`, names: [["gitlab", "token"], ["gl", "token"], ["ci", "job", "token"]], header: "Bearer", cli: ["curl --header \"PRIVATE-TOKEN: $\" https://gitlab.example.com/api/v4/projects"] });
P({ id: "gitlab-routable", category: "gitlab", weight: 1, value: (r) => `glpat-${r.str(r.int(27, 40), URLSAFE)}.01.${r.str(7, BASE36)}`, names: [["gitlab", "token"]], header: "Bearer" });
P({ id: "gitlab-other", category: "gitlab", weight: 1, value: (r) => r.pick([() => `gldt-${r.str(20, URLSAFE)}`, () => `glrt-${r.str(20, URLSAFE)}`, () => `glptt-${r.str(40, HEX)}`, () => `GR1348941${r.str(20, URLSAFE)}`])(), names: [["gitlab", "runner", "token"], ["deploy", "token"], ["trigger", "token"]] });
P({ id: "npm-token", category: "npm", weight: 2, value: (r) => `npm_${r.str(36, ALNUM)}`, names: [["npm", "token"], ["npm", "auth", "token"], ["node", "auth", "token"]], cli: ["npm config set //registry.npmjs.org/:_authToken $"] });
P({ id: "pypi-token", category: "pypi", weight: 1.5, value: (r) => `pypi-AgEIcHlwaS5vcmc${r.str(r.int(60, 160), URLSAFE)}`, names: [["pypi", "token"], ["twine", "password"], ["uv", "publish", "token"]], cli: ["twine upload -u __token__ -p $ dist/*"] });

// --- Messaging, payments, observability, other SaaS
P({ id: "slack-bot", category: "slack", weight: 2.5, value: (r) => `xoxb-${r.str(r.int(10, 13), DIGITS)}-${r.str(r.int(10, 13), DIGITS)}-${r.str(24, ALNUM)}`, names: [["slack", "bot", "token"], ["slack", "token"]], header: "Bearer", sdk: { py: ["client = WebClient(token=\"$\")"], js: ["const web = new WebClient(\"$\");"] } });
P({ id: "slack-user-app", category: "slack", weight: 1, value: (r) => r.chance(0.5) ? `xoxp-${r.str(11, DIGITS)}-${r.str(12, DIGITS)}-${r.str(13, DIGITS)}-${r.str(32, HEX)}` : `xapp-1-A${r.str(10, UPPER + DIGITS)}-${r.str(13, DIGITS)}-${r.str(64, HEX)}`, names: [["slack", "user", "token"], ["slack", "app", "token"]] });
P({ id: "slack-webhook", category: "slack", weight: 2, value: (r) => `https://hooks.slack.com/services/T${r.str(r.int(8, 10), UPPER + DIGITS)}/B${r.str(r.int(8, 10), UPPER + DIGITS)}/${r.str(24, ALNUM)}`, names: [["slack", "webhook", "url"], ["slack", "webhook"], ["alert", "webhook"]] });
P({ id: "stripe", category: "stripe", weight: 3, value: (r) => `${r.pick(["sk_live", "sk_live", "rk_live", "sk_test"])}_${r.pick(["51", ""])}${r.str(r.pick([24, 97]), ALNUM)}`, names: [["stripe", "secret", "key"], ["stripe", "api", "key"], ["stripe", "key"]], header: "Bearer", sdk: { py: ["stripe.api_key = \"$\""], js: ["const stripe = require(\"stripe\")(\"$\");"] }, cli: ["curl https://api.stripe.com/v1/charges -u $:"] });
P({ id: "twilio-api-key", category: "twilio", weight: 1, value: (r) => `SK${r.str(32, HEX)}`, names: [["twilio", "api", "key"], ["twilio", "api", "key", "sid"]] });
P({ id: "twilio-auth-token", category: "twilio", weight: 1.5, value: (r) => r.str(32, HEX), names: [["twilio", "auth", "token"], ["twilio", "token"], ["auth", "token"]], sdk: { py: [`client = Client("AC${"0123456789abcdef".repeat(2)}", "$")`] } });
P({ id: "sendgrid", category: "sendgrid", weight: 2, value: (r) => `SG.${r.str(22, URLSAFE)}.${r.str(43, URLSAFE)}`, names: [["sendgrid", "api", "key"], ["email", "api", "key"], ["smtp", "password"]], header: "Bearer", sdk: { py: ["sg = SendGridAPIClient(\"$\")"], js: ["sgMail.setApiKey(\"$\");"] } });
P({ id: "mailgun", category: "mailgun", weight: 1.5, value: (r) => r.chance(0.5) ? `key-${r.str(32, HEX)}` : `${r.str(32, HEX)}-${r.str(8, HEX)}-${r.str(8, HEX)}`, names: [["mailgun", "api", "key"], ["mailgun", "key"], ["mg", "api", "key"]], cli: ["curl -s --user 'api:$' https://api.mailgun.net/v3/mg.acme.io/messages -F to=ops@acme.io"] });
P({ id: "databricks", category: "databricks", weight: 2, value: (r) => `dapi${r.str(32, HEX)}${r.chance(0.3) ? "-2" : ""}`, names: [["databricks", "token"], ["dbx", "token"], ["token"]], header: "Bearer" });
P({ id: "heroku", category: "heroku", weight: 1.5, value: (r) => r.chance(0.6) ? uuid(r) : `HRKU-AA${r.str(58, URLSAFE)}`, names: [["heroku", "api", "key"], ["heroku", "key"], ["heroku", "auth", "token"]] });
P({ id: "datadog", category: "datadog", weight: 2, value: (r) => r.str(r.pick([32, 40]), HEX), names: [["dd", "api", "key"], ["datadog", "api", "key"], ["dd", "app", "key"], ["datadog", "app", "key"]], sdk: { py: ["initialize(api_key=\"$\", app_key=APP_KEY)"] } });
P({ id: "sentry-dsn", category: "sentry", weight: 1.5, value: (r) => r.chance(0.75) ? `https://${r.str(32, HEX)}@o${r.int(100000, 4999999)}.ingest.${r.pick(["", "us.", "de."])}sentry.io/${r.int(1000000, 9999999)}` : `https://${r.str(32, HEX)}:${r.str(32, HEX)}@sentry.io/${r.int(100, 999999)}`, names: [["sentry", "dsn"], ["dsn"]], sdk: { py: ["sentry_sdk.init(dsn=\"$\", traces_sample_rate=0.1)"], js: ["Sentry.init({ dsn: \"$\" });"] } });
P({ id: "sentry-token", category: "sentry", weight: 1, value: (r) => r.chance(0.6) ? `sntryu_${r.str(64, HEX)}` : `sntrys_${b64(JSON.stringify({ iat: 1_700_000_000 + r.int(0, 9e7), url: "https://sentry.io", region_url: "https://us.sentry.io", org: r.str(8, LOWER) })).replace(/=+$/, "")}_${r.str(43, B64)}`, names: [["sentry", "auth", "token"]], cli: ["sentry-cli --auth-token $ releases new v1.4.2"] });
P({ id: "shopify", category: "saas", weight: 0.6, value: (r) => `${r.pick(["shpat", "shpca", "shppa", "shpss"])}_${r.str(32, HEX)}`, names: [["shopify", "access", "token"]] });
P({ id: "linear", category: "saas", weight: 0.4, value: (r) => `lin_api_${r.str(40, ALNUM)}`, names: [["linear", "api", "key"]] });
P({ id: "postman", category: "saas", weight: 0.4, value: (r) => `PMAK-${r.str(24, HEX)}-${r.str(34, HEX)}`, names: [["postman", "api", "key"]] });
P({ id: "newrelic", category: "saas", weight: 0.5, value: (r) => `NRAK-${r.str(27, UPPER + DIGITS)}`, names: [["new", "relic", "api", "key"], ["newrelic", "user", "key"]] });
P({ id: "digitalocean", category: "saas", weight: 0.5, value: (r) => `${r.pick(["dop", "doo", "dor"])}_v1_${r.str(64, HEX)}`, names: [["digitalocean", "token"], ["do", "token"]] });
P({ id: "grafana", category: "saas", weight: 0.5, value: (r) => r.chance(0.5) ? `glsa_${r.str(32, ALNUM)}_${r.str(8, HEX)}` : `glc_${b64(JSON.stringify({ o: String(r.int(100000, 999999)), n: "stack-" + r.str(6, DIGITS) + "-hm-read", k: r.str(24, ALNUM), m: { r: "prod-us-east-0" } })).replace(/=+$/, "")}`, names: [["grafana", "token"], ["grafana", "api", "key"]] });
P({ id: "vault", category: "saas", weight: 0.5, value: (r) => `hvs.${r.str(r.int(90, 110), URLSAFE)}`, names: [["vault", "token"]], cli: ["vault login $"] });
P({ id: "pulumi", category: "saas", weight: 0.3, value: (r) => `pul-${r.str(40, HEX)}`, names: [["pulumi", "access", "token"]] });
P({ id: "doppler", category: "saas", weight: 0.3, value: (r) => `dp.pt.${r.str(43, ALNUM)}`, names: [["doppler", "token"]] });
P({ id: "notion", category: "saas", weight: 0.4, value: (r) => `ntn_${r.str(11, DIGITS)}${r.str(35, ALNUM)}`, names: [["notion", "api", "key"], ["notion", "token"]] });
P({ id: "telegram", category: "saas", weight: 0.4, value: (r) => `${r.int(100000000, 9999999999)}:AA${r.str(33, URLSAFE)}`, names: [["telegram", "bot", "token"], ["tg", "bot", "token"]] });
P({ id: "sendinblue", category: "saas", weight: 0.3, value: (r) => `xkeysib-${r.str(64, HEX)}-${r.str(16, ALNUM)}`, names: [["brevo", "api", "key"], ["sendinblue", "api", "key"]] });
P({ id: "age", category: "saas", weight: 0.2, value: (r) => `AGE-SECRET-KEY-1${r.str(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L")}`, names: [["age", "key"], ["sops", "age", "key"]] });

// --- Keys, tokens, credentials
for (const t of ["rsa", "pkcs8", "ec", "openssh", "pgp", "encrypted"] as const) {
  P({ id: `private-key-${t}`, category: "private-key", weight: t === "rsa" || t === "openssh" || t === "pkcs8" ? 1.5 : 0.6, value: (r) => pemLines(r, t).join("\n"), names: [["private", "key"], ["ssh", "private", "key"], ["signing", "key"], ["tls", "key"]], pem: true });
}
P({ id: "jwt", category: "jwt", weight: 4, value: jwt, names: [["supabase", "service", "role", "key"], ["access", "token"], ["jwt", "token"], ["api", "token"], ["auth", "token"]], header: "Bearer", url: ["https://api.acme-health.com/v2/export?access_token=$", "wss://stream.acme-health.com/feed?token=$"] });
P({ id: "url-password", category: "connection-string", weight: 5, value: (r) => {
  const pw = password(r, true);
  const user = r.pick(["app", "etl_user", "admin", "postgres", "svc_reporting", "root", "analytics"]);
  return r.pick([
    `postgresql://${user}:${pw}@db.prod.internal:5432/clinical`,
    `postgres://${user}:${pw}@${r.str(8, LOWER)}.${r.str(12, LOWER)}.us-east-1.rds.amazonaws.com:5432/app`,
    `mysql+pymysql://${user}:${pw}@mysql.acme-health.com:3306/warehouse`,
    `mongodb+srv://${user}:${pw}@cluster0.${r.str(5, BASE36)}.mongodb.net/patients?retryWrites=true&w=majority`,
    `redis://:${pw}@cache.internal:6379/0`,
    `rediss://default:${pw}@${r.str(10, LOWER)}.upstash.io:6379`,
    `amqp://${user}:${pw}@rabbitmq.internal:5672/`,
    `mssql+pyodbc://${user}:${pw}@sqlsrv.acme.local/claims?driver=ODBC+Driver+18+for+SQL+Server`,
  ]);
}, names: [["database", "url"], ["db", "url"], ["sqlalchemy", "database", "uri"], ["mongo", "uri"], ["redis", "url"], ["broker", "url"]], sdk: { py: ["engine = create_engine(\"$\")"], js: ["await mongoose.connect(\"$\");"], r: ["con <- dbConnect(RPostgres::Postgres(), dbname = \"$\")"] } });
P({ id: "jdbc-ado-password", category: "connection-string", weight: 2, value: (r) => {
  const pw = password(r, true);
  return r.pick([
    `jdbc:postgresql://db.internal:5432/app?user=app&password=${pw}`,
    `jdbc:mysql://mysql.internal:3306/emr?user=etl&password=${pw}&useSSL=true`,
    `Server=tcp:${r.str(8, LOWER)}.database.windows.net,1433;Initial Catalog=claims;User ID=etl;Password=${pw};Encrypt=True;`,
    `Host=pg.internal;Database=app;Username=app;Password=${pw}`,
    `Driver={ODBC Driver 18 for SQL Server};Server=sql01;Database=ehr;Uid=reporter;Pwd=${pw};`,
  ]);
}, names: [["connection", "string"], ["jdbc", "url"], ["db", "connection"], ["datasource", "url"]] });
P({ id: "bearer-opaque", category: "auth-header", weight: 3, only: "header", value: (r) => r.pick([() => r.str(r.int(32, 64), ALNUM), () => r.str(40, HEX), () => r.str(r.int(40, 60), URLSAFE)])(), names: [["api", "token"]], header: "Bearer" });
P({ id: "basic-auth", category: "auth-header", weight: 1.5, only: "header", value: (r) => b64(`${r.pick(["admin", "svc-etl", "api", "jenkins"])}:${password(r)}`), names: [["basic", "auth"]], header: "Basic" });
P({ id: "api-key-header", category: "auth-header", weight: 1.5, only: "header", value: (r) => r.pick([() => r.str(32, ALNUM), () => uuid(r), () => r.str(40, HEX)])(), names: [["x", "api", "key"]], header: "X-API-Key" });
P({ id: "curl-user", category: "auth-header", weight: 1, only: "cli", value: (r) => password(r), names: [["password"]], cli: ["curl -u admin:$ https://jenkins.internal/api/json", "curl --user \"svc-etl:$\" https://nexus.internal/repository/raw/"] });

// Generic names with high-entropy values (gitleaks' generic-api-key territory).
P({ id: "generic-api-key", category: "generic", weight: 18, value: (r) => r.pick([() => r.str(r.int(24, 48), ALNUM), () => r.str(32, HEX), () => r.str(r.int(32, 44), URLSAFE), () => uuid(r)])(), names: [["api", "key"], ["apikey"], ["service", "api", "key"], ["weather", "api", "key"], ["mapbox", "token"], ["secret", "token"], ["access", "token"], ["app", "secret"], ["client", "secret"], ["auth", "token"], ["private", "token"], ["webhook", "secret"], ["signing", "secret"], ["encryption", "key"], ["secret", "key", "base"], ["jwt", "secret"], ["session", "secret"], ["django", "secret", "key"]], header: "Bearer", sdk: { py: ["client = Client(api_key=\"$\")"], js: ["const client = createClient({ apiKey: \"$\" });"], r: ["set_api_key(\"$\")"] } });
P({ id: "generic-password", category: "generic", weight: 18, value: (r) => password(r), names: [["password"], ["db", "password"], ["database", "password"], ["postgres", "password"], ["mysql", "root", "password"], ["smtp", "password"], ["admin", "password"], ["redis", "password"], ["passwd"], ["pwd"], ["keystore", "password"], ["ldap", "bind", "password"]], sdk: { py: ["conn = psycopg2.connect(host=\"db.internal\", user=\"etl\", password=\"$\")", "server.login(\"alerts@acme-health.com\", \"$\")", "resp = requests.get(url, auth=(\"svc-etl\", \"$\"))"], js: ["const pool = mysql.createPool({ host: \"db\", user: \"app\", password: \"$\" });"], r: ["con <- dbConnect(RPostgres::Postgres(), host = \"db\", user = \"etl\", password = \"$\")"] }, cli: ["mysql -h db.internal -u root -p$ warehouse", "psql \"host=db.internal user=etl password=$ dbname=app\"", "docker login -u deploy -p $ registry.acme.io"] });

// --- Negatives
const placeholderValues = ["your-api-key-here", "<YOUR_API_KEY>", "<TOKEN>", "${API_KEY}", "${{ secrets.API_TOKEN }}", "{{ .Values.apiKey }}", "changeme", "REPLACE_ME", "********", "xxxxxxxxxxxxxxxx", "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "sk-...", "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "insert-your-token", "TODO", "dummy", "$DB_PASSWORD", "%(password)s", "{password}", "<password>", "your_password", "example-secret", "AKIAXXXXXXXXXXXXXXXX", "xoxb-your-bot-token", "hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "password", "secret", "PLACEHOLDER", "none", "null", "fake-token-for-tests", "test"];
N({ id: "placeholder", category: "placeholder", weight: 6, value: (r) => r.pick(placeholderValues), names: [["api", "key"], ["openai", "api", "key"], ["password"], ["db", "password"], ["token"], ["github", "token"], ["client", "secret"], ["secret", "key"], ["aws", "secret", "access", "key"], ["slack", "bot", "token"], ["hf", "token"]], header: "Bearer" });
N({ id: "aws-docs-example-id", category: "placeholder", weight: 0.5, value: () => ["AKIA", "IOSFODNN7", "EXAMPLE"].join(""), names: [["aws", "access", "key", "id"], ["access", "key", "id"]] });
N({ id: "aws-docs-example-secret", category: "placeholder", weight: 0.5, value: () => ["wJalrXUtnFEMI", "/K7MDENG/bPxRfiCY", "EXAMPLEKEY"].join(""), names: [["aws", "secret", "access", "key"], ["secret", "access", "key"]] });
const envExpr = (w: Words) => w.join("_").toUpperCase();
N({ id: "env-lookup", category: "env-lookup", weight: 5, value: () => "", names: [["api", "key"], ["openai", "api", "key"], ["db", "password"], ["github", "token"], ["secret", "key"], ["aws", "secret", "access", "key"], ["stripe", "secret", "key"]], expr: {
  py: (w, r) => r.pick([`${w.join("_")} = os.environ["${envExpr(w)}"]`, `${w.join("_")} = os.getenv("${envExpr(w)}")`, `${w.join("_")} = os.environ.get("${envExpr(w)}", "")`, `client = OpenAI(api_key=os.environ["${envExpr(w)}"])`]),
  js: (w) => `const ${camelOf(w)} = process.env.${envExpr(w)};`,
  ts: (w) => `const ${camelOf(w)}: string = process.env.${envExpr(w)} ?? "";`,
  r: (w) => `${w.join("_")} <- Sys.getenv("${envExpr(w)}")`,
  ipynb: (w) => `${w.join("_")} = os.environ["${envExpr(w)}"]`,
  yaml: (w, r) => r.pick([`${w.join("_")}: \${${envExpr(w)}}`, `${w.join("_")}: "{{ env \\"${envExpr(w)}\\" }}"`, `  ${envExpr(w)}: \${{ secrets.${envExpr(w)} }}`]),
  env: (w) => `${envExpr(w)}=\${${envExpr(w)}_FROM_VAULT}`,
  json: (w) => `  "${w.join("_")}": "\${${envExpr(w)}}",`,
  toml: (w) => `${w.join("_")} = "\${${envExpr(w)}}"`,
  ini: (w) => `${w.join("_")} = %(${envExpr(w)})s`,
  properties: (w) => `app.${w.join(".")}=\${${envExpr(w)}}`,
  tf: (w) => `  ${w.join("_")} = var.${w.join("_")}`,
  sh: (w) => `export ${envExpr(w)}="$(vault kv get -field=value secret/${w.join("-")})"`,
  dockerfile: (w) => `ENV ${envExpr(w)}=\${${envExpr(w)}}`,
  xml: (w) => `  <${camelOf(w)}>\${env.${envExpr(w)}}</${camelOf(w)}>`,
  md: (w) => `Set \`${envExpr(w)}\` in your shell (\`export ${envExpr(w)}=...\`) before running.`,
  go: (w) => `\t${camelOf(w)} := os.Getenv("${envExpr(w)}")`,
  java: (w) => `        String ${camelOf(w)} = System.getenv("${envExpr(w)}");`,
  cs: (w) => `        var ${camelOf(w)} = Environment.GetEnvironmentVariable("${envExpr(w)}");`,
  kt: (w) => `val ${camelOf(w)} = System.getenv("${envExpr(w)}")`,
  php: (w) => `$${camelOf(w)} = getenv('${envExpr(w)}');`,
  rb: (w) => `  config.${w.join("_")} = ENV.fetch('${envExpr(w)}')`,
  make: (w) => `${envExpr(w)} ?= $(shell vault kv get -field=value secret/${w.join("-")})`,
  ps1: (w) => `$${camelOf(w)} = $env:${envExpr(w)}`,
} });
N({ id: "digest", category: "hash", weight: 4, value: (r) => r.pick([() => r.str(64, HEX), () => r.str(40, HEX), () => r.str(32, HEX), () => `sha256:${r.str(64, HEX)}`])(), names: [["sha256"], ["checksum"], ["digest"], ["etag"], ["content", "hash"], ["file", "hash"], ["md5"], ["sha1"], ["expected", "sha256"], ["image", "digest"]] });
N({ id: "uuid", category: "uuid", weight: 3, value: uuid, names: [["request", "id"], ["tenant", "id"], ["subscription", "id"], ["client", "id"], ["project", "id"], ["workspace", "id"], ["trace", "id"], ["user", "id"], ["correlation", "id"], ["dataset", "id"]] });
N({ id: "git-sha", category: "git-hash", weight: 2.5, value: (r) => r.str(40, HEX), names: [["rev"], ["commit"], ["git", "sha"], ["ref"], ["revision"], ["base", "commit"]], cli: ["git checkout $", "git cherry-pick $", "pip install git+https://github.com/acme/tools.git@$"] });
N({ id: "test-vector", category: "test-vector", weight: 2, value: (r) => r.pick([() => r.str(64, HEX), () => r.str(128, HEX), () => b64(r.str(32, ALNUM)), () => "000102030405060708090a0b0c0d0e0f"])(), names: [["expected"], ["expected", "digest"], ["want"], ["expected", "mac"], ["known", "answer"], ["vector", "output"], ["ciphertext"], ["nonce"], ["iv"]] });
N({ id: "base64-image", category: "base64-image", weight: 1.5, value: (r) => `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${r.str(r.int(120, 600), B64)}=`, names: [["logo"], ["icon"], ["placeholder", "image"], ["avatar"]] });
N({ id: "stripe-publishable", category: "public", weight: 0.5, value: (r) => `pk_live_${r.str(24, ALNUM)}`, names: [["stripe", "publishable", "key"], ["stripe", "public", "key"]] });
N({ id: "google-client-id", category: "public", weight: 0.5, value: (r) => `${r.str(12, DIGITS)}-${r.str(32, BASE36)}.apps.googleusercontent.com`, names: [["google", "client", "id"], ["oauth", "client", "id"]] });
N({ id: "ssh-public-key", category: "public", weight: 0.5, value: (r) => r.chance(0.5) ? `ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI${r.str(43, B64)} deploy@ci` : `ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ${r.str(300, B64)} ops@bastion`, names: [["deploy", "public", "key"], ["ssh", "public", "key"], ["authorized", "key"]] });
N({ id: "secret-reference", category: "public", weight: 0.5, value: (r) => r.chance(0.5) ? `arn:aws:secretsmanager:us-east-1:${r.str(12, DIGITS)}:secret:prod/db-credentials-${r.str(6, ALNUM)}` : `projects/${r.str(8, LOWER)}-prod/secrets/db-password/versions/latest`, names: [["secret", "arn"], ["secret", "name"], ["db", "password", "secret", "id"]] });
N({ id: "identifier", category: "identifier", weight: 2, value: (r) => r.pick(["Bearer", "prod/app/db-credentials", "2024-02-15-preview", "keys/service-account.json", "argon2id", "sentence-transformers/all-MiniLM-L6-v2", "client_credentials", "X-API-Key", "AWS4-HMAC-SHA256", "HS256", "bert-base-uncased", "OPENAI_API_KEY", "kv-prod-eastus2", "/etc/ssl/private/server.key", "refresh_token", "urn:ietf:params:oauth:grant-type:jwt-bearer"]), names: [["token", "type"], ["secret", "name"], ["api", "version"], ["key", "file"], ["password", "hash", "algorithm"], ["tokenizer", "name"], ["auth", "method"], ["api", "key", "header"], ["signing", "algorithm"], ["jwt", "algorithm"], ["secret", "env", "var"], ["key", "vault", "name"], ["private", "key", "path"], ["grant", "type"]] });
N({ id: "public-key-block", category: "public", weight: 0.7, value: (r) => [PEM("PUBLIC KEY"), ...(("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + r.str(64 * 5 - 44, B64)).match(/.{1,64}/g) ?? []), "IDAQAB", PEM("PUBLIC KEY", true)].join("\n"), names: [["public", "key"], ["jwt", "public", "key"]], pem: true });
N({ id: "certificate", category: "public", weight: 0.7, value: (r) => [PEM("CERTIFICATE"), ...(("MIIDdzCCAl+gAwIBAgIE" + r.str(64 * 8 - 20, B64)).match(/.{1,64}/g) ?? []), PEM("CERTIFICATE", true)].join("\n"), names: [["ca", "cert"], ["tls", "cert"]], pem: true });

// ---------------------------------------------------------------------------------------------
// Hosts: file kinds, their filler and the contexts a value can sit in.

type HostType = "py" | "js" | "ts" | "r" | "ipynb" | "yaml" | "env" | "json" | "toml" | "ini" | "properties" | "tf" | "sh" | "dockerfile" | "xml" | "md"
  // Held out: written after the rules were tuned on the hosts above, and scored separately.
  | "go" | "java" | "cs" | "kt" | "php" | "rb" | "make" | "csv" | "logstash" | "sql" | "ps1" | "gradle"
  // Fresh: written after the held-out round was tuned on, measured and never tuned on.
  | "rs" | "swift" | "scala" | "lua" | "pl" | "nginx" | "http" | "html" | "c" | "jenkins" | "envc" | "yamlc" | "urlq"
  // Env fallbacks: a literal default after an environment lookup (QA's recall finding), in files of their own.
  | "pyfb" | "tsfb" | "rfb" | "rbfb" | "phpfb" | "shfb" | "javafb" | "ktfb" | "csfb" | "rsfb";
const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const UP = (w: Words) => w.join("_").toUpperCase();
const snake = (w: Words) => w.join("_");
function camelOf(w: Words): string {
  return w[0] + w.slice(1).map(cap).join("");
}
const pascal = (w: Words) => w.map(cap).join("");
const kebab = (w: Words) => w.join("-");
const dotted = (w: Words) => w.join(".");

interface Block {
  lines: string[];
  /** Index of the first and last line holding the secret. */
  span: [number, number];
  context: string;
}
type Ctx = (v: string, w: Words, k: Kind, r: Rng) => Block | null;
const one = (context: string, line: string): Block => ({ lines: [line], span: [0, 0], context });
const at = (context: string, lines: string[], i: number): Block => ({ lines, span: [i, i], context });
const sub = (tpl: string, v: string) => tpl.split("$").join(v);

const sdkCtx = (lang: "py" | "js" | "r"): Ctx => (v, _w, k, r) => (k.sdk?.[lang]?.length ? one(`${lang}-sdk`, sub(r.pick(k.sdk[lang]!), v)) : null);
const headerValue = (k: Kind, v: string) => (k.header === "X-API-Key" ? null : `${k.header} ${v}`);
const headerName = (k: Kind) => (k.header === "X-API-Key" ? "X-API-Key" : "Authorization");
const headerText = (k: Kind, v: string) => (k.header === "X-API-Key" ? v : `${k.header} ${v}`);

const pyContexts: Ctx[] = [
  (v, w) => one("py-assign", `${UP(w)} = "${v}"`),
  (v, w) => one("py-assign-single", `${snake(w)} = '${v}'`),
  (v, w) => one("py-environ", `os.environ["${UP(w)}"] = "${v}"`),
  (v, w) => at("py-dict", ["settings = {", '    "timeout": 30,', `    "${snake(w)}": "${v}",`, "}"], 2),
  sdkCtx("py"),
  (v, w) => one("py-comment", `# ${UP(w)}=${v}`),
  (v, _w, k) => (k.header ? one("py-header", `headers = {"${headerName(k)}": "${headerText(k, v)}"}`) : null),
  (v, w) => at("py-settings-class", ["class Settings(BaseSettings):", `    ${snake(w)}: str = "${v}"`], 1),
  (v, w) => one("py-default-arg", `def connect(host="db.internal", ${snake(w)}="${v}"):`),
  (v, _w, k, r) => (k.url ? one("py-url", `resp = requests.get("${sub(r.pick(k.url), v)}", timeout=10)`) : null),
];
const jsContexts = (ts: boolean): Ctx[] => [
  (v, w) => one("js-const", `const ${UP(w)} = "${v}";`),
  (v, w) => one("js-export", ts ? `export const ${camelOf(w)}: string = '${v}';` : `export const ${camelOf(w)} = '${v}';`),
  (v, w) => one("js-env", `process.env.${UP(w)} = "${v}";`),
  (v, w) => at("js-object", ["const config = {", '  region: "us-east-1",', `  ${camelOf(w)}: "${v}",`, "};"], 2),
  sdkCtx("js"),
  (v, w) => one("js-comment", `// ${camelOf(w)}: "${v}"`),
  (v, _w, k) => (k.header ? at("js-fetch-header", ["const res = await fetch(url, {", `  headers: { ${headerName(k) === "Authorization" ? "Authorization" : `"${headerName(k)}"`}: \`${headerText(k, v)}\` },`, "});"], 1) : null),
  (v, _w, k, r) => (k.url ? one("js-url", `const res = await fetch("${sub(r.pick(k.url), v)}");`) : null),
];
const rContexts: Ctx[] = [
  (v, w) => one("r-setenv", `Sys.setenv(${UP(w)} = "${v}")`),
  (v, w) => one("r-arrow", `${snake(w)} <- "${v}"`),
  (v, w) => one("r-equals", `${snake(w)} = '${v}'`),
  sdkCtx("r"),
  (v, _w, k) => (k.header ? one("r-header", `req <- request(base_url) |> req_headers(${headerName(k) === "Authorization" ? "Authorization" : "`X-API-Key`"} = "${headerText(k, v)}")`) : null),
  (v, w) => at("r-list", ["config <- list(", '  host = "db.internal",', `  ${snake(w)} = "${v}"`, ")"], 2),
];
const parents = ["database", "auth", "service", "integrations", "production", "default", "api", "credentials"];
const yamlContexts: Ctx[] = [
  (v, w) => one("yaml-plain", `${snake(w)}: ${v}`),
  (v, w) => one("yaml-double", `${snake(w)}: "${v}"`),
  (v, w, _k, r) => at("yaml-nested", [`${r.pick(parents)}:`, `  ${snake(w)}: '${v}'`], 1),
  (v, w) => at("yaml-k8s-env", ["        - name: " + UP(w), `          value: "${v}"`], 1),
  (v, w) => at("yaml-compose-env", ["    environment:", `      - ${UP(w)}=${v}`], 1),
  (v, w) => at("yaml-literal", [`${snake(w)}: |`, `  ${v}`], 1),
  (v, _w, k) => (k.header ? at("yaml-header", ["headers:", `  ${headerName(k)}: "${headerText(k, v)}"`], 1) : null),
  (v, w) => at("yaml-actions-env", ["    env:", `      ${UP(w)}: ${v}`], 1),
];
const envContexts: Ctx[] = [
  (v, w) => one("env-plain", `${UP(w)}=${v}`),
  (v, w) => one("env-double", `${UP(w)}="${v}"`),
  (v, w) => one("env-export", `export ${UP(w)}=${v}`),
  (v, w) => one("env-single", `${UP(w)}='${v}'`),
];
const jsonContexts: Ctx[] = [
  (v, w) => one("json-snake", `  "${snake(w)}": "${v}",`),
  (v, w) => one("json-camel", `  "${camelOf(w)}": "${v}",`),
  (v, w, _k, r) => at("json-nested", [`  "${r.pick(parents)}": {`, `    "${camelOf(w)}": "${v}"`, "  },"], 1),
  (v, w) => at("json-env", ['    "env": {', `      "${UP(w)}": "${v}"`, "    },"], 1),
  (v, _w, k) => (k.header ? at("json-header", ['  "headers": {', `    "${headerName(k)}": "${headerText(k, v)}"`, "  },"], 1) : null),
];
const tomlContexts: Ctx[] = [
  (v, w) => one("toml-assign", `${snake(w)} = "${v}"`),
  (v, w) => one("toml-single", `${snake(w)} = '${v}'`),
  (v, w, _k, r) => at("toml-section", [`[${r.pick(parents)}]`, `${snake(w)} = "${v}"`], 1),
  (v, w) => one("toml-upper", `${UP(w)} = "${v}"`),
];
const iniContexts: Ctx[] = [
  (v, w) => one("ini-spaced", `${snake(w)} = ${v}`),
  (v, w) => one("ini-tight", `${snake(w)}=${v}`),
  (v, w) => one("ini-colon", `${snake(w)}: ${v}`),
  (v, w, _k, r) => at("ini-section", [`[${r.pick(parents)}]`, `${snake(w)} = ${v}`], 1),
];
const propertiesContexts: Ctx[] = [
  (v, w) => one("properties-dotted", `${dotted(w)}=${v}`),
  (v, w, _k, r) => one("properties-prefixed", `${r.pick(["app", "spring.datasource", "service"])}.${kebab(w)}=${v}`),
  (v, w) => one("properties-spaced", `${dotted(w)} = ${v}`),
];
const tfContexts: Ctx[] = [
  (v, w, _k, r) => at("tf-block", [`provider "${r.pick(["aws", "azurerm", "datadog", "github", "postgresql"])}" {`, `  ${snake(w)} = "${v}"`, "}"], 1),
  (v, w) => at("tf-variable-default", [`variable "${snake(w)}" {`, "  type    = string", `  default = "${v}"`, "}"], 2),
  (v, w) => one("tf-tfvars", `${snake(w)} = "${v}"`),
  (v, w) => at("tf-env-map", ["  environment_variables = {", `    ${UP(w)} = "${v}"`, "  }"], 1),
];
const shContexts: Ctx[] = [
  (v, w) => one("sh-export", `export ${UP(w)}="${v}"`),
  (v, w) => one("sh-export-bare", `export ${UP(w)}=${v}`),
  (v, w) => one("sh-inline-env", `${UP(w)}=${v} python train.py --epochs 3`),
  (v, w) => one("sh-flag", `./deploy.sh --${kebab(w)} ${v}`),
  (v, w) => one("sh-flag-equals", `python ingest.py --${kebab(w)}="${v}"`),
  (v, w) => one("sh-docker-env", `docker run --rm -e ${UP(w)}=${v} acme/etl:latest`),
  (v, _w, k) => (k.header ? one("sh-curl-header", `curl -s -H "${headerName(k)}: ${headerText(k, v)}" https://api.acme-health.com/v1/jobs`) : null),
  (v, _w, k) => (k.header ? at("sh-curl-multiline", ["curl -X POST https://api.acme-health.com/v1/jobs \\", '  -H "Content-Type: application/json" \\', `  -H '${headerName(k)}: ${headerText(k, v)}' \\`, "  -d @job.json"], 2) : null),
  (v, _w, k, r) => (k.cli ? one("sh-cli", sub(r.pick(k.cli), v)) : null),
  (v, _w, k, r) => (k.url ? one("sh-url", `wget -q "${sub(r.pick(k.url), v)}" -O out.json`) : null),
];
const dockerContexts: Ctx[] = [
  (v, w) => one("docker-env", `ENV ${UP(w)}=${v}`),
  (v, w) => one("docker-env-space", `ENV ${UP(w)} ${v}`),
  (v, w) => one("docker-arg", `ARG ${UP(w)}=${v}`),
  (v, w) => one("docker-env-quoted", `ENV ${UP(w)}="${v}"`),
  (v, _w, k) => (k.header ? one("docker-run-curl", `RUN curl -fsSL -H "${headerName(k)}: ${headerText(k, v)}" -o /opt/model.bin https://models.acme.io/v3/model.bin`) : null),
  (v, _w, k, r) => (k.cli ? one("docker-run-cli", `RUN ${sub(r.pick(k.cli), v)}`) : null),
];
const xmlContexts: Ctx[] = [
  (v, w) => one("xml-element", `  <${camelOf(w)}>${v}</${camelOf(w)}>`),
  (v, w) => one("xml-add-key", `    <add key="${pascal(w)}" value="${v}" />`),
  (v, w) => one("xml-property", `  <property name="${dotted(w)}" value="${v}"/>`),
  (v, w) => at("xml-element-multiline", [`  <${camelOf(w)}>`, `    ${v}`, `  </${camelOf(w)}>`], 1),
];
const mdContexts: Ctx[] = [
  (v, w) => at("md-fence-bash", ["```bash", `export ${UP(w)}="${v}"`, "```"], 1),
  (v, w) => one("md-inline", `Set \`${UP(w)}\` to \`${v}\` before running the notebook.`),
  (v, w) => at("md-fence-yaml", ["```yaml", `${snake(w)}: ${v}`, "```"], 1),
  (v, _w, k) => (k.header ? at("md-fence-curl", ["```sh", `curl -H "${headerName(k)}: ${headerText(k, v)}" https://api.acme-health.com/v1/me`, "```"], 1) : null),
  (v, w, k, r) => at("md-fence-python", ["```python", k.sdk?.py?.length ? sub(r.pick(k.sdk.py), v) : `${snake(w)} = "${v}"`, "```"], 1),
  (v, _w, k, r) => (k.url ? one("md-url", `The export is at ${sub(r.pick(k.url), v)} (expires Friday).`) : null),
];
// Held-out hosts: gitleaks' other sample contexts (C#, Go, Java, Kotlin, PHP, Make, CSV, logstash)
// and more languages. Not used while tuning the rules; their figure is reported on its own.
const goContexts: Ctx[] = [
  (v, w) => one("go-short", `\t${camelOf(w)} := "${v}"`),
  (v, w) => one("go-var", `var ${pascal(w)} string = "${v}"`),
  (v, w) => one("go-backticks", `\t${camelOf(w)} := \`${v}\``),
  (v, w) => at("go-struct", ["cfg := Config{", '\tRegion: "us-east-1",', `\t${pascal(w)}: "${v}",`, "}"], 2),
  (v, w) => one("go-setenv", `\tos.Setenv("${UP(w)}", "${v}")`),
  (v, _w, k) => (k.header ? one("go-header", `\treq.Header.Set("${headerName(k)}", "${headerText(k, v)}")`) : null),
];
const javaContexts: Ctx[] = [
  (v, w) => one("java-const", `    private static final String ${UP(w)} = "${v}";`),
  (v, w) => one("java-local", `        String ${camelOf(w)} = "${v}";`),
  (v, w) => one("java-props", `        props.setProperty("${dotted(w)}", "${v}");`),
  (v, _w, k) => (k.header ? one("java-header", `        conn.setRequestProperty("${headerName(k)}", "${headerText(k, v)}");`) : null),
  (v) => one("java-jdbc", `        Connection c = DriverManager.getConnection(url, "etl", "${v}");`),
];
const csContexts: Ctx[] = [
  (v, w) => one("cs-string", `        string ${camelOf(w)} = "${v}";`),
  (v, w) => one("cs-const", `        private const string ${pascal(w)} = "${v}";`),
  (v, w) => one("cs-var", `        var ${camelOf(w)} = "${v}";`),
  (v) => one("cs-credential", `        var cred = new NetworkCredential("svc-etl", "${v}");`),
  (v, _w, k) => (k.header ? one("cs-header", `        client.DefaultRequestHeaders.Add("${headerName(k)}", "${headerText(k, v)}");`) : null),
];
const ktContexts: Ctx[] = [
  (v, w) => one("kt-val", `val ${camelOf(w)} = "${v}"`),
  (v, w) => one("kt-const", `const val ${UP(w)} = "${v}"`),
  (v, w) => one("kt-typed", `var ${camelOf(w)}: String = "${v}"`),
];
const phpContexts: Ctx[] = [
  (v, w) => one("php-var", `$${camelOf(w)} = '${v}';`),
  (v, w) => one("php-array", `    '${snake(w)}' => '${v}',`),
  (v, w) => one("php-define", `define('${UP(w)}', '${v}');`),
  (v, w) => one("php-concat", `$${camelOf(w)} .= "${v}";`),
];
const rbContexts: Ctx[] = [
  (v, w) => one("rb-config", `  config.${snake(w)} = '${v}'`),
  (v, w) => one("rb-hash", `  ${snake(w)}: '${v}',`),
  (v, w) => one("rb-rocket", `  :${snake(w)} => "${v}",`),
  (v, w) => one("rb-env", `ENV['${UP(w)}'] = '${v}'`),
];
const makeContexts: Ctx[] = [
  (v, w) => one("make-recursive", `${UP(w)} = "${v}"`),
  (v, w) => one("make-simple", `${UP(w)} := ${v}`),
  (v, w) => one("make-conditional", `${UP(w)} ?= ${v}`),
  (v, w) => one("make-append", `${UP(w)} += "${v}"`),
  (v, w) => one("make-shell", `${UP(w)} ::= "${v}"`),
];
const csvContexts: Ctx[] = [
  (v, w) => one("csv-kv", `${snake(w)},${v},`),
  (v) => one("csv-row", `warehouse,etl,${v},2024-01-01`),
];
const logstashContexts: Ctx[] = [
  (v, w) => one("logstash-quoted", `  "${snake(w)}" => "${v}"`),
  (v, w) => one("logstash-bare", `    ${snake(w)} => "${v}"`),
];
const sqlContexts: Ctx[] = [
  (v) => one("sql-create-user", `CREATE USER etl WITH PASSWORD '${v}';`),
  (v) => one("sql-identified-by", `ALTER USER app IDENTIFIED BY "${v}";`),
  (v, w) => one("sql-insert", `INSERT INTO settings (name, value) VALUES ('${snake(w)}', '${v}');`),
];
const ps1Contexts: Ctx[] = [
  (v, w) => one("ps1-env", `$env:${UP(w)} = "${v}"`),
  (v, w) => one("ps1-var", `$${camelOf(w)} = '${v}'`),
  (v) => one("ps1-securestring", `$pw = ConvertTo-SecureString "${v}" -AsPlainText -Force`),
  (v, _w, k) => (k.header ? one("ps1-header", `Invoke-RestMethod -Uri $url -Headers @{ ${headerName(k) === "Authorization" ? "Authorization" : `"${headerName(k)}"`} = "${headerText(k, v)}" }`) : null),
];
const gradleContexts: Ctx[] = [
  (v, w) => one("gradle-bare", `        ${camelOf(w)} '${v}'`),
  (v, w) => one("gradle-assign", `        ${camelOf(w)} = "${v}"`),
  (v) => at("gradle-credentials", ["    credentials {", '        username = "deploy"', `        password = "${v}"`, "    }"], 2),
];
// Fresh hosts: written after the rules were tuned on the held-out hosts; never tuned on.
const rsContexts: Ctx[] = [
  (v, w) => one("rs-const", `const ${UP(w)}: &str = "${v}";`),
  (v, w) => one("rs-let", `    let ${snake(w)} = "${v}";`),
  (v, _w, k) => (k.header ? one("rs-header", `        .header("${headerName(k)}", "${headerText(k, v)}")`) : null),
];
const swiftContexts: Ctx[] = [
  (v, w) => one("swift-let", `let ${camelOf(w)} = "${v}"`),
  (v, w) => one("swift-static", `    static let ${camelOf(w)}: String = "${v}"`),
];
const scalaContexts: Ctx[] = [
  (v, w) => one("scala-val", `  val ${camelOf(w)} = "${v}"`),
  (v, w) => one("scala-final", `  final val ${pascal(w)}: String = "${v}"`),
];
const luaContexts: Ctx[] = [
  (v, w) => one("lua-local", `local ${snake(w)} = "${v}"`),
  (v, w) => one("lua-field", `config.${snake(w)} = '${v}'`),
];
const plContexts: Ctx[] = [
  (v, w) => one("pl-my", `my $${snake(w)} = '${v}';`),
  (v, w) => one("pl-env", `$ENV{'${UP(w)}'} = '${v}';`),
];
const nginxContexts: Ctx[] = [
  (v, _w, k) => (k.header ? one("nginx-header", `        proxy_set_header ${headerName(k)} "${headerText(k, v)}";`) : null),
  (v, w) => one("nginx-set", `        set $${snake(w)} "${v}";`),
];
const httpContexts: Ctx[] = [
  (v, _w, k) => (k.header ? one("http-header", `${headerName(k)}: ${headerText(k, v)}`) : null),
  (v, w) => one("http-query", `GET https://api.acme-health.com/v1/items?${snake(w)}=${v}`),
  (v, w) => at("http-json-body", ["Content-Type: application/json", "", `{"${snake(w)}": "${v}"}`], 2),
];
const htmlContexts: Ctx[] = [
  (v, w) => one("html-script", `<script>const ${UP(w)} = "${v}";</script>`),
  (v, w) => one("html-meta", `<meta name="${kebab(w)}" content="${v}">`),
  (v, w) => one("html-hidden-input", `<input type="hidden" name="${snake(w)}" value="${v}">`),
];
const cContexts: Ctx[] = [
  (v, w) => one("c-define", `#define ${UP(w)} "${v}"`),
  (v, w) => one("c-const-char", `static const char *${snake(w)} = "${v}";`),
  (v, w) => one("cpp-string", `const std::string k${pascal(w)} = "${v}";`),
];
const jenkinsContexts: Ctx[] = [
  (v, w) => at("jenkins-environment", ["    environment {", `        ${UP(w)} = '${v}'`, "    }"], 1),
  (v, w) => one("jenkins-sh", `        sh "deploy --${kebab(w)} ${v}"`),
];
const envcContexts: Ctx[] = [
  (v, w) => one("env-trailing-comment", `${UP(w)}=${v} # prod`),
  (v, w) => one("env-trailing-comment-spaced", `${UP(w)}=${v}    # rotated 2024-05`),
];
const yamlcContexts: Ctx[] = [
  (v, w) => one("yaml-trailing-comment", `${snake(w)}: ${v}  # do not commit`),
  (v, w) => at("yaml-list-of-maps", ["credentials:", `  - ${snake(w)}: ${v}`], 1),
];
const urlqContexts: Ctx[] = [
  (v, w) => one("py-url-query", `url = "https://api.acme-health.com/v1/data?${snake(w)}=${v}&format=json"`),
  (v, w) => one("js-url-query", `const res = await fetch(\`https://api.acme-health.com/q?${snake(w)}=${v}\`);`),
  (v, w) => one("r-url-query", `resp <- GET(paste0("https://api.acme-health.com/v1/sites?${snake(w)}=", "${v}"))`),
];
// A literal fallback after an environment lookup or another value; the secret's name is the
// variable assigned, the variable looked up, or both.
const neutral = (r: Rng) => r.pick(["value", "cfg", "v", "k"]);
const fallbackContexts: Record<"pyfb" | "tsfb" | "rfb" | "rbfb" | "phpfb" | "shfb" | "javafb" | "ktfb" | "csfb" | "rsfb", Ctx[]> = {
  pyfb: [
    (v, w) => one("py-getenv-or", `${UP(w)} = os.getenv("${UP(w)}") or "${v}"`),
    (v, w) => one("py-environ-get-or", `${snake(w)} = os.environ.get("${UP(w)}") or '${v}'`),
    (v, w) => at("py-param-or", ["class Client:", `    def __init__(self, ${snake(w)}=None):`, `        self.${snake(w)} = ${snake(w)} or "${v}"`], 2),
    (v, w) => one("py-if-else", `${UP(w)} = os.environ["${UP(w)}"] if "${UP(w)}" in os.environ else "${v}"`),
    (v, w) => one("py-getenv-default", `${snake(w)} = os.getenv("${UP(w)}", default="${v}")`),
    (v, w, _k, r) => one("py-neutral-target", `${neutral(r)} = os.getenv("${UP(w)}") or "${v}"`),
  ],
  tsfb: [
    (v, w) => one("ts-nullish", `const ${camelOf(w)} = process.env.${UP(w)} ?? "${v}";`),
    (v, w) => one("ts-or", `const ${camelOf(w)} = process.env.${UP(w)} || '${v}';`),
    (v, w, _k, r) => one("ts-neutral-target", `const ${neutral(r)} = process.env.${UP(w)} ?? "${v}";`),
    (v, w) => at("ts-object", ["export const config = {", `  ${camelOf(w)}: process.env.${UP(w)} || "${v}",`, "};"], 1),
    (v, w) => one("ts-vite", `export const ${UP(w)}: string = import.meta.env.VITE_${UP(w)} ?? \`${v}\`;`),
    (v, w) => one("ts-bracket", `const ${camelOf(w)} = process.env["${UP(w)}"] ?? "${v}";`),
  ],
  rfb: [
    (v, w) => one("r-unset", `${snake(w)} <- Sys.getenv("${UP(w)}", unset = "${v}")`),
    (v, w) => one("r-default", `${snake(w)} <- Sys.getenv("${UP(w)}", "${v}")`),
    (v, w) => one("r-if-else", `${snake(w)} <- if (nzchar(Sys.getenv("${UP(w)}"))) Sys.getenv("${UP(w)}") else "${v}"`),
  ],
  rbfb: [
    (v, w) => one("rb-fetch-default", `${snake(w)} = ENV.fetch("${UP(w)}", "${v}")`),
    (v, w) => one("rb-or", `  config.${snake(w)} = ENV["${UP(w)}"] || "${v}"`),
    (v, w) => one("rb-fetch-block", `${UP(w)} = ENV.fetch("${UP(w)}") { '${v}' }`),
  ],
  phpfb: [
    (v, w) => one("php-elvis", `$${camelOf(w)} = getenv('${UP(w)}') ?: '${v}';`),
    (v, w) => one("php-laravel-env", `    '${snake(w)}' => env('${UP(w)}', '${v}'),`),
    (v, w) => one("php-env-nullish", `$${camelOf(w)} = $_ENV['${UP(w)}'] ?? '${v}';`),
  ],
  shfb: [
    (v, w) => one("sh-default", `export ${UP(w)}="\${${UP(w)}:-${v}}"`),
    (v, w) => at("compose-default", ["    environment:", `      - ${UP(w)}=\${${UP(w)}:-${v}}`], 1),
    (v, w) => one("sh-default-unquoted", `${UP(w)}=\${${UP(w)}:-${v}} ./run.sh`),
  ],
  javafb: [
    (v, w) => one("java-get-or-default", `        String ${camelOf(w)} = System.getenv().getOrDefault("${UP(w)}", "${v}");`),
    (v, w) => one("java-or-else", `        String ${camelOf(w)} = Optional.ofNullable(System.getenv("${UP(w)}")).orElse("${v}");`),
  ],
  ktfb: [(v, w) => one("kt-elvis", `val ${camelOf(w)} = System.getenv("${UP(w)}") ?: "${v}"`)],
  csfb: [(v, w) => one("cs-nullish", `        var ${camelOf(w)} = Environment.GetEnvironmentVariable("${UP(w)}") ?? "${v}";`)],
  rsfb: [(v, w) => one("rs-unwrap-or", `    let ${snake(w)} = env::var("${UP(w)}").unwrap_or("${v}".to_string());`)],
};
const hostContexts: Record<HostType, Ctx[]> = {
  py: pyContexts, ipynb: pyContexts, js: jsContexts(false), ts: jsContexts(true), r: rContexts, yaml: yamlContexts, env: envContexts,
  json: jsonContexts, toml: tomlContexts, ini: iniContexts, properties: propertiesContexts, tf: tfContexts, sh: shContexts,
  dockerfile: dockerContexts, xml: xmlContexts, md: mdContexts,
  go: goContexts, java: javaContexts, cs: csContexts, kt: ktContexts, php: phpContexts, rb: rbContexts, make: makeContexts,
  csv: csvContexts, logstash: logstashContexts, sql: sqlContexts, ps1: ps1Contexts, gradle: gradleContexts,
  rs: rsContexts, swift: swiftContexts, scala: scalaContexts, lua: luaContexts, pl: plContexts, nginx: nginxContexts, http: httpContexts,
  html: htmlContexts, c: cContexts, jenkins: jenkinsContexts, envc: envcContexts, yamlc: yamlcContexts, urlq: urlqContexts,
  ...fallbackContexts,
};

// Multi-line PEM blocks per host (a key block's span is BEGIN..END).
function pemBlock(host: HostType, v: string, w: Words, r: Rng): Block | null {
  const ls = v.split("\n");
  const esc = v.split("\n").join("\\n") + "\\n";
  const wrap = (context: string, pre: string[], body: string[], post: string[]): Block => ({ lines: [...pre, ...body, ...post], span: [pre.length, pre.length + body.length - 1], context });
  switch (host) {
    case "py":
    case "ipynb":
      return r.chance(0.6) ? wrap("py-triple-quote", [`${UP(w)} = """`], ls, ['"""']) : one("py-escaped", `${UP(w)} = "${esc}"`);
    case "js":
    case "ts":
      return wrap("js-template", [`const ${camelOf(w)} = \``], ls, ["`;"]);
    case "r":
      return wrap("r-multiline-string", [], [`${snake(w)} <- "${ls[0]}`, ...ls.slice(1, -1), `${ls[ls.length - 1]}"`], []);
    case "yaml":
      return wrap("yaml-block-scalar", [`${snake(w)}: |`], ls.map((l) => `  ${l}`), []);
    case "json":
      return one("json-escaped", `  "${snake(w)}": "${esc}",`);
    case "env":
      return one("env-escaped", `${UP(w)}="${esc}"`);
    case "toml":
      return wrap("toml-multiline", [`${snake(w)} = """`], ls, ['"""']);
    case "tf":
      return wrap("tf-heredoc", [`  ${snake(w)} = <<EOT`], ls, ["EOT"]);
    case "sh":
      return wrap("sh-heredoc", ["cat > ~/.ssh/id_deploy <<'EOF'"], ls, ["EOF"]);
    case "xml":
      return wrap("xml-multiline", [`  <${camelOf(w)}>`], ls, [`  </${camelOf(w)}>`]);
    case "md":
      return wrap("md-fence", ["```"], ls, ["```"]);
    case "properties":
      return one("properties-escaped", `${dotted(w)}=${esc}`);
    default:
      return null;
  }
}

function serviceAccountJson(r: Rng, keyId: string): string[] {
  const project = `${r.pick(["acme", "clinic", "genomics", "ml"])}-${r.pick(["prod", "analytics", "research"])}-${r.str(6, DIGITS)}`;
  const key = pemLines(r, "pkcs8").join("\\n") + "\\n";
  return [
    "{",
    '  "type": "service_account",',
    `  "project_id": "${project}",`,
    `  "private_key_id": "${keyId}",`,
    `  "private_key": "${key}",`,
    `  "client_email": "etl-runner@${project}.iam.gserviceaccount.com",`,
    `  "client_id": "${r.str(21, DIGITS)}",`,
    '  "auth_uri": "https://accounts.google.com/o/oauth2/auth",',
    '  "token_uri": "https://oauth2.googleapis.com/token",',
    '  "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",',
    `  "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/etl-runner%40${project}.iam.gserviceaccount.com",`,
    '  "universe_domain": "googleapis.com"',
    "}",
  ];
}
function serviceAccountBlock(host: HostType, v: string, w: Words, r: Rng): Block | null {
  const json = serviceAccountJson(r, v);
  // The secret is the key pair: private_key_id .. private_key.
  const span = (off: number): [number, number] => [off + 3, off + 4];
  switch (host) {
    case "py":
    case "ipynb":
      return { lines: [`${snake(w)}_info = ${json[0]}`, ...json.slice(1, -1).map((l) => "  " + l), "}"], span: span(0), context: "py-dict" };
    case "yaml":
      return { lines: [`${snake(w)}.json: |`, ...json.map((l) => "  " + l)], span: span(1), context: "yaml-block-scalar" };
    case "env":
      return one("env-single-line-json", `${UP(w)}='${json.map((l) => l.trim()).join(" ")}'`);
    case "json":
      return { lines: json, span: span(0), context: "json-file" };
    case "tf":
      return one("tf-jsonencode", `  credentials = jsonencode(${json.map((l) => l.trim()).join(" ")})`);
    default:
      return null;
  }
}

const filler: Record<HostType, string[]> = {
  py: ["import os", "import json", "import logging", "from pathlib import Path", "", "logger = logging.getLogger(__name__)", "MAX_RETRIES = 3", "TIMEOUT = 30", "def load(path):", "    with open(path) as f:", "        return json.load(f)", "", "def main():", "    cohort = load(Path('data/cohort.json'))", "    logger.info('loaded %d rows', len(cohort))", "BATCH_SIZE = 512", "model_name = 'gpt-4o-mini'", "if __name__ == '__main__':", "    main()", "# TODO: move to config"],
  ipynb: ["import pandas as pd", "df = pd.read_csv('visits.csv')", "df.head()", "df.groupby('site').size()", "import matplotlib.pyplot as plt", "plt.hist(df['age'], bins=30)", "summary = df.describe()", "print(summary)"],
  js: ["import fs from 'node:fs';", "const TIMEOUT_MS = 30_000;", "export function parse(text) {", "  return JSON.parse(text);", "}", "", "const log = (...a) => console.log(new Date().toISOString(), ...a);", "module.exports = { parse };", "let retries = 0;", "// keep in sync with the API schema"],
  ts: ["import { z } from 'zod';", "export interface Job { id: string; status: 'queued' | 'done' }", "const schema = z.object({ id: z.string() });", "export function isDone(j: Job): boolean {", "  return j.status === 'done';", "}", "", "type Env = Record<string, string>;", "const DEFAULT_REGION = 'us-east-1';"],
  r: ["library(dplyr)", "library(httr2)", "visits <- read.csv('visits.csv')", "summary(visits)", "model <- lm(los ~ age + sex, data = visits)", "", "plot_age <- function(df) {", "  hist(df$age, breaks = 30)", "}", "n_sites <- length(unique(visits$site))"],
  yaml: ["version: '3.9'", "services:", "  api:", "    image: acme/api:1.4.2", "    ports:", "      - '8080:8080'", "replicas: 2", "log_level: info", "timeout: 30s", "region: us-east-1", "# managed by platform team", "retries: 3"],
  env: ["DEBUG=false", "LOG_LEVEL=info", "PORT=8080", "NODE_ENV=production", "REGION=eu-west-1", "# local overrides", "WORKERS=4", "TZ=UTC"],
  json: ['  "name": "etl-service",', '  "version": "1.4.2",', '  "region": "us-east-1",', '  "retries": 3,', '  "timeout": 30,', '  "features": ["export", "audit"],', '  "debug": false,'],
  toml: ["[tool.poetry]", 'name = "cohort-builder"', 'version = "0.3.1"', "[server]", "port = 8080", 'log_level = "info"', "workers = 4", "# deployment settings"],
  ini: ["[DEFAULT]", "timeout = 30", "retries = 3", "[logging]", "level = INFO", "region = us-east-1", "; generated by setup", "verbose = false"],
  properties: ["server.port=8080", "logging.level.root=INFO", "spring.application.name=claims", "management.endpoints.web.exposure.include=health", "# datasource", "app.batch-size=500", "spring.jpa.hibernate.ddl-auto=validate"],
  tf: ['terraform {', '  required_version = ">= 1.5"', "}", 'resource "aws_s3_bucket" "exports" {', '  bucket = "acme-exports"', "}", 'locals {', '  region = "us-east-1"', "}", "# state lives in S3"],
  sh: ["#!/usr/bin/env bash", "set -euo pipefail", 'cd "$(dirname "$0")"', 'echo "deploying $(git rev-parse --short HEAD)"', "python -m pip install -r requirements.txt", "mkdir -p out", "# run the nightly export", "ls -la out/"],
  dockerfile: ["FROM python:3.12-slim", "WORKDIR /app", "COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt", "COPY . .", "EXPOSE 8080", 'CMD ["python", "-m", "app"]', "USER 1000"],
  xml: ["<configuration>", "  <appSettings>", '    <add key="Environment" value="Production" />', "  </appSettings>", '  <logging level="info"/>', "  <!-- deployment settings -->", "  <timeout>30</timeout>"],
  md: ["# Cohort export", "", "This repository builds the nightly cohort export.", "", "## Setup", "", "1. Install the requirements.", "2. Run `make export`.", "", "See the runbook for on-call details."],
  go: ["package config", "", 'import "os"', "func Load() (*Config, error) {", "\treturn &Config{}, nil", "}", "type Config struct {", "\tRegion string", "}", "// keep in sync with deploy/"],
  java: ["package com.acme.etl;", "import java.util.Properties;", "public class Settings {", "    private int retries = 3;", "    public int getRetries() { return retries; }", "}", "// generated"],
  cs: ["using System.Net;", "namespace Acme.Etl", "{", "    public class Settings", "    {", "        public int Retries { get; set; } = 3;", "    }", "}"],
  kt: ["package com.acme.app", "import kotlinx.coroutines.*", "fun main() {", "    println(\"start\")", "}", "data class Job(val id: String)"],
  php: ["<?php", "require __DIR__ . '/vendor/autoload.php';", "$retries = 3;", "function load($path) {", "    return json_decode(file_get_contents($path), true);", "}", "return ["],
  rb: ["require 'json'", "Rails.application.configure do", "  config.cache_classes = true", "end", "module Acme", "  VERSION = '1.4.2'", "end"],
  make: [".PHONY: build test", "build:", "\tgo build ./...", "test:", "\tgo test ./...", "REGION ?= us-east-1", "# deploy settings"],
  csv: ["name,value,updated", "region,us-east-1,2024-01-01", "retries,3,2024-01-01", "timeout,30,2024-01-01"],
  logstash: ["input {", "  beats { port => 5044 }", "}", "filter {", '  mutate { add_field => { "env" => "prod" } }', "}", "output {"],
  sql: ["-- migration 0042", "CREATE TABLE visits (id SERIAL PRIMARY KEY, site TEXT);", "GRANT SELECT ON visits TO reporting;", "COMMIT;"],
  ps1: ["param([string]$Environment = 'prod')", "$ErrorActionPreference = 'Stop'", "Write-Host \"Deploying to $Environment\"", "Import-Module Az.Accounts"],
  gradle: ["plugins {", "    id 'com.android.application'", "}", "android {", "    compileSdk 34", "}", "signingConfigs {", "    release {"],
  rs: ["use std::env;", "fn main() {", "    let client = reqwest::Client::new();", "}", "#[derive(Debug)]", "struct Config { region: String }"],
  swift: ["import Foundation", "struct Config {", "    let region = \"us-east-1\"", "}", "// MARK: - API"],
  scala: ["object Settings {", "  val region = \"us-east-1\"", "}", "import scala.concurrent.Future"],
  lua: ["local http = require('socket.http')", "local M = {}", "return M", "-- config"],
  pl: ["use strict;", "use warnings;", "use LWP::UserAgent;", "my $ua = LWP::UserAgent->new;", "1;"],
  nginx: ["server {", "    listen 443 ssl;", "    location /api/ {", "        proxy_pass https://backend:8080;", "    }", "}"],
  http: ["### list items", "GET https://api.acme-health.com/v1/items", "Accept: application/json", "", "###"],
  html: ["<!doctype html>", "<html>", "<head><title>Dashboard</title></head>", "<body>", "<div id=\"app\"></div>", "</body>", "</html>"],
  c: ["#include <stdio.h>", "#include <string.h>", "int main(void) {", "    return 0;", "}", "/* config */"],
  jenkins: ["pipeline {", "    agent any", "    stages {", "        stage('Build') {", "            steps { sh 'make build' }", "        }", "    }", "}"],
  envc: ["DEBUG=false", "LOG_LEVEL=info", "PORT=8080"],
  yamlc: ["region: us-east-1", "replicas: 2", "log_level: info"],
  urlq: ["import requests", "def fetch(url):", "    return requests.get(url, timeout=10).json()"],
  pyfb: ["import os", "", "DEBUG = os.getenv('DEBUG') == '1'", "TIMEOUT = int(os.getenv('TIMEOUT', '30'))", "REGION = os.getenv('AWS_REGION') or 'us-east-1'"],
  tsfb: ["export const PORT = Number(process.env.PORT ?? 8080);", "const REGION = process.env.AWS_REGION || 'us-east-1';", "export const isProd = process.env.NODE_ENV === 'production';"],
  rfb: ["library(httr2)", "region <- Sys.getenv(\"AWS_REGION\", unset = \"us-east-1\")", "timeout <- as.numeric(Sys.getenv(\"TIMEOUT\", \"30\"))"],
  rbfb: ["Rails.application.configure do", "  config.log_level = ENV.fetch('LOG_LEVEL', 'info')", "end"],
  phpfb: ["<?php", "return [", "    'region' => env('AWS_REGION', 'us-east-1'),", "];"],
  shfb: ["#!/usr/bin/env bash", "set -euo pipefail", "export REGION=\"${REGION:-us-east-1}\"", "export LOG_LEVEL=\"${LOG_LEVEL:-info}\""],
  javafb: ["package com.acme.etl;", "import java.util.Optional;", "public final class Env {", "}"],
  ktfb: ["package com.acme.app", "val region = System.getenv(\"AWS_REGION\") ?: \"us-east-1\""],
  csfb: ["namespace Acme.Etl;", "public static class Env", "{", "}"],
  rsfb: ["use std::env;", "fn region() -> String {", "    env::var(\"AWS_REGION\").unwrap_or(\"us-east-1\".to_string())", "}"],
};

const hostWeights: Array<{ host: HostType; weight: number; names: string[]; heldOut?: boolean; fresh?: boolean; fallback?: boolean }> = [
  { host: "py", weight: 14, names: ["settings.py", "config.py", "app/main.py", "etl/load.py", "scripts/export.py", "tests/conftest.py", "notebooks/helpers.py"] },
  { host: "js", weight: 6, names: ["src/config.js", "server.js", "scripts/upload.js", "lib/client.js"] },
  { host: "ts", weight: 6, names: ["src/config.ts", "src/api/client.ts", "worker/index.ts", "scripts/seed.ts"] },
  { host: "r", weight: 5, names: ["R/fetch.R", "analysis.R", "scripts/pull_data.R"] },
  { host: "ipynb", weight: 6, names: ["notebooks/exploration.ipynb", "analysis.ipynb", "notebooks/llm_eval.ipynb"] },
  { host: "yaml", weight: 10, names: ["config.yaml", "docker-compose.yml", "k8s/deployment.yaml", ".github/workflows/ci.yml", "values.yaml", "conf/app.yml"] },
  { host: "env", weight: 8, names: [".env", ".env.local", ".env.production", "deploy/.env"] },
  { host: "json", weight: 6, names: ["config.json", "appsettings.json", "secrets.json", ".vscode/mcp.json", "settings/local.json"] },
  { host: "toml", weight: 4, names: ["pyproject.toml", ".streamlit/secrets.toml", "config.toml"] },
  { host: "ini", weight: 5, names: ["config.ini", "setup.cfg", ".pypirc", ".databrickscfg", "alembic.ini", "credentials"] },
  { host: "properties", weight: 3, names: ["application.properties", "src/main/resources/application.properties", "gradle.properties"] },
  { host: "tf", weight: 5, names: ["main.tf", "providers.tf", "terraform.tfvars", "modules/db/variables.tf"] },
  { host: "sh", weight: 6, names: ["deploy.sh", "scripts/run.sh", "setup.sh", "bin/nightly.sh"] },
  { host: "dockerfile", weight: 3, names: ["Dockerfile", "docker/Dockerfile", "worker/Dockerfile"] },
  { host: "xml", weight: 3, names: ["web.config", "pom.xml", "app.config", "conf/settings.xml"] },
  { host: "md", weight: 6, names: ["README.md", "docs/setup.md", "NOTES.md", "docs/runbook.md"] },
  { host: "go", weight: 3, names: ["internal/config/config.go", "cmd/etl/main.go"], heldOut: true },
  { host: "java", weight: 3, names: ["src/main/java/com/acme/etl/Settings.java", "src/main/java/com/acme/Db.java"], heldOut: true },
  { host: "cs", weight: 2, names: ["src/Settings.cs", "Program.cs"], heldOut: true },
  { host: "kt", weight: 1.5, names: ["app/src/main/kotlin/Config.kt"], heldOut: true },
  { host: "php", weight: 2, names: ["config/database.php", "wp-config.php", "src/Client.php"], heldOut: true },
  { host: "rb", weight: 2, names: ["config/initializers/services.rb", "config/environments/production.rb"], heldOut: true },
  { host: "make", weight: 1.5, names: ["Makefile", "deploy/Makefile"], heldOut: true },
  { host: "csv", weight: 1, names: ["exports/credentials.csv", "data/settings.csv"], heldOut: true },
  { host: "logstash", weight: 1, names: ["logstash/pipeline.conf"], heldOut: true },
  { host: "sql", weight: 1.5, names: ["migrations/0042_users.sql", "db/seed.sql"], heldOut: true },
  { host: "ps1", weight: 1.5, names: ["scripts/deploy.ps1"], heldOut: true },
  { host: "gradle", weight: 1, names: ["app/build.gradle"], heldOut: true },
  { host: "rs", weight: 1, names: ["src/config.rs"], fresh: true },
  { host: "swift", weight: 1, names: ["Sources/App/Config.swift"], fresh: true },
  { host: "scala", weight: 1, names: ["src/main/scala/Settings.scala"], fresh: true },
  { host: "lua", weight: 1, names: ["config.lua"], fresh: true },
  { host: "pl", weight: 1, names: ["lib/Client.pm"], fresh: true },
  { host: "nginx", weight: 1, names: ["nginx/nginx.conf"], fresh: true },
  { host: "http", weight: 1, names: ["requests/api.http"], fresh: true },
  { host: "html", weight: 1, names: ["public/index.html"], fresh: true },
  { host: "c", weight: 1, names: ["src/config.h", "src/client.cpp"], fresh: true },
  { host: "jenkins", weight: 1, names: ["Jenkinsfile"], fresh: true },
  { host: "envc", weight: 1.5, names: [".env.staging"], fresh: true },
  { host: "yamlc", weight: 1.5, names: ["config/settings.yml"], fresh: true },
  { host: "urlq", weight: 1.5, names: ["client/api.py", "client/api.js"], fresh: true },
  { host: "pyfb", weight: 4, names: ["app/config.py", "settings/base.py", "src/client.py"], fallback: true },
  { host: "tsfb", weight: 4, names: ["src/env.ts", "src/config/secrets.ts", "lib/env.js"], fallback: true },
  { host: "rfb", weight: 2, names: ["R/config.R", "scripts/setup.R"], fallback: true },
  { host: "rbfb", weight: 1, names: ["config/initializers/keys.rb"], fallback: true },
  { host: "phpfb", weight: 1, names: ["config/services.php"], fallback: true },
  { host: "shfb", weight: 2, names: ["docker-compose.yml", "scripts/env.sh"], fallback: true },
  { host: "javafb", weight: 1, names: ["src/main/java/com/acme/Env.java"], fallback: true },
  { host: "ktfb", weight: 0.5, names: ["app/src/main/kotlin/Env.kt"], fallback: true },
  { host: "csfb", weight: 1, names: ["src/Env.cs"], fallback: true },
  { host: "rsfb", weight: 0.5, names: ["src/env.rs"], fallback: true },
];

// ---------------------------------------------------------------------------------------------
// Corpus.

interface Planted {
  file: string;
  start: number;
  end: number;
  kind: string;
  category: string;
  positive: boolean;
  context: string;
  secret: string;
  /** Planted in a held-out host or credential file (scored separately). */
  heldOut?: boolean;
  /** Planted in a fresh host (never tuned on). */
  fresh?: boolean;
  /** Planted as an environment lookup's fallback (scored separately). */
  fallback?: boolean;
}

const passwordSlots = new Set(["cs-credential", "java-jdbc", "ps1-securestring", "sql-create-user", "sql-identified-by", "csv-row", "gradle-credentials"]);

function blockFor(host: HostType, k: Kind, r: Rng): Block | null {
  const w = r.pick(k.names);
  const v = k.value(r);
  if (k.expr) {
    const f = k.expr[host];
    return f ? one(`${host}-expr`, f(w, r)) : null;
  }
  if (k.pem) return pemBlock(host, v, w, r);
  if (k.serviceAccount) return serviceAccountBlock(host, v, w, r);
  // A context that applies to this kind (some need a header, a client call or a URL), at random.
  const ctxs = [...hostContexts[host]];
  const wanted = k.only === "header" ? /header|curl/ : k.only === "cli" ? /cli/ : null;
  while (ctxs.length) {
    const b = ctxs.splice(r.int(0, ctxs.length - 1), 1)[0](v, w, k, r);
    // Contexts that make any value a password (a credential constructor's argument) hold positives only.
    if (b && !k.positive && passwordSlots.has(b.context)) continue;
    if (b && (!wanted || wanted.test(b.context))) return b;
  }
  return null;
}

/** Lines of a host file around the blocks; returns the text and where each block starts. */
function assemble(host: HostType, blocks: Block[], r: Rng): { text: string; starts: number[] } {
  const out: string[] = [];
  const starts: number[] = [];
  const fill = () => {
    const n = r.int(1, 6);
    const src = filler[host];
    const i = r.int(0, src.length - 1);
    for (let j = 0; j < n; j++) out.push(src[(i + j) % src.length]);
  };
  if (host === "ipynb") {
    // nbformat 4 as Jupyter writes it: one JSON string per source line, indent 1.
    out.push("{", ' "cells": [');
    blocks.forEach((b, bi) => {
      out.push("  {", '   "cell_type": "code",', `   "execution_count": ${bi + 1},`, '   "metadata": {},', '   "outputs": [],', '   "source": [');
      const src: string[] = [];
      const pre = r.int(0, 3);
      for (let j = 0; j < pre; j++) src.push(r.pick(filler.ipynb));
      const off = src.length;
      src.push(...b.lines);
      src.push(r.pick(filler.ipynb));
      starts.push(out.length + off);
      src.forEach((l, i) => out.push(`    ${JSON.stringify(i === src.length - 1 ? l : l + "\n")}${i === src.length - 1 ? "" : ","}`));
      out.push("   ]", bi === blocks.length - 1 ? "  }" : "  },");
    });
    out.push(" ],", ' "metadata": {', '  "kernelspec": { "display_name": "Python 3", "language": "python", "name": "python3" }', " },", ' "nbformat": 4,', ' "nbformat_minor": 5', "}");
    return { text: out.join("\n") + "\n", starts };
  }
  if (host === "json") out.push("{");
  if (host === "xml") out.push('<?xml version="1.0" encoding="utf-8"?>');
  for (const b of blocks) {
    fill();
    starts.push(out.length);
    out.push(...b.lines);
  }
  fill();
  if (host === "json") out.push('  "end": true', "}");
  return { text: out.join("\n") + "\n", starts };
}

/** Credential files people commit (held out): one secret or more per file, at known lines. */
function credentialFiles(r: Rng, count: number, emit: (rel: string, text: string, items: Array<{ line: number; end?: number; kind: string; secret: string; positive?: boolean }>) => void): void {
  const user = () => r.pick(["deploy", "svc-etl", "admin", "ci", "analytics"]);
  const makers: Array<() => [string, string[], Array<{ line: number; end?: number; kind: string; secret: string; positive?: boolean }>]> = [
    () => { const pw = password(r); return [".netrc", [`machine api.acme-health.com login ${user()} password ${pw}`], [{ line: 1, kind: "netrc", secret: pw }]]; },
    () => { const pw = password(r); return [".pgpass", [`db.internal:5432:clinical:etl:${pw}`], [{ line: 1, kind: "pgpass", secret: pw }]]; },
    () => { const pw = password(r); return [".my.cnf", ["[client]", "user=root", `password=${pw}`, "host=db.internal"], [{ line: 3, kind: "my-cnf", secret: pw }]]; },
    () => { const pw = password(r, true); return ["pip.conf", ["[global]", `index-url = https://${user()}:${pw}@pypi.acme.io/simple`], [{ line: 2, kind: "pip-conf", secret: pw }]]; },
    () => { const t = r.chance(0.5) ? `ghp_${r.str(36, ALNUM)}` : password(r, true); return [".git-credentials", [`https://${user()}:${t}@github.com`], [{ line: 1, kind: "git-credentials", secret: t }]]; },
    () => { const a = b64(`${user()}:${password(r)}`); return [".docker/config.json", ["{", '  "auths": {', '    "registry.acme.io": {', `      "auth": "${a}"`, "    }", "  }", "}"], [{ line: 4, kind: "docker-config-auth", secret: a }]]; },
    () => { const pw = b64(password(r)); const key = b64(r.str(32, ALNUM)); return ["k8s/db-secret.yaml", ["apiVersion: v1", "kind: Secret", "metadata:", "  name: db-credentials", "type: Opaque", "data:", `  password: ${pw}`, `  api-key: ${key}`], [{ line: 7, kind: "k8s-secret-data", secret: pw }, { line: 8, kind: "k8s-secret-data", secret: key }]]; },
    () => { const kd = b64(pemLines(r, "rsa").join("\n")); const tok = r.str(40, ALNUM); return ["kubeconfig", ["apiVersion: v1", "kind: Config", "users:", "- name: admin", "  user:", `    client-key-data: ${kd}`, `    token: ${tok}`], [{ line: 6, kind: "kubeconfig-client-key", secret: kd.slice(0, 40) }, { line: 7, kind: "kubeconfig-token", secret: tok }]]; },
    () => { const t = `npm_${r.str(36, ALNUM)}`; const a = b64(`${user()}:${password(r)}`); return [".npmrc", [`//registry.npmjs.org/:_authToken=${t}`, "@acme:registry=https://npm.acme.io/", `//npm.acme.io/:_auth=${a}`, "always-auth=true"], [{ line: 1, kind: "npmrc-token", secret: t }, { line: 3, kind: "npmrc-auth", secret: a }]]; },
    () => { const id = `AKIA${r.str(16, AWS32)}`; const sk = r.str(40, B64); return [".s3cfg", ["[default]", `access_key = ${id}`, `secret_key = ${sk}`, "host_base = s3.amazonaws.com"], [{ line: 2, kind: "s3cfg-id", secret: id }, { line: 3, kind: "s3cfg-secret", secret: sk }]]; },
    () => { const id = `AKIA${r.str(16, AWS32)}`; const sk = r.str(40, B64); return ["rclone.conf", ["[warehouse]", "type = s3", "provider = AWS", `access_key_id = ${id}`, `secret_access_key = ${sk}`], [{ line: 4, kind: "rclone-id", secret: id }, { line: 5, kind: "rclone-secret", secret: sk }]]; },
    () => { const v = r.str(32, ALNUM); return ["postman/collection.json", ["{", '  "variable": [', '    {', '      "key": "apiKey",', `      "value": "${v}",`, '      "type": "string"', "    }", "  ]", "}"], [{ line: 5, kind: "postman-variable", secret: v }]]; },
    () => { const pw = password(r, true); return ["appsettings.Production.json", ["{", '  "ConnectionStrings": {', `    "DefaultConnection": "Server=tcp:sql01.database.windows.net,1433;Database=claims;User ID=etl;Password=${pw};"`, "  }", "}"], [{ line: 3, kind: "appsettings-connection", secret: pw }]]; },
    () => { const pw = password(r); return ["wp-config.php", ["<?php", "define( 'DB_NAME', 'wordpress' );", "define( 'DB_USER', 'wp' );", `define( 'DB_PASSWORD', '${pw}' );`, "define( 'DB_HOST', 'localhost' );"], [{ line: 4, kind: "wp-config", secret: pw }]]; },
  ];
  for (let i = 0; i < count; i++) {
    const [name, lines, items] = r.pick(makers)();
    emit(`creds${i}/${name}`, lines.join("\n") + "\n", items.filter((it) => it.secret));
  }
}

function buildCorpus(dir: string, r: Rng): Planted[] {
  const planted: Planted[] = [];
  const used = new Set<string>();
  // Files grouped in repositories of about eight; dotfiles and Dockerfiles keep their names.
  const uniqueName = (name: string, i: number) => {
    let path = `repo${Math.floor(i / 8)}/${name}`;
    if (used.has(path)) path = `repo${Math.floor(i / 8)}/m${i}/${name}`;
    used.add(path);
    return path;
  };
  const write = (rel: string, text: string) => {
    const abs = join(dir, rel);
    mkdirSync(dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };
  const record = (file: string, start0: number, b: Block, k: Kind, secret: string) =>
    planted.push({ file, start: start0 + b.span[0] + 1, end: start0 + b.span[1] + 1, kind: k.id, category: k.category, positive: k.positive, context: b.context, secret });

  const hostFile = (rr: Rng, hosts: typeof hostWeights, i: number, heldOut: boolean) => {
    const h = rr.weighted(hosts);
    const rel = uniqueName(rr.pick(h.names), i);
    const n = rr.int(2, 6);
    const blocks: Array<{ b: Block; k: Kind }> = [];
    for (let j = 0; j < n; j++) {
      const k = rr.weighted(rr.chance(0.72) ? kinds.filter((x) => x.positive) : kinds.filter((x) => !x.positive));
      const b = blockFor(h.host, k, rr);
      if (b) blocks.push({ b, k });
    }
    if (!blocks.length) return;
    const { text, starts } = assemble(h.host, blocks.map((x) => x.b), rr);
    write(rel, text);
    blocks.forEach(({ b, k }, j) => {
      record(rel, starts[j], b, k, b.lines.slice(b.span[0], b.span[1] + 1).join("\n"));
      planted[planted.length - 1].heldOut = heldOut;
    });
  };
  for (let i = 0; i < fileCount; i++) hostFile(r, hostWeights.filter((h) => !h.heldOut && !h.fresh && !h.fallback), i, false);
  // Held-out hosts and credential files come from their own PRNG stream, so adding or changing
  // them leaves the tuned part of the corpus as it was.
  const rh = new Rng(seed ^ 0x5eed5eed);
  for (let i = 0; i < Math.round(fileCount / 4); i++) hostFile(rh, hostWeights.filter((h) => h.heldOut), fileCount + i, true);
  // Fresh hosts: a third stream.
  const rf = new Rng(seed ^ 0x0f5e5117);
  for (let i = 0; i < Math.round(fileCount / 5); i++) {
    const before = planted.length;
    hostFile(rf, hostWeights.filter((h) => h.fresh), fileCount * 2 + i, true);
    for (let j = before; j < planted.length; j++) planted[j].fresh = true;
  }
  credentialFiles(rh, Math.round(fileCount / 12), (rel, text, items) => {
    write(rel, text);
    for (const it of items) planted.push({ file: rel, start: it.line, end: it.end ?? it.line, kind: it.kind, category: "credential-file", positive: it.positive ?? true, context: it.kind, secret: it.secret, heldOut: true });
  });
  // Key files and service-account files on their own, as they are usually committed.
  for (let i = 0; i < Math.round(fileCount / 16); i++) {
    const id = r.pick(["private-key-rsa", "private-key-openssh", "private-key-ec", "private-key-pkcs8", "gcp-service-account"]);
    const k = kinds.find((x) => x.id === id)!;
    const v = k.value(r);
    if (k.serviceAccount) {
      const rel = `keys/${r.pick(["service-account", "gcp-key", "sa"])}-${i}.json`;
      const lines = serviceAccountJson(r, v);
      write(rel, lines.join("\n") + "\n");
      record(rel, 0, { lines, span: [3, 4], context: "json-key-file" }, k, v);
    } else {
      const rel = `keys/${r.pick(["id_rsa", "deploy", "server", "signing"])}_${i}${r.pick(["", ".pem", ".key"])}`;
      const lines = v.split("\n");
      write(rel, lines.join("\n") + "\n");
      record(rel, 0, { lines, span: [0, lines.length - 1], context: "key-file" }, k, v);
    }
  }
  // Lockfiles: every integrity hash is a negative.
  for (let i = 0; i < Math.max(2, Math.round(fileCount / 40)); i++) {
    const rel = `web${i}/package-lock.json`;
    const lines = ["{", `  "name": "web${i}",`, '  "lockfileVersion": 3,', '  "packages": {'];
    const negs: Array<[number, string]> = [];
    const pkgs = ["react", "zod", "hono", "yaml", "ink", "lodash", "axios", "chalk", "semver", "debug"];
    for (let j = 0; j < 8; j++) {
      const p = pkgs[j % pkgs.length];
      const integ = `sha512-${r.str(86, B64)}==`;
      lines.push(`    "node_modules/${p}": {`, `      "version": "${r.int(1, 9)}.${r.int(0, 20)}.${r.int(0, 9)}",`, `      "resolved": "https://registry.npmjs.org/${p}/-/${p}-1.0.0.tgz",`);
      negs.push([lines.length, integ]);
      lines.push(`      "integrity": "${integ}",`, '      "license": "MIT"', "    },");
    }
    lines.push('    "": {}', "  }", "}");
    write(rel, lines.join("\n") + "\n");
    for (const [idx, integ] of negs) planted.push({ file: rel, start: idx + 1, end: idx + 1, kind: "lockfile-integrity", category: "lockfile", positive: false, context: "package-lock", secret: integ });
    const req = `svc${i}/requirements.txt`;
    const rl: string[] = [];
    for (const p of ["requests==2.32.3", "pandas==2.2.2", "numpy==2.0.1"]) {
      const hash = r.str(64, HEX);
      rl.push(`${p} \\`, `    --hash=sha256:${hash}`);
      planted.push({ file: req, start: rl.length, end: rl.length, kind: "requirements-hash", category: "lockfile", positive: false, context: "requirements-hash", secret: hash });
    }
    write(req, rl.join("\n") + "\n");
  }
  // Notebook outputs with embedded images.
  for (let i = 0; i < Math.max(2, Math.round(fileCount / 60)); i++) {
    const rel = `notebooks/plots_${i}.ipynb`;
    const img = `iVBORw0KGgoAAAANSUhEUgAA${r.str(r.int(2000, 6000), B64)}`;
    const lines = ["{", ' "cells": [', "  {", '   "cell_type": "code",', '   "execution_count": 3,', '   "metadata": {},', '   "outputs": [', "    {", '     "data": {', `      "image/png": "${img}\\n",`, '      "text/plain": ["<Figure size 640x480 with 1 Axes>"]', "     },", '     "metadata": {},', '     "output_type": "display_data"', "    }", "   ],", '   "source": ["plt.hist(df[\'age\'], bins=30)"]', "  }", " ],", ' "nbformat": 4,', ' "nbformat_minor": 5', "}"];
    write(rel, lines.join("\n") + "\n");
    planted.push({ file: rel, start: 10, end: 10, kind: "notebook-image", category: "base64-image", positive: false, context: "ipynb-output", secret: img.slice(0, 40) });
  }
  // Env fallbacks: a fourth stream, written last, so the corpus before them is as it was.
  const rb = new Rng(seed ^ 0x0fa11bac);
  for (let i = 0; i < Math.round(fileCount / 5); i++) {
    const before = planted.length;
    hostFile(rb, hostWeights.filter((h) => h.fallback), fileCount * 3 + i, false);
    for (let j = before; j < planted.length; j++) planted[j].fallback = true;
  }
  return planted;
}

// ---------------------------------------------------------------------------------------------
// Scanners and scoring.

interface Hit {
  file: string;
  line: number;
  rule: string;
}

function newestMtime(dir: string): number {
  let m = 0;
  const stack = [dir];
  for (let guard = 0; stack.length && guard < 100_000; guard++) {
    const d = stack.pop()!;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else m = Math.max(m, statSync(p).mtimeMs);
    }
  }
  return m;
}

async function runTrustrun(corpus: string): Promise<Hit[]> {
  let cmd: string[];
  if (flag("--source")) cmd = [process.execPath, join(root, "src/index.ts")];
  else {
    const bin = resolve(opt("--binary", join(root, "dist/trustrun")));
    if (!flag("--binary") && (!existsSync(bin) || statSync(bin).mtimeMs < newestMtime(join(root, "src")))) {
      console.log("dist/trustrun is missing or older than src/: building it (npm run build)");
      await $`${process.execPath} ${join(root, "scripts/build.ts")}`.cwd(root).quiet();
    }
    cmd = [bin];
  }
  const proc = Bun.spawn([...cmd, "scan", corpus, "--json", "--no-store", "--fail-on", "none"], { stdout: "pipe", stderr: "pipe", cwd: corpus });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) throw new Error(`trustrun scan exited ${code}: ${err.slice(0, 500)}`);
  const j = JSON.parse(out) as { findings: Array<{ file: string; line: number; kind: string; rule: string }> };
  return j.findings.filter((f) => f.kind === "secret").map((f) => ({ file: f.file, line: f.line, rule: f.rule }));
}

async function runSecretlint(corpus: string): Promise<Hit[] | null> {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-bench-secretlint-"));
  try {
    console.log(`installing secretlint into ${dir}`);
    await $`npm init -y`.cwd(dir).quiet();
    await $`npm install --no-audit --no-fund secretlint @secretlint/secretlint-rule-preset-recommend`.cwd(dir).quiet();
    const version = (await $`${join(dir, "node_modules/.bin/secretlint")} --version`.cwd(dir).quiet().nothrow()).stdout.toString().trim();
    const rc = join(dir, ".secretlintrc.json");
    writeFileSync(rc, JSON.stringify({ rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] }));
    const report = join(dir, "report.json");
    // "**/.*" as well: the default glob skips dotfiles (.env, .pypirc), which would be unfair.
    const sl = Bun.spawn([join(dir, "node_modules/.bin/secretlint"), "--format", "json", "--output", report, "--secretlintrc", rc, "--secretlintignore", "/dev/null", "**/*", "**/.*"], { cwd: corpus, stdout: "pipe", stderr: "pipe" });
    const [, errText, code] = await Promise.all([new Response(sl.stdout).text(), new Response(sl.stderr).text(), sl.exited]);
    let files: Array<{ filePath: string; messages: Array<{ ruleId: string; loc: { start: { line: number } } }> }>;
    try {
      files = JSON.parse(await Bun.file(report).text());
    } catch {
      console.log(`secretlint exited ${code}: ${errText.slice(0, 300)}`);
      return null;
    }
    console.log(`secretlint ${version} read ${files.length} files`);
    const hits: Hit[] = [];
    for (const f of files) {
      const rel = f.filePath.startsWith(corpus) ? f.filePath.slice(corpus.length + 1) : f.filePath;
      for (const m of f.messages ?? []) hits.push({ file: rel, line: m.loc?.start?.line ?? 0, rule: m.ruleId });
    }
    return hits;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Score {
  hit: Set<Planted>;
  fp: Set<Planted>;
  stray: Hit[];
}

function score(planted: Planted[], hits: Hit[]): Score {
  const byFile = new Map<string, Planted[]>();
  for (const p of planted) (byFile.get(p.file) ?? byFile.set(p.file, []).get(p.file)!).push(p);
  const hit = new Set<Planted>();
  const fp = new Set<Planted>();
  const stray: Hit[] = [];
  for (const h of hits) {
    const p = (byFile.get(h.file) ?? []).find((x) => h.line >= x.start && h.line <= x.end);
    if (!p) stray.push(h);
    else if (p.positive) hit.add(p);
    else fp.add(p);
  }
  return { hit, fp, stray };
}

const pct = (a: number, b: number) => (b ? (a / b).toFixed(2) : "-");

function report(planted: Planted[], tools: Array<{ name: string; s: Score }>, by: (p: Planted) => string): void {
  const pos = planted.filter((p) => p.positive);
  const neg = planted.filter((p) => !p.positive);
  const groups = [...new Set(pos.map(by))].sort();
  const head = (label: string) => `${label.padEnd(22)} ${"n".padStart(5)}  ${tools.map((t) => t.name.padStart(18)).join("")}`;
  console.log(`\n${head("recall by " + (by === byCategory ? "category" : "kind"))}`);
  for (const g of groups) {
    const items = pos.filter((p) => by(p) === g);
    console.log(`${g.padEnd(22)} ${String(items.length).padStart(5)}  ${tools.map((t) => { const h = items.filter((p) => t.s.hit.has(p)).length; return `${String(h).padStart(5)} (${pct(h, items.length).padStart(4)})`.padStart(18); }).join("")}`);
  }
  const macro = (t: Score) => groups.reduce((s, g) => { const it = pos.filter((p) => by(p) === g); return s + it.filter((p) => t.hit.has(p)).length / it.length; }, 0) / groups.length;
  console.log(`${"overall (micro)".padEnd(22)} ${String(pos.length).padStart(5)}  ${tools.map((t) => `${String(t.s.hit.size).padStart(5)} (${pct(t.s.hit.size, pos.length).padStart(4)})`.padStart(18)).join("")}`);
  console.log(`${"mean of groups (macro)".padEnd(22)} ${"".padStart(5)}  ${tools.map((t) => macro(t.s).toFixed(2).padStart(18)).join("")}`);
  if (by !== byCategory) return;
  const negGroups = [...new Set(neg.map(byCategory))].sort();
  console.log(`\n${head("false positives")}`);
  for (const g of negGroups) {
    const items = neg.filter((p) => p.category === g);
    console.log(`${g.padEnd(22)} ${String(items.length).padStart(5)}  ${tools.map((t) => String(items.filter((p) => t.s.fp.has(p)).length).padStart(18)).join("")}`);
  }
  console.log(`${"all negatives".padEnd(22)} ${String(neg.length).padStart(5)}  ${tools.map((t) => String(t.s.fp.size).padStart(18)).join("")}`);
  console.log(`${"stray (unplanted line)".padEnd(22)} ${"".padStart(5)}  ${tools.map((t) => String(t.s.stray.length).padStart(18)).join("")}`);
}
const byCategory = (p: Planted) => p.category;

/** Recall on the tuned hosts, the held-out hosts and the credential files, and per held-out host. */
function reportSets(planted: Planted[], tools: Array<{ name: string; s: Score }>): void {
  const pos = planted.filter((p) => p.positive);
  const hostOf = (p: Planted) => (p.fallback ? "env fallbacks" : p.category === "credential-file" ? "credential files" : p.fresh ? "fresh hosts" : p.heldOut ? "held-out hosts" : "tuned hosts");
  console.log(`\n${"recall by host set".padEnd(22)} ${"n".padStart(5)}  ${tools.map((t) => t.name.padStart(18)).join("")}`);
  for (const set of ["tuned hosts", "held-out hosts", "credential files", "fresh hosts", "env fallbacks"]) {
    const items = pos.filter((p) => hostOf(p) === set);
    console.log(`${set.padEnd(22)} ${String(items.length).padStart(5)}  ${tools.map((t) => { const h = items.filter((p) => t.s.hit.has(p)).length; return `${String(h).padStart(5)} (${pct(h, items.length).padStart(4)})`.padStart(18); }).join("")}`);
  }
  const fbNeg = planted.filter((p) => !p.positive && p.fallback);
  console.log(`${"env fallbacks: FPs".padEnd(22)} ${String(fbNeg.length).padStart(5)}  ${tools.map((t) => String(fbNeg.filter((p) => t.s.fp.has(p)).length).padStart(18)).join("")}`);
  if (!flag("--kinds")) return;
  const ext = (p: Planted) => { const base = p.file.slice(p.file.lastIndexOf("/") + 1); return base.includes(".") ? base.slice(base.lastIndexOf(".") + 1) : base; };
  for (const e of [...new Set(pos.filter((p) => p.heldOut && p.category !== "credential-file").map(ext))].sort()) {
    const items = pos.filter((p) => p.heldOut && p.category !== "credential-file" && ext(p) === e);
    if (items.some((p) => p.fresh)) continue;
    console.log(`  ${e.padEnd(20)} ${String(items.length).padStart(5)}  ${tools.map((t) => { const h = items.filter((p) => t.s.hit.has(p)).length; return `${String(h).padStart(5)} (${pct(h, items.length).padStart(4)})`.padStart(18); }).join("")}`);
  }
}
const byKind = (p: Planted) => `${p.category}/${p.kind}`;

// ---------------------------------------------------------------------------------------------

const corpus = flag("--out") ? resolve(opt("--out", "")) : mkdtempSync(join(tmpdir(), "trustrun-bench-recall-"));
mkdirSync(corpus, { recursive: true });
const planted = buildCorpus(corpus, new Rng(seed));
const pos = planted.filter((p) => p.positive).length;
const files = new Set(planted.map((p) => p.file)).size;
console.log(`corpus: ${corpus} (seed ${seed}): ${files} files, ${pos} planted secrets in ${new Set(planted.filter((p) => p.positive).map((p) => p.category)).size} categories, ${planted.length - pos} negatives`);
console.log("synthetic: secrets planted in gitleaks' rule formats and sample contexts; not a real leak corpus");

const tools: Array<{ name: string; s: Score; hits: Hit[] }> = [];
const t0 = performance.now();
const trHits = await runTrustrun(corpus);
console.log(`trustrun: ${trHits.length} secret findings in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
tools.push({ name: "trustrun", s: score(planted, trHits), hits: trHits });
if (flag("--with-secretlint")) {
  const t1 = performance.now();
  const slHits = await runSecretlint(corpus);
  if (slHits) {
    console.log(`secretlint: ${slHits.length} findings in ${((performance.now() - t1) / 1000).toFixed(2)} s`);
    tools.push({ name: "secretlint", s: score(planted, slHits), hits: slHits });
  }
}
report(planted, tools, byCategory);
reportSets(planted, tools);
if (flag("--kinds")) report(planted, tools, byKind);

if (showMisses > 0 || showFps > 0) {
  const t = tools[0];
  const text = new Map<string, string[]>();
  const lineOf = (p: { file: string }, n: number) => {
    if (!text.has(p.file)) text.set(p.file, readFileSync(join(corpus, p.file), "utf8").split("\n"));
    return text.get(p.file)![n - 1] ?? "";
  };
  if (showMisses > 0) {
    console.log(`\nmissed by trustrun (up to ${showMisses} per kind):`);
    const seen = new Map<string, number>();
    for (const p of planted.filter((x) => x.positive && !t.s.hit.has(x))) {
      const key = byKind(p);
      const n = seen.get(key) ?? 0;
      if (n >= showMisses) continue;
      seen.set(key, n + 1);
      console.log(`  ${key.padEnd(36)} ${p.context.padEnd(22)} ${p.file}:${p.start}  ${lineOf(p, p.start).slice(0, 200)}`);
    }
  }
  if (showFps > 0) {
    console.log(`\nfalse positives and stray findings of trustrun (up to ${showFps}):`);
    for (const p of [...t.s.fp].slice(0, showFps)) console.log(`  ${byKind(p).padEnd(36)} ${p.context.padEnd(22)} ${p.file}:${p.start}  ${lineOf(p, p.start).slice(0, 200)}`);
    for (const h of t.s.stray.slice(0, showFps)) console.log(`  stray ${h.rule.padEnd(30)} ${h.file}:${h.line}  ${lineOf(h, h.line).slice(0, 200)}`);
  }
}
if (!flag("--keep") && !flag("--out")) rmSync(corpus, { recursive: true, force: true });
else console.log(`\ncorpus kept in ${corpus}`);

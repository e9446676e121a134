import { body, fake, hex } from "../fake.ts";
import type { SecretRule } from "../types.ts";

// SaaS tokens with distinctive prefixes (the gitleaks rule set covers the same providers).
const upperDigits = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

export const databricksToken: SecretRule = {
  id: "databricks-token",
  description: "Databricks personal access token",
  regex: /\b(dapi[a-f0-9]{32}(?:-\d)?)(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["dapi"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 4,
  truePositives: [`DATABRICKS_TOKEN=${fake("da", "pi", body(32, hex, 121))}`],
  falsePositives: ["dapi" + "0".repeat(32), "dapiversion"],
};

export const postmanKey: SecretRule = {
  id: "postman-api-key",
  description: "Postman API key",
  regex: /\b(PMAK-[a-f0-9]{24}-[a-f0-9]{34})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["PMAK-"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 5,
  truePositives: [fake("PM", "AK-", body(24, hex, 122), "-", body(34, hex, 123))],
  falsePositives: ["PMAK-xxxx"],
};

export const newRelicKey: SecretRule = {
  id: "new-relic-user-key",
  description: "New Relic user API key",
  regex: /\b(NRAK-[A-Z0-9]{27})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["NRAK-"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 5,
  truePositives: [fake("NR", "AK-", body(27, upperDigits, 124))],
  falsePositives: ["NRAK-XXXXXXXXXXXXXXXXXXXXXXXXXXX"],
};

export const shopifyToken: SecretRule = {
  id: "shopify-token",
  description: "Shopify access token or shared secret",
  regex: /\b(shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["shpat_", "shpca_", "shppa_", "shpss_"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 6,
  truePositives: [fake("shp", "at_", body(32, hex, 125))],
  falsePositives: ["shpat_" + "a".repeat(32)],
};

export const linearKey: SecretRule = {
  id: "linear-api-key",
  description: "Linear API key",
  regex: /\b(lin_api_[A-Za-z0-9]{40})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["lin_api_"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 8,
  truePositives: [fake("lin", "_api_", body(40, undefined, 126))],
  falsePositives: ["lin_api_key"],
};

export const telegramBotToken: SecretRule = {
  id: "telegram-bot-token",
  description: "Telegram bot token",
  // On its own, or after "bot" in the Bot API's URLs (https://api.telegram.org/bot<token>/getMe).
  regex: /(?:(?<=\bbot)|(?<![\w:]))(\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: [":AA"],
  keywordLines: 0,
  entropy: 3.5,
  truePositives: [
    `bot = "${fake("1234567890", ":AA", body(33, undefined, 127))}"`,
    `requests.post("https://api.telegram.org/bot${fake("7391846205", ":AA", body(33, undefined, 129))}/sendMessage")`,
    `curl "https://api.telegram.org/file/bot${fake("73918462", ":AA", body(33, undefined, 130))}/photos/a.jpg"`,
  ],
  falsePositives: ["12:AAbc", "10:30:AA", `robot${fake("1234567890", ":AA", body(33, undefined, 131))}`, `bot12${fake("1234567890", ":AA", body(33, undefined, 132))}`],
};

export const sentryToken: SecretRule = {
  id: "sentry-auth-token",
  description: "Sentry organization or user auth token",
  regex: /\b(sntry[su]_[A-Za-z0-9+/=_-]{60,})/g,
  group: 1,
  keywords: ["sntrys_", "sntryu_"],
  keywordLines: 0,
  entropy: 4,
  showPrefix: 7,
  truePositives: [fake("sntr", "ys_", body(80, undefined, 128))],
  falsePositives: ["sntrys_short"],
};

// Sentry DSNs: the client key (32 hex) before "@", and in the legacy form a secret key after ":".
// Sentry treats the client key as safe for browser code, but a DSN in a repository still lets
// anyone send events to the project; the legacy secret key is a credential.
export const sentryDsn: SecretRule = {
  id: "sentry-dsn",
  description: "Sentry DSN (client key, or legacy secret key)",
  regex: /\bhttps?:\/\/([0-9a-f]{32})(?::([0-9a-f]{32}))?@(?:o\d+\.ingest\.(?:[a-z]{2}\.)?sentry\.io|(?:app\.)?sentry\.io|sentry\.[a-z0-9.-]+)\/\d+/g,
  keywords: ["sentry"],
  keywordLines: 0,
  entropy: 3,
  truePositives: [
    `SENTRY_DSN="https://${body(32, hex, 129)}@o${"4871234"}.ingest.us.sentry.io/${"4878430"}"`,
    `sentry_sdk.init(dsn="https://${body(32, hex, 130)}:${body(32, hex, 131)}@sentry.io/${"12345"}")`,
  ],
  falsePositives: ["SENTRY_DSN=https://examplePublicKey@o0.ingest.sentry.io/0", `https://${"0".repeat(32)}@o1.ingest.sentry.io/1`],
};

export const herokuKey: SecretRule = {
  id: "heroku-api-key",
  description: "Heroku API key (HRKU- token, or a UUID named as a Heroku key)",
  regex: /\b(HRKU-AA[0-9A-Za-z_-]{58})(?![0-9A-Za-z_-])|[Hh][Ee][Rr][Oo][Kk][Uu][\w.-]{0,30}["'`\]]{0,2}[ \t]*(?::=|=>|<-|[:=]|[ \t])[ \t]*["'`]?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g,
  keywords: ["HRKU-", "heroku"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 5,
  truePositives: [
    `HEROKU_API_KEY=${fake("HR", "KU-AA", body(58, undefined, 136))}`,
    `heroku_api_key = "${body(8, hex, 137)}-${body(4, hex, 138)}-4${body(3, hex, 139)}-a${body(3, hex, 140)}-${body(12, hex, 141)}"`,
  ],
  falsePositives: ['heroku_app_name = "acme-web"', "HRKU-AAxxxxxx", `heroku_key = "12345678-ABCD-ABCD-ABCD-1234567890AB"`],
};

export const vaultToken: SecretRule = {
  id: "vault-token",
  description: "HashiCorp Vault service or batch token",
  regex: /\b(hv[sb]\.[A-Za-z0-9_-]{90,300})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["hvs.", "hvb."],
  keywordLines: 0,
  entropy: 4,
  showPrefix: 4,
  truePositives: [`VAULT_TOKEN=${fake("hv", "s.", body(96, undefined, 142))}`],
  falsePositives: [`hvs.${"x".repeat(96)}`, "hvs.short"],
};

export const dopplerToken: SecretRule = {
  id: "doppler-token",
  description: "Doppler service or personal token",
  regex: /\b(dp\.(?:pt|st|sa|ct|scim|audit)\.[A-Za-z0-9]{40,44})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["dp.pt.", "dp.st.", "dp.sa.", "dp.ct.", "dp.scim.", "dp.audit."],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 6,
  truePositives: [`DOPPLER_TOKEN="${fake("dp", ".pt.", body(43, undefined, 143))}"`],
  falsePositives: [`dp.pt.${"x".repeat(43)}`],
};

export const notionToken: SecretRule = {
  id: "notion-token",
  description: "Notion integration token",
  regex: /\b(ntn_\d{11}[A-Za-z0-9]{35}|secret_[A-Za-z0-9]{43})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["ntn_", "secret_"],
  keywordLines: 0,
  entropy: 4,
  showPrefix: 4,
  truePositives: [`NOTION_TOKEN=${fake("nt", "n_", "52289332330", body(35, undefined, 144))}`],
  falsePositives: ["ntn_12345", `secret_${"a".repeat(43)}`],
};

export const brevoKey: SecretRule = {
  id: "brevo-api-key",
  description: "Brevo (Sendinblue) API key",
  regex: /\b(xkeysib-[a-f0-9]{64}-[A-Za-z0-9]{16})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["xkeysib-"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 8,
  truePositives: [fake("xkey", "sib-", body(64, hex, 145), "-", body(16, undefined, 146))],
  falsePositives: ["xkeysib-xxxx"],
};

export const ageKey: SecretRule = {
  id: "age-secret-key",
  description: "age encryption secret key",
  regex: /\b(AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Z0-9])/g,
  group: 1,
  keywords: ["AGE-SECRET-KEY-1"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 15,
  truePositives: [fake("AGE-SECRET", "-KEY-1", body(58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L", 147))],
  falsePositives: ["AGE-SECRET-KEY-1QQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQQ", "# age public key: age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p"],
};

export const digitaloceanToken: SecretRule = {
  id: "digitalocean-token",
  description: "DigitalOcean personal access, OAuth or refresh token",
  regex: /\b(do[opr]_v1_[a-f0-9]{64})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["dop_v1_", "doo_v1_", "dor_v1_"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 7,
  truePositives: [fake("do", "p_v1_", body(64, hex, 148))],
  falsePositives: [`dop_v1_${"0".repeat(64)}`],
};

export const grafanaToken: SecretRule = {
  id: "grafana-token",
  description: "Grafana service-account token or Grafana Cloud token",
  regex: /\b(glsa_[A-Za-z0-9]{32}_[A-Fa-f0-9]{8}|glc_[A-Za-z0-9+/]{32,400}={0,3})(?![A-Za-z0-9+/=_])/g,
  group: 1,
  keywords: ["glsa_", "glc_"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 5,
  truePositives: [fake("gl", "sa_", body(32, undefined, 149), "_", body(8, hex, 150)), `GRAFANA_TOKEN=${fake("gl", "c_", body(80, undefined, 151))}`],
  falsePositives: ["glsa_short", `glc_${"A".repeat(40)}`],
};

export const pulumiToken: SecretRule = {
  id: "pulumi-access-token",
  description: "Pulumi access token",
  regex: /\b(pul-[a-f0-9]{40})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["pul-"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 4,
  truePositives: [`PULUMI_ACCESS_TOKEN=${fake("pu", "l-", body(40, hex, 152))}`],
  falsePositives: [`pul-${"0".repeat(40)}`, "pul-request"],
};

export const rules = [
  databricksToken, postmanKey, newRelicKey, shopifyToken, linearKey, telegramBotToken, sentryToken, sentryDsn, herokuKey,
  vaultToken, dopplerToken, notionToken, brevoKey, ageKey, digitaloceanToken, grafanaToken, pulumiToken,
];

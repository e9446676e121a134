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
  entropy: 3.5,
  showPrefix: 8,
  truePositives: [fake("lin", "_api_", body(40, undefined, 126))],
  falsePositives: ["lin_api_key"],
};

export const telegramBotToken: SecretRule = {
  id: "telegram-bot-token",
  description: "Telegram bot token",
  regex: /(?<![\w:])(\d{8,10}:AA[A-Za-z0-9_-]{33})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: [":AA"],
  entropy: 3.5,
  truePositives: [`bot = "${fake("1234567890", ":AA", body(33, undefined, 127))}"`],
  falsePositives: ["12:AAbc", "10:30:AA"],
};

export const sentryToken: SecretRule = {
  id: "sentry-auth-token",
  description: "Sentry organization or user auth token",
  regex: /\b(sntry[su]_[A-Za-z0-9+/=_-]{60,})/g,
  group: 1,
  keywords: ["sntrys_", "sntryu_"],
  entropy: 4,
  showPrefix: 7,
  truePositives: [fake("sntr", "ys_", body(80, undefined, 128))],
  falsePositives: ["sntrys_short"],
};

export const rules = [databricksToken, postmanKey, newRelicKey, shopifyToken, linearKey, telegramBotToken, sentryToken];

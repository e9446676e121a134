import { body, fake, urlsafe } from "../fake.ts";
import type { SecretRule } from "../types.ts";

export const googleApiKey: SecretRule = {
  id: "google-api-key",
  description: "Google API key (Maps, Gemini, Firebase...)",
  regex: /\b(AIza[0-9A-Za-z_-]{35})(?![0-9A-Za-z_-])/g,
  group: 1,
  keywords: ["AIza"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 4,
  truePositives: [`GOOGLE_API_KEY=${fake("AI", "za", body(35, urlsafe, 41))}`, `key: "${fake("AI", "za", body(35, urlsafe, 42))}"`],
  falsePositives: ["AIzaSyEXAMPLE", `AIza${"0".repeat(35)}`],
};

export const googleOauthSecret: SecretRule = {
  id: "google-oauth-client-secret",
  description: "Google OAuth client secret",
  regex: /\b(GOCSPX-[A-Za-z0-9_-]{28})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["GOCSPX-"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 7,
  truePositives: [`"client_secret": "${fake("GOC", "SPX-", body(28, urlsafe, 43))}"`],
  falsePositives: ["GOCSPX-xxxxxxxxxxxxxxxxxxxxxxxxxxxx"],
};

export const gcpServiceAccount: SecretRule = {
  id: "gcp-service-account",
  description: "Google Cloud service-account key file",
  regex: /"type"\s*:\s*"service_account"[\s\S]{0,400}?"private_key_id"\s*:\s*"([a-f0-9]{40})"/g,
  group: 1,
  keywords: ["service_account"],
  truePositives: [`{"type": "service_account", "project_id": "p", "private_key_id": "${body(40, "0123456789abcdef", 44)}"}`],
  falsePositives: ['{"type": "service_account", "private_key_id": "<id>"}'],
};

export const rules = [googleApiKey, googleOauthSecret, gcpServiceAccount];

import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";

// Other providers met in data and ML work.
export const huggingfaceToken: SecretRule = {
  id: "huggingface-token",
  description: "Hugging Face access or organization token",
  regex: /\b((?:hf_|api_org_)[A-Za-z]{34})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["hf_", "api_org_"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 3,
  truePositives: [fake("h", "f_", body(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 111)), `hf_org_token = '${fake("api", "_org_", body(34, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", 118))}'`],
  falsePositives: ["hf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "hf_hub_download", "api_org_name_lookup_helper_function_x"],
};

export const npmToken: SecretRule = {
  id: "npm-token",
  description: "npm access token",
  regex: /\b(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["npm_"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 4,
  truePositives: [`//registry.npmjs.org/:_authToken=${fake("np", "m_", body(36, undefined, 112))}`],
  falsePositives: ["npm_config_cache", `npm_${"a".repeat(36)}`],
};

export const sendgridKey: SecretRule = {
  id: "sendgrid-api-key",
  description: "SendGrid API key",
  regex: /\b(SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["SG."],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 3,
  truePositives: [fake("S", "G.", body(22, undefined, 113), ".", body(43, undefined, 114))],
  falsePositives: ["SG.example"],
};

export const pypiToken: SecretRule = {
  id: "pypi-token",
  description: "PyPI upload token",
  regex: /\b(pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,})/g,
  group: 1,
  keywords: ["pypi-AgEIcHlwaS5vcmc"],
  keywordLines: 0,
  showPrefix: 5,
  truePositives: [fake("pypi-", "AgEIcHlwaS5vcmc", body(60, undefined, 115))],
  falsePositives: ["pypi-token"],
};

export const twilioKey: SecretRule = {
  id: "twilio-api-key",
  description: "Twilio API key SID",
  regex: /\b(SK[0-9a-f]{32})(?![0-9a-fA-F])/g,
  group: 1,
  keywords: ["SK"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 2,
  truePositives: [fake("S", "K", body(32, "0123456789abcdef", 116))],
  falsePositives: ["SK" + "0".repeat(32), "ASK" + body(32, "0123456789abcdef", 117)],
};

// AI inference providers with their own key prefixes.
export const groqKey: SecretRule = {
  id: "groq-api-key",
  description: "Groq API key",
  regex: /\b(gsk_[A-Za-z0-9]{48,56})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["gsk_"],
  keywordLines: 0,
  entropy: 4,
  showPrefix: 4,
  truePositives: [`GROQ_API_KEY="${fake("gs", "k_", body(52, undefined, 131))}"`],
  falsePositives: [`gsk_${"x".repeat(52)}`, "gsk_short"],
};

export const perplexityKey: SecretRule = {
  id: "perplexity-api-key",
  description: "Perplexity API key",
  regex: /\b(pplx-[A-Za-z0-9]{48})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["pplx-"],
  keywordLines: 0,
  entropy: 4,
  showPrefix: 5,
  truePositives: [`perplexity.api.key = ${fake("pp", "lx-", body(48, undefined, 132))}`],
  falsePositives: [`pplx-${"x".repeat(48)}`, "pplx-api"],
};

export const langsmithKey: SecretRule = {
  id: "langsmith-api-key",
  description: "LangSmith personal access token or service key",
  regex: /\b(lsv2_(?:pt|sk)_[a-f0-9]{32}_[a-f0-9]{10})(?![A-Za-z0-9_])/g,
  group: 1,
  keywords: ["lsv2_pt_", "lsv2_sk_"],
  keywordLines: 0,
  entropy: 3,
  showPrefix: 8,
  truePositives: [`LANGCHAIN_API_KEY=${fake("lsv2", "_pt_", body(32, "0123456789abcdef", 133), "_", body(10, "0123456789abcdef", 134))}`],
  falsePositives: ["LANGCHAIN_API_KEY=ls__0123456789abcdef0123456789abcdef", `lsv2_xx_${body(32, "0123456789abcdef", 135)}_0123456789`],
};

export const rules = [huggingfaceToken, npmToken, sendgridKey, pypiToken, twilioKey, groqKey, perplexityKey, langsmithKey];

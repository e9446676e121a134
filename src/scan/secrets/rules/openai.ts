import { body, fake, urlsafe } from "../fake.ts";
import type { SecretRule } from "../types.ts";

// OpenAI keys embed "T3BlbkFJ" (base64 of "OpenAI"); project/service keys start sk-proj-/sk-svcacct-.
export const openaiApiKey: SecretRule = {
  id: "openai-api-key",
  description: "OpenAI API key",
  regex: /\b(sk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_-]{16,160}T3BlbkFJ[A-Za-z0-9_-]{16,160})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["T3BlbkFJ"],
  keywordLines: 0,
  showPrefix: 8,
  truePositives: [
    `OPENAI_API_KEY=${fake("sk-proj-", body(58, urlsafe, 1), "T3Blbk", "FJ", body(58, urlsafe, 2))}`,
    `key = "${fake("sk-", body(20, undefined, 3), "T3Blbk", "FJ", body(20, undefined, 4))}"`,
  ],
  falsePositives: ['OPENAI_API_KEY="sk-your-key-here"', "T3BlbkFJ alone", `sk-${"x".repeat(10)}`],
};

// Newer project keys without the marker: long, high-entropy, sk-proj- prefix.
export const openaiProjectKey: SecretRule = {
  id: "openai-project-key",
  description: "OpenAI project or service-account key",
  regex: /\b(sk-(?:proj|svcacct|admin)-[A-Za-z0-9_-]{80,200})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["sk-proj-", "sk-svcacct-", "sk-admin-"],
  keywordLines: 0,
  entropy: 4.5,
  validate: (s) => !s.includes("T3BlbkFJ"),
  showPrefix: 8,
  truePositives: [`api_key="${fake("sk-proj-", body(120, urlsafe, 9))}"`],
  falsePositives: [`sk-proj-${"a".repeat(100)}`, "sk-proj-xxxxxxxxxxxxxxxxxxxx"],
};

export const rules = [openaiApiKey, openaiProjectKey];

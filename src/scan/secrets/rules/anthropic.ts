import { body, fake, urlsafe } from "../fake.ts";
import type { SecretRule } from "../types.ts";

export const anthropicApiKey: SecretRule = {
  id: "anthropic-api-key",
  description: "Anthropic API or admin key",
  regex: /\b(sk-ant-(?:api|admin|oat|sid)\d{2}-[A-Za-z0-9_-]{80,120})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["sk-ant-"],
  keywordLines: 0,
  entropy: 4,
  showPrefix: 10,
  truePositives: [
    `ANTHROPIC_API_KEY=${fake("sk-ant-", "api03-", body(93, urlsafe, 5), "AA")}`,
    `"${fake("sk-ant-", "admin01-", body(93, urlsafe, 6), "AA")}"`,
  ],
  falsePositives: ["sk-ant-api03-your-key", `sk-ant-api03-${"x".repeat(95)}`],
};

export const rules = [anthropicApiKey];

import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";

export const slackToken: SecretRule = {
  id: "slack-token",
  description: "Slack bot, user, app or config token",
  regex: /\b(xox[abposer]-(?:\d+-)?[A-Za-z0-9-]{10,250})(?![A-Za-z0-9-])/g,
  group: 1,
  keywords: ["xox"],
  keywordLines: 0,
  entropy: 3,
  validate: (s) => !isPlaceholder(s.slice(5)),
  showPrefix: 5,
  truePositives: [fake("xo", "xb-", body(13, "0123456789", 63), "-", body(13, "0123456789", 64), "-", body(24, undefined, 61))],
  falsePositives: ["xoxb-your-token", "xoxb-xxxxxxxxxx-xxxxxxxxxxxx"],
};

export const slackWebhook: SecretRule = {
  id: "slack-webhook",
  description: "Slack incoming webhook URL",
  regex: /hooks\.slack\.com\/(?:services|workflows|triggers)\/([A-Za-z0-9+/]{43,56}|T[A-Z0-9]{6,12}\/B[A-Z0-9]{6,12}\/[A-Za-z0-9]{20,30})/g,
  group: 1,
  keywords: ["hooks.slack.com"],
  keywordLines: 0,
  entropy: 3,
  truePositives: [`https://hooks.slack.com/services/${fake("T0", "1ABCDEF2", "/B0", "1ABCDEF2/", body(24, undefined, 62))}`],
  falsePositives: ["https://hooks.slack.com/services/T000/B000/XXXX"],
};

export const rules = [slackToken, slackWebhook];

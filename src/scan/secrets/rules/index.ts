// Every secret rule, in reporting priority order (specific providers before the generic rule).
import type { SecretRule } from "../types.ts";
import * as anthropic from "./anthropic.ts";
import * as authHeader from "./auth-header.ts";
import * as aws from "./aws.ts";
import * as azure from "./azure.ts";
import * as connection from "./connection-string.ts";
import * as credentials from "./credentials.ts";
import * as generic from "./generic.ts";
import * as github from "./github.ts";
import * as google from "./google.ts";
import * as jwt from "./jwt.ts";
import * as more from "./more.ts";
import * as openai from "./openai.ts";
import * as privateKey from "./private-key.ts";
import * as saas from "./saas.ts";
import * as slack from "./slack.ts";
import * as stripe from "./stripe.ts";

export const secretRules: SecretRule[] = [
  ...openai.rules, ...anthropic.rules, ...aws.rules, ...azure.rules, ...google.rules, ...github.rules,
  ...slack.rules, ...stripe.rules, ...privateKey.rules, ...jwt.rules, ...connection.rules, ...more.rules, ...saas.rules,
  ...credentials.rules, ...authHeader.rules, ...generic.rules,
];

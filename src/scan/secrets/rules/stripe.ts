import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";

export const stripeKey: SecretRule = {
  id: "stripe-secret-key",
  description: "Stripe secret or restricted key",
  regex: /\b((?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,247})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["sk_live_", "rk_live_", "sk_test_", "rk_test_"],
  keywordLines: 0,
  entropy: 3.5,
  showPrefix: 8,
  truePositives: [fake("sk", "_live_", body(24, undefined, 71)), `STRIPE_KEY="${fake("rk", "_test_", body(40, undefined, 72))}"`],
  falsePositives: ["sk_live_xxxxxxxxxxxxxxxxxxxxxxxx", "pk_live_" + body(24, undefined, 73)],
};

export const rules = [stripeKey];

import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";

const secretName = /(?:api[_-]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|auth[_-]?key|credential|access[_-]?key|private[_-]?key|client[_-]?secret|bearer)[\w.-]{0,25}["'\]]?\s*$/i;

// A secret-named variable assigned a high-entropy literal. The last resort, so strict: quoted
// value (or .env style), 16+ chars, entropy >= 3.5, mixed character classes, no placeholders.
export const genericSecret: SecretRule = {
  id: "generic-secret",
  description: "High-entropy value assigned to a secret-looking name",
  // Anchored on the assignment (fast); the secret-looking name is checked on the same line before it.
  regex: /(?::=|=>|[:=])[ \t]*(?:["'`]([^"'`\s]{16,200})["'`]|([A-Za-z0-9+/_.~=-]{20,200})[ \t]*$)/gm,
  keywords: ["key", "secret", "token", "pass", "pwd", "credential", "bearer"],
  entropy: 3.5,
  validate: (s, m) => {
    const text = m.input ?? "";
    const at = m.index ?? 0;
    const lineStart = text.lastIndexOf("\n", at - 1) + 1;
    if (!secretName.test(text.slice(Math.max(lineStart, at - 80), at))) return false;
    const v = m[1] ?? m[2] ?? s;
    if (isPlaceholder(v)) return false;
    if (/^[a-z]+(?:[._-][a-z]+)*$/i.test(v)) return false; // words and identifiers
    if (/\[[^\]]*-[^\]]*\]|\\[dDwWsS.]|\(\?[:=!<]/.test(v)) return false; // regular expressions
    if (/^(?:https?:|\/|\.\/|\$|%|process\.env|os\.environ|env\(|getenv|Sys\.getenv)/.test(v)) return false;
    if (/^[\w.-]+\.(?:json|ya?ml|txt|pem|key|crt|py|js|ts|r)$/i.test(v)) return false;
    const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(v)).length;
    return classes >= 2 && /\d/.test(v);
  },
  truePositives: [
    `API_KEY = "${fake("Xq7", body(29, undefined, 101))}"`,
    `client_secret: '${fake("p9Z", body(21, undefined, 102))}'`,
    `MY_SERVICE_TOKEN=${fake("aB3", body(30, undefined, 103))}`,
  ],
  falsePositives: [
    'api_key = os.environ["OPENAI_API_KEY"]',
    'password = "correct-horse-battery-staple"',
    'token = "${GITHUB_TOKEN}"',
    'secret_file = "credentials/service-account.json"',
    'API_KEY = "your-api-key-goes-here-1234"',
    'tokenizer_name = "bert-base-uncased"',
    'const TOKEN_STRINGS = "[A-Za-z0-9._~+/-]+=*";',
    `description = "${fake("Xq7", body(29, undefined, 105))}"`,
  ],
};

export const rules = [genericSecret];

import { body, fake, hex } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";
import { plausibleSecret } from "./generic.ts";

// A literal credential in an HTTP Authorization header: curl -H, fetch/requests header objects,
// YAML/JSON request configs, raw HTTP. Provider tokens and JWTs are claimed by their own rules
// first (earlier in the list); this catches opaque bearer tokens and Basic credentials.
export const authorizationHeader: SecretRule = {
  id: "authorization-header",
  description: "Credential in an Authorization header (Bearer, Token or Basic)",
  // Quotes may be backslash-escaped (notebooks, JSON in strings); nginx separates with a blank.
  regex: /Authorization[\\"'`\]]{0,3}(?:[ \t]*(?:[:=,]|=>)[ \t]*|[ \t]+(?=["'`]))[\\"'`]{0,2}[ \t]*(Bearer|Token|Basic|Api-Token)[ \t]+([A-Za-z0-9._~+/=-]{12,1000})/gi,
  group: 2,
  keywords: ["authorization"],
  keywordLines: 0,
  entropy: 3,
  validate: (s, m) => {
    if (isPlaceholder(s) || /^(?:\$|\{|<)/.test(s)) return false;
    if (/^basic$/i.test(m[1])) {
      // Basic credentials are base64 of user:password; anything else is prose or a template.
      const decoded = Buffer.from(s, "base64").toString("utf8");
      const colon = decoded.indexOf(":");
      return colon > 0 && /^[\x20-\x7e]+$/.test(decoded) && decoded.length - colon > 3 && !isPlaceholder(decoded.slice(colon + 1));
    }
    return /\d/.test(s) && /[A-Za-z]/.test(s);
  },
  showPrefix: 0,
  truePositives: [
    `curl -s -H "Authorization: Bearer ${body(40, undefined, 161)}" https://api.example.com/v1/jobs`,
    `headers = {"Authorization": "Token ${body(40, hex, 162)}"}`,
    `  -H 'Authorization: Basic ${Buffer.from(fake("svc-etl:", "Gr4n", "ite-", body(10, undefined, 163))).toString("base64")}' \\`,
    `  headers: { Authorization: \`Bearer ${body(48, undefined, 164)}\` },`,
    `    "headers = {\\"Authorization\\": \\"Bearer ${body(32, hex, 165)}\\"}\\n",`,
    `        proxy_set_header Authorization "Bearer ${body(40, undefined, 168)}";`,
  ],
  falsePositives: [
    '-H "Authorization: Bearer $API_KEY"',
    '-H "Authorization: Bearer ${TOKEN}"',
    'curl -H "Authorization: Bearer XXXXXXXXXXXX" https://x',
    '"Authorization": "Bearer <your token>"',
    "-H 'Authorization: Basic ...'",
    '"Authorization": `Bearer ${token}`',
    "Authorization: Bearer authentication-token-here",
    `-H "Authorization: Basic ${Buffer.from("not base64 user pass").toString("base64")}"`,
  ],
};

// API-key headers (X-API-Key, api-key, X-Auth-Token...) written as `Name: value` inside a quoted
// header argument (curl -H "X-API-Key: ..."), where no assignment rule sees a value.
export const apiKeyHeader: SecretRule = {
  id: "api-key-header",
  description: "Credential in an API-key header (X-API-Key, api-key, X-Auth-Token)",
  regex: /["'](?:X-[A-Za-z]+-)?(?:X-)?(?:Api-?Key|Auth-?Token|Access-?Token|Api-?Token|Subscription-Key)[ \t]*:[ \t]*([A-Za-z0-9._~+/=-]{16,500})["']/gi,
  group: 1,
  keywords: ["api-key", "apikey", "auth-token", "access-token", "api-token", "subscription-key"],
  keywordLines: 0,
  entropy: 3,
  validate: (s) => plausibleSecret("api_key", s),
  truePositives: [`curl -s -H "X-API-Key: ${body(32, undefined, 166)}" https://api.example.com/v1/jobs`, `-H 'X-Auth-Token: ${body(40, undefined, 167)}'`],
  falsePositives: ['-H "X-API-Key: $API_KEY"', "-H 'X-API-Key: your-api-key-here'", '-H "X-Auth-Token: xxxxxxxxxxxxxxxxxxxx"', '-H "x-api-key: secret-key-123456"'],
};

export const rules = [authorizationHeader, apiKeyHeader];

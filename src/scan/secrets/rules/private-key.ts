import { b64, body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";

const begin = ["-----BEGIN", " RSA PRIVATE KEY-----"].join("");
const end = ["-----END", " RSA PRIVATE KEY-----"].join("");

export const privateKey: SecretRule = {
  id: "private-key",
  description: "Private key block (RSA, EC, OpenSSH, PGP, PKCS#8)",
  regex: /-----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----\s*?((?:[^-]|-(?!----BEGIN)){64,}?)-----END[ A-Z0-9_-]{0,100}PRIVATE KEY(?: BLOCK)?-----/g,
  group: 1,
  keywords: ["PRIVATE KEY"],
  // Elided bodies and documentation keys (AWS's examples start their bodies with EXAMPLE).
  validate: (s) => /[A-Za-z0-9+/]{40}/.test(s) && !/\.\.\.|<|\{\{/.test(s.slice(0, 80)) && !s.includes("EXAMPLE"),
  truePositives: [`${begin}\n${body(64, b64, 81)}\n${body(64, b64, 82)}\n${end}`],
  falsePositives: [
    `${begin}\n...\n${end}`,
    "# paste your PRIVATE KEY here",
    // awscli's Lightsail examples
    `"privateKey": "${begin}\\n${fake("EXAMPLE", body(57, b64, 83))}\\n${body(64, b64, 84)}\\n${end}"`,
  ],
};

export const rules = [privateKey];

import type { SecretRule } from "../types.ts";

const b64url = (s: string) => Buffer.from(s).toString("base64url");

export const jwt: SecretRule = {
  id: "jwt",
  description: "JSON Web Token",
  regex: /\b(ey[A-Za-z0-9_-]{12,}\.ey[A-Za-z0-9_-]{12,}\.[A-Za-z0-9_-]{16,})(?![A-Za-z0-9_.-])/g,
  group: 1,
  keywords: ["eyJ"],
  keywordLines: 0,
  showPrefix: 3,
  validate: (s) => {
    try {
      const header = JSON.parse(Buffer.from(s.split(".")[0], "base64url").toString("utf8"));
      return typeof header === "object" && header !== null && ("alg" in header || "typ" in header);
    } catch {
      return false;
    }
  },
  truePositives: [
    `Authorization: Bearer ${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url('{"sub":"fake-user","iat":1}')}.${b64url("not-a-real-signature-000")}`,
  ],
  falsePositives: [`${b64url('{"x":1}').replace(/^e/, "e")}.eyJhbGciOiJub25lIn0.abc`, "eyJhbGciOi"],
};

export const rules = [jwt];

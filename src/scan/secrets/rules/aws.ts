import { b64, body, fake, upper } from "../fake.ts";
import type { SecretRule } from "../types.ts";

export const awsAccessKeyId: SecretRule = {
  id: "aws-access-key-id",
  description: "AWS access key ID",
  regex: /(?<![A-Z0-9])((?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16})(?![A-Z0-9])/g,
  group: 1,
  keywords: ["AKIA", "ASIA", "ABIA", "ACCA", "A3T"],
  keywordLines: 0,
  entropy: 3,
  // AWS documentation keys hold EXAMPLE (AKIAIOSFODNN7EXAMPLE, AKIAEXAMPLEPBUMBC3GA).
  validate: (s) => !s.includes("EXAMPLE"),
  showPrefix: 4,
  truePositives: [`aws_access_key_id = ${fake("AK", "IA", body(16, upper, 11))}`, `"${fake("AS", "IA", body(16, upper, 12))}"`],
  falsePositives: [
    fake("AKIA", "IOSFODNN7", "EXAMPLE"),
    "AKIAAAAAAAAAAAAAAAAA",
    "XAKIA" + body(16, upper, 13),
    // awscli's devicefarm examples: a presigned URL's credential
    `https://prod-us-west-2-uploads.s3-us-west-2.amazonaws.com/?X-Amz-Credential=${fake("AKIA", "EXAMPLE", "PBUMBC3GA")}%2F20170824%2Fus-west-2`,
  ],
};

export const awsSecretAccessKey: SecretRule = {
  id: "aws-secret-access-key",
  description: "AWS secret access key",
  regex: /(?:aws|AWS|Aws)[\w.-]{0,20}(?:secret|SECRET|Secret)[\w.-]{0,20}["']?\s*(?:[:=]|=>|:=)\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/g,
  group: 1,
  keywords: ["aws"],
  keywordLines: 2, // the value can follow on the next lines
  entropy: 4.2,
  validate: (s) => !s.includes("EXAMPLE"),
  truePositives: [
    `aws_secret_access_key = ${body(40, b64, 21)}`,
    `AWS_SECRET_ACCESS_KEY="${body(40, b64, 22)}"`,
  ],
  falsePositives: [
    `aws_secret_access_key = ${fake("wJalrXUtnFEMI/K7MDENG/bPxRfiCY", "EXAMPLEKEY")}`,
    `aws_secret_access_key = ${"A".repeat(40)}`,
  ],
};

export const rules = [awsAccessKeyId, awsSecretAccessKey];

import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";

export const githubToken: SecretRule = {
  id: "github-token",
  description: "GitHub personal access, OAuth, app or refresh token",
  regex: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
  entropy: 3.5,
  showPrefix: 4,
  truePositives: [`GITHUB_TOKEN=${fake("gh", "p_", body(36, undefined, 51))}`, `token: ${fake("gh", "s_", body(36, undefined, 52))}`],
  falsePositives: [`ghp_${"x".repeat(36)}`, "ghp_short"],
};

export const githubFineGrained: SecretRule = {
  id: "github-fine-grained-pat",
  description: "GitHub fine-grained personal access token",
  regex: /\b(github_pat_[A-Za-z0-9_]{82})(?![A-Za-z0-9_])/g,
  group: 1,
  keywords: ["github_pat_"],
  entropy: 4,
  showPrefix: 11,
  truePositives: [fake("github", "_pat_", body(82, undefined, 53))],
  falsePositives: ["github_pat_xxxxxxxx"],
};

export const gitlabToken: SecretRule = {
  id: "gitlab-token",
  description: "GitLab personal access token",
  regex: /\b(glpat-[A-Za-z0-9_-]{20})(?![A-Za-z0-9_-])/g,
  group: 1,
  keywords: ["glpat-"],
  entropy: 3.5,
  showPrefix: 6,
  truePositives: [fake("gl", "pat-", body(20, undefined, 54))],
  falsePositives: ["glpat-xxxxxxxxxxxxxxxxxxxx"],
};

export const rules = [githubToken, githubFineGrained, gitlabToken];

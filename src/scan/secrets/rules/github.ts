import { body, fake } from "../fake.ts";
import type { SecretRule } from "../types.ts";
import { isPlaceholder } from "../placeholder.ts";

export const githubToken: SecretRule = {
  id: "github-token",
  description: "GitHub personal access, OAuth, app or refresh token",
  regex: /\b((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36})(?![A-Za-z0-9])/g,
  group: 1,
  keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_"],
  keywordLines: 0,
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
  keywordLines: 0,
  entropy: 4,
  showPrefix: 11,
  truePositives: [fake("github", "_pat_", body(82, undefined, 53))],
  falsePositives: ["github_pat_xxxxxxxx"],
};

// GitLab's token family (docs.gitlab.com/ee/security/tokens): personal, deploy, runner, feed,
// SCIM, feature-flag tokens (prefix + 20), the routable form (longer payload + "." + version and
// CRC), pipeline triggers, runner registration, incoming mail, agent and OAuth app secrets.
export const gitlabToken: SecretRule = {
  id: "gitlab-token",
  description: "GitLab personal, deploy, runner, trigger or other access token",
  regex: /\b((?:glpat|gldt|glrt|glft|glsoat|glffct)-[0-9A-Za-z_-]{20}(?:[0-9A-Za-z_-]{7,280}\.[0-9a-z]{2}\.?[0-9a-z]{7,9})?|glrt-t\d_[0-9A-Za-z_-]{27,300}\.[0-9a-z]{2}\.?[0-9a-z]{7,9}|glptt-[0-9a-f]{40}|GR1348941[0-9A-Za-z_-]{20}|glimt-[0-9A-Za-z_-]{25}|glagent-[0-9A-Za-z_-]{50}|gloas-[0-9A-Za-z_-]{64}|glcbt-[0-9A-Za-z]{1,5}_[0-9A-Za-z_-]{20})(?![0-9A-Za-z_-])/g,
  group: 1,
  keywords: ["glpat-", "gldt-", "glrt-", "glft-", "glsoat-", "glffct-", "glptt-", "GR1348941", "glimt-", "glagent-", "gloas-", "glcbt-"],
  keywordLines: 0,
  entropy: 3.5,
  validate: (s) => !isPlaceholder(s.slice(s.indexOf("-") + 1)),
  showPrefix: 6,
  truePositives: [
    fake("gl", "pat-", body(20, undefined, 54)),
    `GITLAB_TOKEN=${fake("gl", "pat-", body(38, undefined, 55), ".01.", body(9, "abcdefghijklmnopqrstuvwxyz0123456789", 56))}`,
    `token: ${fake("gl", "ptt-", body(40, "0123456789abcdef", 57))}`,
    `--registration-token ${fake("GR13", "48941", body(20, undefined, 58))}`,
    fake("gl", "dt-", body(20, undefined, 59)),
  ],
  falsePositives: ["glpat-xxxxxxxxxxxxxxxxxxxx", "glpat-XXXXXXXXXXX-XXXXXXXX", `glptt-${"x".repeat(40)}`, "GR1348941XXXXXXXXXXXXXXXXXXXX"],
};

export const rules = [githubToken, githubFineGrained, gitlabToken];

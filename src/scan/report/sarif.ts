// SARIF 2.1.0 for code-scanning UIs: one rule per finding rule, one result per finding.
import { pathToFileURL } from "node:url";
import { secretRules } from "../secrets/rules/index.ts";
import type { Finding, ScanResult } from "../types.ts";

export const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

/** Secrets and violations in code are errors; a violation in a comment or docs is a note. */
function level(f: Finding): "error" | "warning" | "note" {
  if (f.kind === "secret") return "error";
  if (f.verdict === "violation") return (f.context ?? "code") === "code" ? "error" : "note";
  return "note";
}

function message(f: Finding): string {
  if (f.kind === "secret") return `Hard-coded secret (${f.rule.replace(/^secret\//, "")}): ${f.value}`;
  const what = f.kind === "sdk-client" ? "SDK client for" : f.kind === "call-site" ? "Network call to" : f.kind === "ip" ? "IP address" : f.kind === "host" ? "Hostname" : "URL";
  const v = f.verdict === "violation" ? " violates the network policy" : f.verdict === "allowed" ? " is allowed by the policy" : " is not covered by the policy";
  const where = f.context === "comment" ? " in a comment" : f.context === "docs" ? " in documentation" : "";
  return `${what} ${f.value}${f.host && f.host !== f.value ? ` (host ${f.host})` : ""}${where}${v}.`;
}

function ruleText(id: string): string {
  const secret = secretRules.find((r) => `secret/${r.id}` === id);
  if (secret) return secret.description;
  const [a, b] = id.split("/");
  if (a === "url") return `Absolute ${b} URL`;
  if (a === "ip") return `IP${b} address literal`;
  if (a === "host") return "Hostname in a string or setting";
  return `Network endpoint used through ${b} (${a})`;
}

/** What the rule means and what to do about a result: code-scanning UIs show it beside each alert. */
function ruleHelp(id: string): { full: string; help: string } {
  if (id.startsWith("secret/")) {
    return {
      full: `${ruleText(id)}. A credential in the source is readable by anyone with the code, its history and its builds.`,
      help:
        "Remove the secret from the code and its history, rotate it at the provider (treat it as leaked), and load it at run time " +
        "from the environment or a secret manager. If the value is a placeholder or test data, add the finding to a baseline " +
        "(trustrun scan --write-baseline) so it no longer fails the scan.",
    };
  }
  const [kind] = id.split("/");
  const what = kind === "url" || kind === "ip" || kind === "host" ? "An endpoint written in the source" : "An endpoint this code calls through a network client or SDK";
  return {
    full: `${ruleText(id)}. ${what}: the program may connect to it at run time.`,
    help:
      "Check the destination against your network policy. If the program is meant to reach it (for example a BAA-covered " +
      "service), allow it with a rule in trustrun.yaml; if not, remove the call or point it at an approved endpoint. The " +
      "result's verdict says what the policy given to the scan decided: violation, allowed, or not covered.",
  };
}

export function renderSarif(result: ScanResult, toolVersion = "0.0.0"): string {
  const ids = [...new Set(result.findings.map((f) => f.rule))].sort();
  const index = new Map(ids.map((id, i) => [id, i]));
  const rootUri = pathToFileURL(result.root.endsWith("/") ? result.root : `${result.root}/`).href;
  const sarif = {
    $schema: sarifSchema,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "trustrun",
            semanticVersion: toolVersion,
            informationUri: "https://github.com/trustrun/trustrun",
            rules: ids.map((id) => ({
              id,
              name: id.replace(/[^A-Za-z0-9]+(.)?/g, (_, ch: string | undefined) => (ch ? ch.toUpperCase() : "")),
              shortDescription: { text: ruleText(id) },
              fullDescription: { text: ruleHelp(id).full },
              help: { text: ruleHelp(id).help },
              defaultConfiguration: { level: id.startsWith("secret/") ? "error" : "note" },
              properties: { tags: [id.startsWith("secret/") ? "security" : "network", "trustrun"] },
            })),
          },
        },
        originalUriBaseIds: { SRCROOT: { uri: rootUri } },
        columnKind: "utf16CodeUnits",
        results: result.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule),
          level: level(f),
          message: { text: message(f) },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: f.file.split("/").map(encodeURIComponent).join("/"), uriBaseId: "SRCROOT" },
                region: { startLine: f.line, startColumn: f.column },
              },
            },
          ],
          partialFingerprints: f.fingerprint ? { "trustrunFinding/v1": f.fingerprint } : undefined,
          properties: { kind: f.kind, host: f.host, verdict: f.verdict, context: f.context ?? "code", analyzer: f.analyzer, language: f.language },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

// SARIF 2.1.0 for code-scanning UIs: one rule per finding rule, one result per finding.
import { pathToFileURL } from "node:url";
import { secretRules } from "../secrets/rules/index.ts";
import type { Finding, ScanResult } from "../types.ts";

export const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json";

function level(f: Finding): "error" | "warning" | "note" {
  if (f.kind === "secret" || f.verdict === "violation") return "error";
  return "note";
}

function message(f: Finding): string {
  if (f.kind === "secret") return `Hard-coded secret (${f.rule.replace(/^secret\//, "")}): ${f.value}`;
  const what = f.kind === "sdk-client" ? "SDK client for" : f.kind === "call-site" ? "Network call to" : f.kind === "ip" ? "IP address" : f.kind === "host" ? "Hostname" : "URL";
  const v = f.verdict === "violation" ? " violates the network policy" : f.verdict === "allowed" ? " is allowed by the policy" : " is not covered by the policy";
  return `${what} ${f.value}${f.host && f.host !== f.value ? ` (host ${f.host})` : ""}${v}.`;
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
          properties: { kind: f.kind, host: f.host, verdict: f.verdict, analyzer: f.analyzer, language: f.language },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

// Tenant facts as one line for people (TUI detail, web view): whose account a request was for.
import type { TenantFacts } from "./types.ts";

export function tenantText(t: TenantFacts | undefined): string | null {
  if (!t) return null;
  const parts = [
    t.awsAccount ? `AWS account ${t.awsAccount}` : "",
    t.awsService || t.awsRegion ? `AWS ${[t.awsService, t.awsRegion].filter(Boolean).join(" in ")}` : "",
    t.awsAccessKey ? `key ${t.awsAccessKey}` : "",
    t.azureResource ? `Azure resource ${t.azureResource}` : "",
    t.azureTenant ? `Entra tenant ${t.azureTenant}` : "",
  ].filter(Boolean);
  return parts.length ? parts.join(" · ") : null;
}

// Tenant facts read from a request where the hostname alone cannot prove whose account it is:
// bedrock-runtime.us-east-1.amazonaws.com serves every AWS account, and an Azure endpoint can be
// called with any tenant's token. Pure and defensive: untrusted input never throws.
import type { TenantFacts } from "../../core/types.ts";
import type { HeaderList } from "./http-head.ts";
import { headerValue } from "./http-head.ts";

const ARN_ACCOUNT = /arn:aws[\w-]*:[\w-]+:[\w-]*:(\d{12}):/;
const CREDENTIAL = /Credential=([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]{1,32})\/([a-z0-9-]{1,64})\/aws4_request/;
const AZURE_HOST = /^([a-z0-9][a-z0-9-]{0,62})\.(?:openai\.azure\.com|cognitiveservices\.azure\.com|services\.ai\.azure\.com|search\.windows\.net)$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function mask(key: string): string {
  return key.length > 8 ? `${key.slice(0, 4)}…${key.slice(-4)}` : "…";
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function jwtTenant(authorization: string | undefined): string | undefined {
  const m = authorization ? /^Bearer\s+([A-Za-z0-9_-]{8,}\.([A-Za-z0-9_-]{8,})\.[A-Za-z0-9_-]*)$/.exec(authorization.trim()) : null;
  if (!m || m[2]!.length > 16384) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(m[2]!, "base64url").toString("utf8")) as unknown;
    const tid = claims && typeof claims === "object" ? (claims as Record<string, unknown>).tid : undefined;
    return typeof tid === "string" && GUID.test(tid) ? tid.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

export function tenantFacts(host: string, path: string, headers: HeaderList): TenantFacts | undefined {
  const out: TenantFacts = {};
  const decodedPath = safeDecode(path.slice(0, 8192));
  const account = ARN_ACCOUNT.exec(decodedPath)?.[1] ?? headerValue(headers, "x-amz-expected-bucket-owner")?.match(/^\d{12}$/)?.[0];
  if (account) out.awsAccount = account;
  const cred = CREDENTIAL.exec(headerValue(headers, "authorization") ?? "") ?? CREDENTIAL.exec(`Credential=${(/[?&]X-Amz-Credential=([^&]+)/i.exec(path)?.[1] ? safeDecode(/[?&]X-Amz-Credential=([^&]+)/i.exec(path)![1]!) : "")}`);
  if (cred) {
    out.awsAccessKey = mask(cred[1]!);
    out.awsRegion = cred[3]!;
    out.awsService = cred[4]!;
  }
  const resource = AZURE_HOST.exec(host)?.[1];
  if (resource) out.azureResource = resource;
  const tid = jwtTenant(headerValue(headers, "authorization"));
  if (tid) out.azureTenant = tid;
  return Object.keys(out).length ? out : undefined;
}

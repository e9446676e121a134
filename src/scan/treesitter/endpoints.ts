// From a call's URL/host value to a finding's value and host; AWS service + region → host.
import { isUrlHost, normalizeHost } from "../universal/hosts.ts";
import { defaultPorts, parseUrl } from "../universal/urls.ts";
import { text, type Val } from "./values.ts";

export interface Endpoint {
  value: string;
  host: string | null;
  port: number | null;
}

export function endpointOf(v: Val | null, fallback: string): Endpoint {
  if (!v) return { value: fallback, host: null, port: null };
  const t = text(v);
  const whole = t.match(/^\{([^{}]*)\}$/);
  if (whole) return { value: fallback.replace("<dynamic>", whole[1]), host: null, port: null };
  const m = t.match(/^([a-z][a-z0-9+.-]*):\/\/(.*)$/is);
  if (m) {
    const p = parseUrl(m[1], m[2]);
    if (p) return { value: p.display, host: p.host, port: p.port };
    return { value: t.replace(/\/\/[^/@\s]*:[^/@\s]*@/, "//***@"), host: null, port: defaultPorts[m[1].toLowerCase()] ?? null };
  }
  const hp = t.match(/^([A-Za-z0-9.-]+)(?::(\d{1,5}))?$/);
  if (hp && isUrlHost(normalizeHost(hp[1]))) {
    return { value: t, host: normalizeHost(hp[1]), port: hp[2] ? Number(hp[2]) : null };
  }
  return { value: t, host: null, port: null };
}

// Services whose endpoint prefix differs from the client name, and global services.
const awsPrefix: Record<string, string> = {
  "sagemaker-runtime": "runtime.sagemaker",
  "sagemaker-a2i-runtime": "a2i-runtime.sagemaker",
  "lex-runtime": "runtime.lex",
  "lex-runtime-v2": "runtime-v2-lex",
  "iot-data": "data-ats.iot",
  "cognito-idp": "cognito-idp",
  "marketplace-catalog": "catalog.marketplace",
  "bedrock-agent-runtime": "bedrock-agent-runtime",
  "comprehendmedical": "comprehendmedical",
  "healthlake": "healthlake",
  "ses": "email",
  "sesv2": "email",
  "elb": "elasticloadbalancing",
  "elbv2": "elasticloadbalancing",
  "logs": "logs",
  "cloudwatch-logs": "logs",
  "cloudwatch": "monitoring",
  "stepfunctions": "states",
  "sfn": "states",
  "secrets-manager": "secretsmanager",
  "dynamodb-streams": "streams.dynamodb",
};
const awsGlobal = new Set(["iam", "route53", "cloudfront", "organizations", "globalaccelerator", "shield"]);
// The global services' one endpoint in the China and GovCloud partitions (botocore's endpoints.json).
const awsPartitionGlobal: Record<string, Record<string, string>> = {
  cn: {
    iam: "iam.cn-north-1.amazonaws.com.cn",
    route53: "route53.amazonaws.com.cn",
    cloudfront: "cloudfront.cn-northwest-1.amazonaws.com.cn",
    organizations: "organizations.cn-northwest-1.amazonaws.com.cn",
  },
  "us-gov": {
    iam: "iam.us-gov.amazonaws.com",
    route53: "route53.us-gov.amazonaws.com",
    organizations: "organizations.us-gov-west-1.amazonaws.com",
  },
};

const https = (host: string): Endpoint => ({ value: `https://${host}`, host, port: 443 });

/**
 * AWS SDK client (service name as in boto3 or @aws-sdk/client-X) + region → endpoint. The China
 * regions (cn-north-1, cn-northwest-1) are in their own partition, under amazonaws.com.cn.
 */
export function awsEndpoint(service: string, region: Val | null): Endpoint {
  const svc = service.toLowerCase();
  const prefix = awsPrefix[svc] ?? svc;
  const r = region && region.t === "str" && region.known && /^[a-z]{2}(-gov)?-[a-z]+-\d$/.test(region.s) ? region.s : null;
  const partition = r?.startsWith("cn-") ? "cn" : r?.startsWith("us-gov-") ? "us-gov" : null;
  const suffix = partition === "cn" ? "amazonaws.com.cn" : "amazonaws.com";
  if (awsGlobal.has(svc)) return https((partition && awsPartitionGlobal[partition][svc]) ?? `${prefix}.${suffix}`);
  if (!r) return { value: `https://${prefix}.{region}.amazonaws.com`, host: null, port: 443 };
  return https(`${prefix}.${r}.${suffix}`);
}

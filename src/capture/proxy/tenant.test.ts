import { expect, test } from "bun:test";
import { tenantFacts } from "./tenant.ts";

const jwt = (claims: object) => `Bearer eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.c2lnbmF0dXJl`;

test("AWS: SigV4 credential scope and the account in an ARN", () => {
  const t = tenantFacts("bedrock-runtime.us-east-1.amazonaws.com", "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fx/invoke", [
    ["Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260101/us-east-1/bedrock/aws4_request, SignedHeaders=host, Signature=abc"],
  ]);
  expect(t).toEqual({ awsAccount: "123456789012", awsAccessKey: "AKIA…MPLE", awsRegion: "us-east-1", awsService: "bedrock" });
  const presigned = tenantFacts("s3.amazonaws.com", "/b/k?X-Amz-Credential=ASIAXXXXXXXXXXXXXXXX%2F20260101%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=1", []);
  expect(presigned).toMatchObject({ awsRegion: "eu-west-1", awsService: "s3" });
});

test("Azure: resource from the host, tenant from a bearer token", () => {
  const t = tenantFacts("contoso.openai.azure.com", "/openai/deployments/x", [["authorization", jwt({ tid: "72F988BF-86F1-41AF-91AB-2D7CD011DB47", aud: "x" })]]);
  expect(t).toEqual({ azureResource: "contoso", azureTenant: "72f988bf-86f1-41af-91ab-2d7cd011db47" });
  expect(tenantFacts("openai.azure.com.evil.com", "/", [])).toBeUndefined();
});

test("malformed input yields nothing, never an exception", () => {
  for (const auth of ["Bearer a.b.c", "Bearer xxxxxxxx.!!!!!!!!.x", jwt({ tid: 5 }), "AWS4-HMAC-SHA256 Credential=/", "Bearer " + "a".repeat(40000)]) {
    expect(() => tenantFacts("x", "/%E0%A4%A", [["authorization", auth]])).not.toThrow();
  }
  expect(tenantFacts("x", "/", [["authorization", jwt({ tid: "not-a-guid" })]])).toBeUndefined();
});

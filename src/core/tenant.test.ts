import { expect, test } from "bun:test";
import { tenantText } from "./tenant.ts";

test("tenant facts read as one line; nothing known is null", () => {
  expect(tenantText({ awsAccount: "123456789012", awsService: "bedrock", awsRegion: "us-east-1", awsAccessKey: "AKIA…MPLE" }))
    .toBe("AWS account 123456789012 · AWS bedrock in us-east-1 · key AKIA…MPLE");
  expect(tenantText({ azureResource: "contoso-east", azureTenant: "72f988bf-86f1-41af-91ab-2d7cd011db47" }))
    .toBe("Azure resource contoso-east · Entra tenant 72f988bf-86f1-41af-91ab-2d7cd011db47");
  expect(tenantText({})).toBeNull();
  expect(tenantText(undefined)).toBeNull();
});

// JSON Schema of the policy format, generated from the zod schema so editors and the schema
// never disagree. Refinements (host pattern, CIDR checks) are not expressible and stay in zod.
import { z } from "zod";
import { schemas } from "./schema.ts";

export function policyJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(schemas().policySchema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return { ...schema, title: "TrustRun policy" };
}

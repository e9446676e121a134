import { expect, test } from "bun:test";
import { linuxProbeNames } from "./probe-names.ts";
import { linuxProbeFactories } from "./probes.ts";

test("the CLI's probe names are the probes' own names, in order", () => {
  expect([...linuxProbeNames] as string[]).toEqual(linuxProbeFactories.map((f) => f.name));
});

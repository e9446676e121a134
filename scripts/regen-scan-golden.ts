// Regenerates test/scan/golden/<fixture>.json and .sarif from the current scanner.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { goldenDir, goldenFixtures } from "../test/scan/fixtures.ts";
import { normalize, scanFixture } from "../test/scan/golden.ts";

for (const name of goldenFixtures) {
  const { json, sarif } = normalize(await scanFixture(name));
  writeFileSync(join(goldenDir, `${name}.json`), json);
  writeFileSync(join(goldenDir, `${name}.sarif`), sarif);
  console.log(`${name}: ${JSON.parse(json).findings.length} findings`);
}

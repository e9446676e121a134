import { expect, test } from "bun:test";

test("an unref'd sleep does not keep a process alive", async () => {
  const script = `import { unrefSleep } from ${JSON.stringify(import.meta.dir + "/timeout.ts")}; await Promise.race([Promise.resolve(), unrefSleep(5000)]);`;
  const t0 = performance.now();
  const proc = Bun.spawn([process.execPath, "-e", script]);
  expect(await proc.exited).toBe(0);
  expect(performance.now() - t0).toBeLessThan(4000);
});

import { expect, test } from "bun:test";
import { createLab, labUnavailable } from "./lab.ts";

const why = labUnavailable();
if (why) console.warn(`skipping lab self-test: ${why}`);

test.skipIf(why !== null)("the lab resolves its names and serves them inside its own namespace", async () => {
  const lab = await createLab({ names: { "api.openai.com": "10.88.0.20" }, tls: true });
  try {
    const r = Bun.spawnSync([...lab.exec, "curl", "-s", "--cacert", lab.caFile!, "https://api.openai.com/v1/models"], { stdout: "pipe" });
    expect(r.stdout.toString()).toContain("10.88.0.20");
    expect(await lab.waitForRequests("api.openai.com", 1)).toHaveLength(1);
    // The lab's addresses exist only inside its namespace.
    const addrs = Bun.spawnSync(["ip", "-n", lab.ns, "-4", "addr", "show", "dev", "lo"], { stdout: "pipe" }).stdout.toString();
    expect(addrs).toContain("10.88.0.20/32");
  } finally {
    await lab.close();
  }
});

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createPcapProbeFactory } from "../../src/capture/pcap/probe.ts";
import { loadLibpcap } from "../../src/capture/pcap/libpcap.ts";

/** available() must say precisely why pcap cannot run: namespace, interface, filter, capability. */

const PROBE = join(import.meta.dir, "../../src/capture/pcap/probe.ts");
const lib = loadLibpcap();
const root = process.getuid?.() === 0;
const why = process.platform !== "linux" ? "not Linux" : "error" in lib ? lib.error : !root ? "needs root" : null;
if (why) console.log(`skipping pcap availability tests: ${why}`);

describe.skipIf(why !== null)("pcap availability", () => {
  test("the host's own namespace on any: available", async () => {
    expect(await createPcapProbeFactory().available("watch")).toEqual({ ok: true });
  });

  test("a missing namespace, interface or a bad filter is named", async () => {
    expect(await createPcapProbeFactory({ netns: "/var/run/netns/trustrun-no-such-ns" }).available("run")).toEqual({
      ok: false,
      reason: "network namespace /var/run/netns/trustrun-no-such-ns does not exist",
    });
    const noIf = await createPcapProbeFactory({ iface: "trnosuch0" }).available("run");
    expect(noIf.ok).toBe(false);
    expect(noIf.reason).toContain("trnosuch0");
    const badFilter = await createPcapProbeFactory({ filter: "tcp and and" }).available("run");
    expect(badFilter.ok).toBe(false);
    expect(badFilter.reason).toStartWith('bad capture filter "tcp and and"');
  });

  test("without libpcap it names the package to install", () => {
    const code = `import { pcapProbeFactory } from ${JSON.stringify(PROBE)}; console.log(JSON.stringify(await pcapProbeFactory.available("run")));`;
    const r = Bun.spawnSync([process.execPath, "-e", code], {
      stdout: "pipe",
      stderr: "pipe",
      env: { ...process.env, TRUSTRUN_LIBPCAP: "/nonexistent/libpcap.so.0.8" },
    });
    const a = JSON.parse(r.stdout.toString());
    expect(a.ok).toBe(false);
    expect(a.reason).toContain("apt-get install libpcap0.8");
  });

  const setpriv = Bun.which("setpriv");
  if (!setpriv) console.log("skipping the CAP_NET_RAW test: setpriv (util-linux) is not installed");
  test.skipIf(!setpriv)("without CAP_NET_RAW it says which capability is missing", () => {
    const code = `import { pcapProbeFactory } from ${JSON.stringify(PROBE)}; console.log(JSON.stringify(await pcapProbeFactory.available("run")));`;
    const r = Bun.spawnSync([setpriv!, "--inh-caps=-net_raw", "--bounding-set=-net_raw", process.execPath, "-e", code], { stdout: "pipe", stderr: "pipe" });
    expect(r.stderr.toString()).toBe("");
    const a = JSON.parse(r.stdout.toString());
    expect(a.ok).toBe(false);
    expect(a.reason).toContain("CAP_NET_RAW");
    expect(a.reason).toContain("setcap");
  });
});

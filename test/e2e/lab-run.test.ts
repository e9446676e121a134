// `trustrun run` against real-looking names: inside a network namespace the test builds,
// api.openai.com and contoso-east.openai.azure.com resolve through the lab's DNS to lab HTTPS
// servers. Checks the hostname each connection meant, the verdict, and that a block is enforced.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { createLab, labUnavailable, type Lab } from "../support/lab.ts";
import { connections, readNdjson } from "./ndjson.ts";
import { ebpfAvailability } from "../../src/capture/ebpf/probe.ts";

const why = !haveBinary ? `${BIN} not built` : labUnavailable();
if (why) console.warn(`skipping named-destination tests: ${why}`);
const ebpfWhy = ebpfAvailability().ok ? null : ebpfAvailability().reason;
if (ebpfWhy) console.warn(`skipping eBPF hold test: ${ebpfWhy}`);

let lab: Lab;
beforeAll(async () => {
  // cdn.example.org shares api.openai.com's address, as names behind one CDN do.
  if (!why) lab = await createLab({ names: { "api.openai.com": "10.88.0.20", "contoso-east.openai.azure.com": "10.88.0.10", "cdn.example.org": "10.88.0.20" }, tls: true });
});
afterAll(async () => {
  await lab?.close();
});

async function runInLab(probe: string, script: string, extraPolicy: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-lab-run-"));
  const log = join(dir, "log.ndjson");
  const out = join(dir, "client.out");
  const policy = join(dir, "p.yaml");
  writeFileSync(policy, [
    "name: lab", "extends: [preset:azure-openai, preset:public-ai-apis]",
    "presets:", "  azure-openai: { resources: [contoso-east] }",
    "default: alert",
    ...extraPolicy,
  ].join("\n") + "\n");
  const proc = Bun.spawn([...lab.exec, BIN, "run", "--probe", probe, "--probe", "pcap", "--policy", policy, "--log", log, "--", "sh", "-c", `{ ${script}; } > ${out} 2>&1`], {
    env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "pipe", stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), 60000);
  const code = await proc.exited;
  clearTimeout(timer);
  return { code, events: readNdjson(log), client: await Bun.file(out).text(), stderr: await new Response(proc.stderr).text() };
}

describe.skipIf(why !== null)("trustrun run with names resolved in a lab namespace", () => {
  test.skipIf(ebpfWhy !== null)("eBPF: api.openai.com is named, blocked, and no request reaches it; the BAA endpoint works", async () => {
    const before = lab.requestsTo("api.openai.com").length;
    const r = await runInLab("ebpf",
      `curl -sS --cacert ${lab.caFile} https://contoso-east.openai.azure.com/v1 && echo AZURE-OK; ` +
      `curl -s -m 5 --cacert ${lab.caFile} -d '{"note":"phi"}' https://api.openai.com/v1/chat/completions && echo OPENAI-OK || echo OPENAI-FAILED`);
    expect(r.code).toBe(0);
    const conns = connections(r.events).filter((c) => c.proto === "tcp");
    const openai = conns.find((c) => c.host === "api.openai.com");
    const azure = conns.find((c) => c.host === "contoso-east.openai.azure.com");
    expect(azure).toMatchObject({ verdict: "allow", rule: "preset:azure-openai/allow[0]", dst: { ip: "10.88.0.10", port: 443 } });
    expect(openai).toMatchObject({ verdict: "block", rule: "preset:public-ai-apis/deny[0]", dst: { ip: "10.88.0.20", port: 443 } });
    expect(openai!.hostSource).toBe("dns");
    expect(openai!.enforced).toContain("rejected");
    expect(r.client).toContain("AZURE-OK");
    expect(r.client).toContain("OPENAI-FAILED");
    await Bun.sleep(200);
    expect(lab.requestsTo("api.openai.com").length).toBe(before); // not one request got through
    expect(lab.requestsTo("contoso-east.openai.azure.com").length).toBeGreaterThan(0);
  });

  test.skipIf(ebpfWhy !== null)("eBPF: an address allowed for one name is held again when a blocked name shares it", async () => {
    const before = lab.requestsTo("api.openai.com").length;
    const r = await runInLab("ebpf",
      `curl -sS --cacert ${lab.caFile} https://cdn.example.org/a && echo CDN-OK; ` +
      `curl -s -m 5 --cacert ${lab.caFile} -d '{"note":"phi"}' https://api.openai.com/v1/chat/completions && echo OPENAI-OK || echo OPENAI-FAILED`,
      ["allow:", "  - host: cdn.example.org"]);
    expect(r.code).toBe(0);
    const conns = connections(r.events).filter((c) => c.proto === "tcp");
    expect(conns.find((c) => c.host === "cdn.example.org")).toMatchObject({ verdict: "allow", dst: { ip: "10.88.0.20", port: 443 } });
    const openai = conns.find((c) => c.host === "api.openai.com");
    expect(openai).toMatchObject({ verdict: "block", dst: { ip: "10.88.0.20", port: 443 } });
    expect(openai!.enforced).toContain("rejected by the cgroup firewall");
    expect(openai!.enforced).not.toContain("not held");
    expect(r.client).toContain("CDN-OK");
    expect(r.client).toContain("OPENAI-FAILED");
    await Bun.sleep(200);
    expect(lab.requestsTo("api.openai.com").length).toBe(before);
  });

  test.skipIf(ebpfWhy !== null)("eBPF: an allowed name on an address blocked for another is refused, and the record says so", async () => {
    const r = await runInLab("ebpf",
      `curl -s -m 5 --cacert ${lab.caFile} https://api.openai.com/v1/models && echo OPENAI-OK || echo OPENAI-FAILED; ` +
      `curl -s -m 5 --cacert ${lab.caFile} https://cdn.example.org/b && echo CDN-OK || echo CDN-FAILED`,
      ["allow:", "  - host: cdn.example.org"]);
    expect(r.code).toBe(0);
    const cdn = connections(r.events).filter((c) => c.proto === "tcp").find((c) => c.host === "cdn.example.org");
    expect(cdn).toMatchObject({ verdict: "allow" });
    expect(cdn!.enforced).toContain("refused anyway");
    expect(cdn!.enforced).toContain("api.openai.com");
    expect(r.client).toContain("OPENAI-FAILED");
    expect(r.client).toContain("CDN-FAILED");
  });

  test("ptrace: names come from DNS answers or SNI; after the verdict the destination is refused", async () => {
    const r = await runInLab("ptrace",
      `curl -s -m 5 --cacert ${lab.caFile} https://api.openai.com/v1/models; sleep 0.5; ` +
      `curl -s -m 5 --cacert ${lab.caFile} https://api.openai.com/v1/models && echo SECOND-OK || echo SECOND-FAILED`);
    expect(r.code).toBe(0);
    const openai = connections(r.events).filter((c) => c.host === "api.openai.com" && c.proto === "tcp");
    expect(openai.length).toBe(2);
    for (const c of openai) expect(c).toMatchObject({ verdict: "block", probe: "ptrace" });
    expect(["dns", "sni"]).toContain(openai[0].hostSource!);
    expect(r.client).toContain("SECOND-FAILED");
  });
});

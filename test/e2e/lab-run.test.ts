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
  if (!why) lab = await createLab({ names: { "api.openai.com": "10.88.0.20", "contoso-east.openai.azure.com": "10.88.0.10" }, tls: true });
});
afterAll(async () => {
  await lab?.close();
});

async function runInLab(probe: string, script: string) {
  const dir = mkdtempSync(join(tmpdir(), "trustrun-lab-run-"));
  const log = join(dir, "log.ndjson");
  const out = join(dir, "client.out");
  const policy = join(dir, "p.yaml");
  writeFileSync(policy, [
    "name: lab", "extends: [preset:azure-openai, preset:public-ai-apis]",
    "presets:", "  azure-openai: { resources: [contoso-east] }",
    "default: alert",
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

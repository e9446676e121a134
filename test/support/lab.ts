// A disposable network lab: its own network namespace where real-looking names (api.openai.com,
// contoso.openai.azure.com) resolve through a lab DNS server to lab servers. Nothing outside the
// namespace is contacted and the machine's /etc files are never touched: `ip netns exec` mounts
// the lab's resolv.conf from /etc/netns/NAME/ for the processes it starts.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Subprocess } from "bun";

export interface LabRequest {
  event: "request" | "dns";
  ip?: string;
  host?: string;
  path?: string;
  method?: string;
  name?: string;
}

export interface Lab {
  ns: string;
  dnsIp: string;
  caFile: string | null;
  /** argv prefix that runs a command inside the lab. */
  exec: string[];
  events: LabRequest[];
  requestsTo(host: string): LabRequest[];
  /** Waits (bounded) until at least n requests for host were reported; returns them. */
  waitForRequests(host: string, n: number, timeoutMs?: number): Promise<LabRequest[]>;
  close(): Promise<void>;
}

function sh(argv: string[]): void {
  const r = Bun.spawnSync(argv, { stdout: "pipe", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`${argv.join(" ")}: ${r.stderr.toString().trim()}`);
}

/** Why a lab cannot be built here, or null when it can. */
export function labUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "network namespaces need root";
  if (!Bun.which("ip")) return "iproute2 (ip) is not installed";
  const probe = Bun.spawnSync(["ip", "netns", "list"], { stderr: "pipe" });
  if (probe.exitCode !== 0) return `ip netns does not work here: ${probe.stderr.toString().trim()}`;
  return null;
}

export async function createLab(opts: { names: Record<string, string>; tls?: boolean; dnsIp?: string }): Promise<Lab> {
  const ns = `trlab-${process.pid}-${Math.random().toString(36).slice(2, 7)}`;
  const dnsIp = opts.dnsIp ?? "10.88.0.53";
  const dir = mkdtempSync(join(tmpdir(), "trustrun-lab-"));
  const netnsEtc = `/etc/netns/${ns}`;
  let server: Subprocess<"ignore", "pipe", "pipe"> | null = null;
  const cleanup = () => {
    server?.kill("SIGKILL");
    Bun.spawnSync(["ip", "netns", "del", ns], { stderr: "ignore" });
    rmSync(netnsEtc, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    sh(["ip", "netns", "add", ns]);
    sh(["ip", "-n", ns, "link", "set", "lo", "up"]);
    // Lab addresses live on the namespace's loopback: no virtual device module is needed.
    const ips = new Set([dnsIp, ...Object.values(opts.names)]);
    for (const ip of ips) sh(["ip", "-n", ns, "addr", "add", `${ip}/32`, "dev", "lo"]);
    mkdirSync(netnsEtc, { recursive: true });
    writeFileSync(join(netnsEtc, "resolv.conf"), `nameserver ${dnsIp}\noptions timeout:1 attempts:2\n`);

    let tls: { cert: string; key: string } | undefined;
    let caFile: string | null = null;
    if (opts.tls) {
      const san = Object.keys(opts.names).map((n) => `DNS:${n}`).join(",");
      sh(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=trustrun-lab",
        "-addext", `subjectAltName=${san}`, "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")]);
      tls = { cert: readFileSync(join(dir, "cert.pem"), "utf8"), key: readFileSync(join(dir, "key.pem"), "utf8") };
      caFile = join(dir, "cert.pem");
    }
    const exec = ["ip", "netns", "exec", ns];
    server = Bun.spawn([...exec, process.execPath, join(import.meta.dir, "lab-server.ts"), JSON.stringify({ names: opts.names, dnsIp, tls })], {
      stdin: "ignore", stdout: "pipe", stderr: "pipe",
    });
    const events: LabRequest[] = [];
    let ready!: () => void;
    const isReady = new Promise<void>((r) => (ready = r));
    (async () => {
      const decoder = new TextDecoder();
      let buf = "";
      for await (const chunk of server!.stdout as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk);
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          try {
            const ev = JSON.parse(line);
            if (ev.event === "ready") ready();
            else events.push(ev);
          } catch {
            /* not ours */
          }
        }
      }
    })();
    const timeout = Bun.sleep(10000).then(() => {
      throw new Error("lab server did not start within 10 s");
    });
    await Promise.race([isReady, timeout, server.exited.then(async () => {
      throw new Error(`lab server exited: ${await new Response(server!.stderr).text()}`);
    })]);
    const requestsTo = (host: string) => events.filter((e) => e.event === "request" && (e.host ?? "").split(":")[0] === host);
    return {
      ns, dnsIp, caFile, exec, events, requestsTo,
      async waitForRequests(host, n, timeoutMs = 2000) {
        const until = Date.now() + timeoutMs;
        while (requestsTo(host).length < n && Date.now() < until) await Bun.sleep(10);
        return requestsTo(host);
      },
      async close() {
        cleanup();
      },
    };
  } catch (err) {
    cleanup();
    throw err;
  }
}

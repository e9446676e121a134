// Shared pieces of the capture end-to-end tests: a loopback TCP/UDP server that counts
// connections and a sink that records what a probe reports.
import type { Socket, TCPSocketListener } from "bun";
import type { ProbeSink, RawConnect, RawDns, RawProcess } from "../../src/capture/probe.ts";

export interface Recorded {
  sink: ProbeSink;
  connects: RawConnect[];
  dns: RawDns[];
  processes: RawProcess[];
  warnings: string[];
}

export function recordingSink(): Recorded {
  const r: Recorded = { connects: [], dns: [], processes: [], warnings: [], sink: null as unknown as ProbeSink };
  r.sink = {
    connect: (e) => r.connects.push(e),
    dns: (e) => r.dns.push(e),
    sni: () => {},
    process: (e) => r.processes.push(e),
    warn: (m) => r.warnings.push(m),
  };
  return r;
}

export interface LoopbackServer {
  port: number;
  accepted: () => number;
  stop(): void;
}

/** TCP server on a loopback address; closes each connection at once unless `hold`. */
export function tcpServer(hostname: "127.0.0.1" | "::1", hold = false): LoopbackServer {
  let n = 0;
  const listener: TCPSocketListener<undefined> = Bun.listen({
    hostname,
    port: 0,
    socket: {
      open(s: Socket<undefined>) {
        n++;
        if (!hold) s.end();
      },
      data() {},
      error() {},
    },
  });
  return { port: listener.port, accepted: () => n, stop: () => listener.stop(true) };
}

export async function udpServer(): Promise<{ port: number; received: () => number; stop(): void }> {
  let n = 0;
  const sock = await Bun.udpSocket({ hostname: "127.0.0.1", port: 0, socket: { data: () => void n++ } });
  return { port: sock.port, received: () => n, stop: () => sock.close() };
}

export async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (cond()) return true;
    await Bun.sleep(10);
  }
  return cond();
}

/** "key pid ppid" lines written by the workloads. */
export function parseIds(text: string): Map<string, { pid: number; ppid: number }> {
  const map = new Map<string, { pid: number; ppid: number }>();
  for (const line of text.trim().split("\n")) {
    const [k, pid, ppid] = line.trim().split(/\s+/);
    if (k && pid && ppid) map.set(k, { pid: Number(pid), ppid: Number(ppid) });
  }
  return map;
}

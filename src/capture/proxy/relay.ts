// The relay inside a --jail namespace: 127.0.0.1:PORT → the proxy's unix socket. It tells the
// proxy which process connected (found in its own namespace's socket table) in a first line.
import net from "node:net";
import { existsSync, writeFileSync } from "node:fs";
import { pidForClient } from "./client-pid.ts";

export async function runRelay(opts: { unixPath: string; port: number; readyFile: string }): Promise<void> {
  const server = net.createServer((client) => {
    const pid = client.remotePort ? pidForClient(client.remotePort, opts.port, () => [], { client: client.remoteAddress ?? "127.0.0.1", server: client.localAddress ?? "127.0.0.1" }) : null;
    const up = net.connect(opts.unixPath);
    up.write(`TRUSTRUN-RELAY ${pid ?? 0}\n`);
    client.pipe(up);
    up.pipe(client);
    const done = () => {
      client.destroy();
      up.destroy();
    };
    for (const s of [client, up]) {
      s.on("error", done);
      s.on("close", done);
    }
  });
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(opts.port, "127.0.0.1", () => res());
  });
  writeFileSync(opts.readyFile, String(process.pid));
  // Ends with the target (its parent goes away) or with the proxy (its socket disappears).
  const parent = process.ppid;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (process.ppid !== parent || !existsSync(opts.unixPath)) {
        clearInterval(timer);
        server.close();
        resolve();
      }
    }, 200);
  });
}

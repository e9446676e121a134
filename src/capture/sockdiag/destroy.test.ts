import { expect, test } from "bun:test";
import net from "node:net";
import { destroySockets, destroySocketsWithSs, selectSockets } from "./destroy.ts";
import { dumpAll, openSockDiag } from "./netlink.ts";

const isRoot = process.getuid?.() === 0;

async function liveConnection() {
  const server = net.createServer((s) => s.on("error", () => {}));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, "127.0.0.1");
  await new Promise((r) => client.once("connect", r));
  const outcome = new Promise<string>((r) => {
    client.on("error", (e: NodeJS.ErrnoException) => r(e.code ?? e.message));
    client.on("close", () => r("closed"));
  });
  return { server, client, port, outcome };
}

test("sock_diag dump sees a live loopback connection with its inode", async () => {
  const { server, client, port } = await liveConnection();
  try {
    const conn = openSockDiag();
    const all = dumpAll(conn);
    conn.close();
    const mine = selectSockets(all, { dst: { ip: "127.0.0.1", port }, proto: "tcp" });
    expect(mine).toHaveLength(1);
    expect(mine[0]!.inode).toBeGreaterThan(0);
  } finally {
    client.destroy();
    server.close();
  }
});

for (const method of ["sock_destroy", "ss"] as const) {
  test.skipIf(!isRoot)(`${method} cuts a live loopback connection`, async () => {
    const { server, client, port, outcome } = await liveConnection();
    try {
      const f = { dst: { ip: "127.0.0.1", port }, proto: "tcp" as const };
      const res = method === "ss" ? destroySocketsWithSs(f) : destroySockets(f);
      expect(res.error).toBeUndefined();
      expect(res.destroyed).toBe(1);
      expect(await Promise.race([outcome, Bun.sleep(2000).then(() => "still open")])).toBe("ECONNABORTED");
    } finally {
      client.destroy();
      server.close();
    }
  });
}

test("the inode filter spares other processes' sockets", async () => {
  const { server, client, port, outcome } = await liveConnection();
  try {
    const res = destroySockets({ dst: { ip: "127.0.0.1", port }, inodes: new Set([1]) });
    expect(res.matched).toBe(0);
    expect(await Promise.race([outcome, Bun.sleep(100).then(() => "still open")])).toBe("still open");
  } finally {
    client.destroy();
    server.close();
  }
});

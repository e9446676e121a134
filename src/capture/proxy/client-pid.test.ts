import { afterAll, expect, test } from "bun:test";
import net from "node:net";
import { exactSocketInode, pidForClient, treePids } from "./client-pid.ts";
import { socketInodes } from "../procinfo/procinfo.ts";

const server = net.createServer(() => {});
await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
const port = (server.address() as net.AddressInfo).port;
afterAll(() => server.close());

test("exact sock_diag lookup finds this process's socket inode", async () => {
  const sock = net.connect(port, "127.0.0.1");
  await new Promise((r) => sock.once("connect", r));
  const inode = exactSocketInode({ ip: "127.0.0.1", port: sock.localPort! }, { ip: "127.0.0.1", port });
  if (inode === undefined) {
    console.log("sock_diag unavailable here: exact lookup not tested");
    return;
  }
  expect(inode).toBeGreaterThan(0);
  expect(socketInodes(process.pid)).toContain(inode!);
  expect(exactSocketInode({ ip: "127.0.0.1", port: 1 }, { ip: "127.0.0.1", port: 2 })).toBeNull();
  sock.destroy();
});

test("pidForClient finds a child process that connected, with and without exact lookup", async () => {
  const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
  const child = Bun.spawn(["python3", "-c", `import socket,time; s=socket.create_connection(("127.0.0.1", ${port})); time.sleep(5)`], { stdout: "ignore" });
  const s = await accepted;
  const clientPort = s.remotePort!;
  expect(pidForClient(clientPort, port, () => treePids(child.pid), { client: "127.0.0.1", server: "127.0.0.1" })).toBe(child.pid);
  expect(pidForClient(clientPort, port)).toBe(child.pid);
  expect(pidForClient(1, port)).toBeNull();
  child.kill();
  s.destroy();
});

test("treePids walks children", () => {
  expect(treePids(process.pid)).toContain(process.pid);
  expect(treePids(null)).toEqual([]);
});

import { expect, test } from "bun:test";
import { AF_INET, AF_INET6, NLMSG_DONE, SOCK_DIAG_BY_FAMILY, buildDestroyRequest, buildDumpRequest, parseDiagReply, type DiagSocket } from "./diag-messages.ts";

/** A reply message as the kernel lays it out (inet_diag_msg after nlmsghdr). */
function diagMsg(family: number, sport: number, dport: number, src: number[], dst: number[], inode: number): Uint8Array {
  const b = new Uint8Array(16 + 72);
  const v = new DataView(b.buffer);
  v.setUint32(0, b.length, true);
  v.setUint16(4, SOCK_DIAG_BY_FAMILY, true);
  b[16] = family;
  b[17] = 1; // ESTABLISHED
  v.setUint16(20, sport, false);
  v.setUint16(22, dport, false);
  b.set(src, 24);
  b.set(dst, 40);
  b.set([9, 8, 7, 6, 5, 4, 3, 2], 60);
  v.setUint32(80, 1000, true);
  v.setUint32(84, inode, true);
  return b;
}

function done(): Uint8Array {
  const b = new Uint8Array(20);
  new DataView(b.buffer).setUint32(0, 20, true);
  new DataView(b.buffer).setUint16(4, NLMSG_DONE, true);
  return b;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
};

const v6 = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x42];
const REPLY = concat(diagMsg(AF_INET, 40000, 443, [127, 0, 0, 1], [10, 1, 2, 3], 777), diagMsg(AF_INET6, 40001, 53, v6, v6, 778), done());

test("parses IPv4 and IPv6 sockets and the end of the dump", () => {
  const r = parseDiagReply(REPLY);
  expect(r.done).toBe(true);
  expect(r.error).toBeNull();
  expect(r.sockets.map((s) => [s.local, s.remote, s.inode, s.uid])).toEqual([
    [{ ip: "127.0.0.1", port: 40000 }, { ip: "10.1.2.3", port: 443 }, 777, 1000],
    [{ ip: "2001:db8::42", port: 40001 }, { ip: "2001:db8::42", port: 53 }, 778, 1000],
  ]);
});

test("a destroy request carries the socket id exactly as dumped", () => {
  const s: DiagSocket = parseDiagReply(REPLY).sockets[0]!;
  const req = buildDestroyRequest(s, 5)!;
  const msg = REPLY.subarray(16, 16 + 72);
  expect([...req.subarray(24, 24 + 48)]).toEqual([...msg.subarray(4, 4 + 48)]);
  expect(buildDumpRequest(AF_INET, 6, 1).length).toBe(72);
  expect(buildDestroyRequest({ ...s, remote: { ip: "nope", port: 1 } }, 1)).toBeNull();
});

test("fuzz: truncated and corrupted replies never throw", () => {
  let seed = 3;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % n);
  for (let cut = 0; cut <= REPLY.length; cut++) parseDiagReply(REPLY, cut);
  for (let i = 0; i < 3000; i++) {
    const b = REPLY.slice();
    for (let k = 0; k < 1 + rnd(6); k++) b[rnd(b.length)] = rnd(256);
    const r = parseDiagReply(b, rnd(b.length + 10));
    for (const s of r.sockets) expect(s.remote.port).toBeLessThan(65536);
  }
  expect(parseDiagReply(new Uint8Array(0)).sockets).toEqual([]);
});

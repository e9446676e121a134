import { expect, test } from "bun:test";
import { formatIpv6, normalizeIp } from "./ip-format.ts";
import { isUnspecified, parseHexEndpoint, parseProcNet } from "./net-parse.ts";

const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 12345 1 0000000000000000 100 0 0 10 0
   1: 0100007F:C350 0100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 23456 1 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 345 1 0000000000000000 100 0 0 10 0
   1: 0000000000000000FFFF00000100007F:D431 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000     0        0 456 1 0000000000000000 20 4 30 10 -1
   2: B80D0120000000000000000001000000:D432 B80D0120000000000000000002000000:01BB 02 00000000:00000000 00:00000000 00000000   33        0 567 1
`;

test("IPv4 hex words are little-endian", () => {
  const rows = parseProcNet(TCP, "tcp");
  expect(rows).toHaveLength(2);
  expect(rows[0]).toEqual({ proto: "tcp", local: { ip: "127.0.0.1", port: 8080 }, remote: { ip: "0.0.0.0", port: 0 }, state: 0x0a, uid: 1000, inode: 12345 });
  expect(rows[1]!.remote).toEqual({ ip: "127.0.0.1", port: 8080 });
  expect(rows[1]!.local.port).toBe(50000);
});

test("IPv6: four little-endian words; IPv4-mapped becomes IPv4", () => {
  const rows = parseProcNet(TCP6, "tcp");
  expect(rows.map((r) => r.local.ip)).toEqual(["::1", "127.0.0.1", "2001:db8::1"]);
  expect(rows[2]!.remote).toEqual({ ip: "2001:db8::2", port: 443 });
  expect(rows[2]!.uid).toBe(33);
});

test("formatIpv6 follows RFC 5952", () => {
  const b = (words: number[]) => new Uint8Array(words.flatMap((w) => [w >> 8, w & 0xff]));
  expect(formatIpv6(b([0, 0, 0, 0, 0, 0, 0, 0]))).toBe("::");
  expect(formatIpv6(b([0x2001, 0xdb8, 0, 0, 1, 0, 0, 1]))).toBe("2001:db8::1:0:0:1");
  expect(formatIpv6(b([0x2001, 0xdb8, 0, 1, 1, 1, 1, 1]))).toBe("2001:db8:0:1:1:1:1:1");
  expect(formatIpv6(b([0xfe80, 0, 0, 0, 0xabc, 0, 0, 0]))).toBe("fe80::abc:0:0:0");
  expect(normalizeIp("::FFFF:10.0.0.1")).toBe("10.0.0.1");
});

test("ownedOnly drops sockets without an owner (TIME_WAIT) before decoding them", () => {
  const tw = TCP + "   2: 0100007F:C351 0100007F:1F90 06 00000000:00000000 03:00000000 00000000     0        0 0 1\n";
  expect(parseProcNet(tw, "tcp")).toHaveLength(3);
  expect(parseProcNet(tw, "tcp", true).map((r) => r.inode)).toEqual([12345, 23456]);
});

test("endpoints reject malformed hex", () => {
  for (const bad of ["", "0100007F", "0100007F:", "0100007G:0050", "0100007F:50", "100007F:0050", "0100007F:00500"]) {
    expect(parseHexEndpoint(bad)).toBeNull();
  }
  expect(isUnspecified({ ip: "::", port: 443 })).toBe(true);
});

test("fuzz: truncated and corrupted tables never throw and yield sane rows", () => {
  let s = 11;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s % n);
  const inputs: string[] = [];
  for (const base of [TCP, TCP6]) {
    for (let i = 0; i < base.length; i += 3) inputs.push(base.slice(0, i));
    for (let i = 0; i < 1500; i++) {
      const at = rnd(base.length);
      inputs.push(base.slice(0, at) + ":Z \n\0 ".charAt(rnd(6)) + base.slice(at + rnd(3)));
    }
  }
  for (const t of inputs) {
    for (const r of parseProcNet(t, "udp")) {
      expect(r.remote.port).toBeLessThan(65536);
      expect(Number.isInteger(r.inode)).toBe(true);
      expect(r.local.ip.length).toBeGreaterThan(1);
    }
  }
});

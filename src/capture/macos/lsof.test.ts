import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseEndpoint } from "./endpoint.ts";
import { parseLsofFields } from "./lsof.ts";

const FIXTURE = join(import.meta.dir, "../../../test/fixtures/macos/lsof-tcp-udp.txt");

describe("parseLsofFields", () => {
  test("recorded field output: every socket with its pid, ends and state", async () => {
    const conns = parseLsofFields(await Bun.file(FIXTURE).text());
    expect(conns).toEqual([
      { pid: 318, command: "rapportd", proto: "tcp", local: { ip: "127.0.0.1", port: 49152 }, remote: null, state: "LISTEN" },
      { pid: 5123, command: "node", proto: "tcp", local: { ip: "192.168.1.23", port: 52011 }, remote: { ip: "104.18.6.192", port: 443 }, state: "ESTABLISHED" },
      { pid: 5123, command: "node", proto: "tcp", local: { ip: "2a01:e0a:1c4:5c70:8d1:33a4:9e17:2c4e", port: 52012 }, remote: { ip: "2606:4700::6812:6c0", port: 443 }, state: "SYN_SENT" },
      { pid: 5123, command: "node", proto: "udp", local: { ip: "192.168.1.23", port: 61234 }, remote: { ip: "192.168.1.1", port: 53 }, state: null },
      { pid: 5123, command: "node", proto: "udp", local: { ip: "*", port: 0 }, remote: null, state: null },
      { pid: 5123, command: "node", proto: "tcp", local: { ip: "::1", port: 8080 }, remote: null, state: "LISTEN" },
      { pid: 5130, command: "python3.11", proto: "tcp", local: { ip: "192.168.1.23", port: 52100 }, remote: { ip: "13.107.42.14", port: 443 }, state: "CLOSE_WAIT" },
      { pid: 5130, command: "python3.11", proto: "udp", local: { ip: "fe80::1", port: 5353 }, remote: { ip: "ff02::fb", port: 5353 }, state: null },
      { pid: 5202, command: "Google Chrome H", proto: "tcp", local: { ip: "10.0.0.5", port: 60111 }, remote: { ip: "142.250.72.14", port: 443 }, state: "ESTABLISHED" },
    ]);
  });

  test("NUL-terminated fields (-F0) parse the same", async () => {
    const text = await Bun.file(FIXTURE).text();
    expect(parseLsofFields(text.replaceAll("\n", "\0"))).toEqual(parseLsofFields(text));
  });

  test("garbage and truncated output never throw", async () => {
    const text = await Bun.file(FIXTURE).text();
    for (let cut = 0; cut < text.length; cut += 7) parseLsofFields(text.slice(0, cut));
    expect(parseLsofFields("x\ny\nzz\np\nnabc->def\n")).toEqual([]);
    expect(parseLsofFields("p12\nf3\nPTCP\nn1.2.3.4:99999->5.6.7.8:443\n")).toEqual([
      { pid: 12, command: null, proto: "tcp", local: null, remote: { ip: "5.6.7.8", port: 443 }, state: null },
    ]);
  });

  test("parseEndpoint forms", () => {
    expect(parseEndpoint("[::ffff:10.0.0.1]:80")).toEqual({ ip: "10.0.0.1", port: 80 });
    expect(parseEndpoint("2001:db8::1.443", true)).toEqual({ ip: "2001:db8::1", port: 443 });
    expect(parseEndpoint("nonsense")).toBeNull();
  });
});

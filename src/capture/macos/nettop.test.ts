import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { parseNettopCsv } from "./nettop.ts";

const DIR = join(import.meta.dir, "../../../test/fixtures/macos");

describe("parseNettopCsv", () => {
  test("default columns: flows belong to the process row above them", async () => {
    const conns = parseNettopCsv(await Bun.file(join(DIR, "nettop-tcp.csv")).text());
    expect(conns.map((c) => [c.pid, c.command, c.remote, c.state, c.iface, c.bytesIn, c.bytesOut])).toEqual([
      [5123, "node", { ip: "104.18.6.192", port: 443 }, "ESTABLISHED", "en0", 48213, 9120],
      [5123, "node", { ip: "2606:4700::6812:6c0", port: 443 }, "SYN_SENT", "en0", 0, 0],
      [5130, "python3.11", { ip: "13.107.42.14", port: 443 }, "CLOSE_WAIT", "en0", 1200, 880],
      [5202, "Google Chrome H", { ip: "142.250.72.14", port: 443 }, "ESTABLISHED", "en0", 9981, 2210],
      [318, "rapportd", null, "LISTEN", "lo0", 0, 0],
    ]);
    expect(conns[1].local).toEqual({ ip: "2a01:e0a:1c4:5c70:8d1:33a4:9e17:2c4e", port: 52012 });
  });

  test("-J selected columns, dotted process names, scoped IPv6", async () => {
    const conns = parseNettopCsv(await Bun.file(join(DIR, "nettop-tcp-columns.csv")).text());
    expect(conns.map((c) => [c.pid, c.command, c.local, c.remote, c.state])).toEqual([
      [7781, "curl", { ip: "192.168.1.23", port: 53001 }, { ip: "93.184.215.14", port: 443 }, "ESTABLISHED"],
      [812, "com.apple.WebKi", { ip: "fe80::1", port: 49231 }, { ip: "fe80::1", port: 8021 }, "ESTABLISHED"],
    ]);
  });

  test("no header, truncation and junk never throw", async () => {
    const text = await Bun.file(join(DIR, "nettop-tcp.csv")).text();
    expect(parseNettopCsv(text.split("\n").slice(1).join("\n"))).toEqual([]); // rows before any header are ignored
    for (let cut = 0; cut < text.length; cut += 5) parseNettopCsv(text.slice(0, cut));
    expect(parseNettopCsv("time,,state\n,,,\n,tcp4 a<->b,\n")).toEqual([]);
  });
});

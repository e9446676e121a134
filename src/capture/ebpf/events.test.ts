import { describe, expect, test } from "bun:test";
import {
  CONNECT_SIZE, DNS_HEADER_SIZE, EV_CONNECT, EV_DNS, EV_EXEC, EV_EXIT, EV_FORK, EXEC_ARGS_OFFSET, EXEC_HEADER_SIZE, EXIT_SIZE, FORK_SIZE, MAX_ARGS,
  decodeEvent, exitCodeOf, formatIp, toProbeEvent,
} from "./events.ts";

function header(kind: number, size: number, tgid = 1234, tsNs = 5_000_000_000n): { b: Uint8Array; v: DataView } {
  const b = new Uint8Array(size);
  const v = new DataView(b.buffer);
  v.setUint32(0, kind, true);
  v.setUint32(4, tgid, true);
  v.setUint32(8, tgid + 1, true);
  v.setUint32(12, 77, true);
  v.setBigUint64(16, tsNs, true);
  b.set(new TextEncoder().encode("curl"), 24);
  return { b, v };
}

function connectRecord(family: number, addr: number[], port: number, sotype: number, held = 0, via = 0): Uint8Array {
  const { b, v } = header(EV_CONNECT, CONNECT_SIZE);
  v.setUint16(40, family, true);
  v.setUint16(42, port, true);
  b[44] = sotype;
  b[45] = held;
  b[46] = via;
  b.set(addr, 48);
  return b;
}

describe("decodeEvent", () => {
  test("connect IPv4 TCP", () => {
    const e = decodeEvent(connectRecord(2, [10, 1, 2, 3], 443, 1));
    expect(e).toEqual({ kind: "connect", tgid: 1234, tid: 1235, ppid: 77, tsNs: 5_000_000_000n, comm: "curl", ip: "10.1.2.3", port: 443, proto: "tcp", held: false, atSyn: false });
  });

  test("a connection seen at its SYN (io_uring, TCP Fast Open) is marked so", () => {
    const e = decodeEvent(connectRecord(2, [10, 1, 2, 3], 80, 1, 0, 1))!;
    expect(e).toMatchObject({ kind: "connect", atSyn: true, held: false });
    expect(toProbeEvent(e, 0)).toMatchObject({ type: "connect", ev: { atSyn: true } });
  });

  test("exec: the argv copied by the kernel program, and a cut one marked", () => {
    const x = header(EV_EXEC, EXEC_ARGS_OFFSET + 8 + MAX_ARGS);
    const name = new TextEncoder().encode("/usr/bin/curl");
    x.v.setUint32(44, name.length, true);
    x.b.set(name, EXEC_HEADER_SIZE);
    const args = new TextEncoder().encode("curl\0-s\0http://127.0.0.1/a\0");
    x.v.setUint32(EXEC_ARGS_OFFSET, args.length, true);
    x.v.setUint32(EXEC_ARGS_OFFSET + 4, args.length, true);
    x.b.set(args, EXEC_ARGS_OFFSET + 8);
    const e = decodeEvent(x.b)!;
    expect(e).toMatchObject({ kind: "exec", argv: ["curl", "-s", "http://127.0.0.1/a"] });
    expect(toProbeEvent(e, 0)).toMatchObject({ ev: { event: "exec", exe: "/usr/bin/curl", argv: ["curl", "-s", "http://127.0.0.1/a"] } });
    x.v.setUint32(EXEC_ARGS_OFFSET + 4, 5000, true); // longer than the copy
    x.v.setUint32(EXEC_ARGS_OFFSET, 7, true);
    expect(decodeEvent(x.b)).toMatchObject({ argv: ["curl", "-s…"] });
    x.v.setUint32(EXEC_ARGS_OFFSET, 0, true);
    expect(decodeEvent(x.b)).toMatchObject({ argv: null });
  });

  test("connect IPv6 UDP, held", () => {
    const addr = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const e = decodeEvent(connectRecord(10, addr, 53, 2, 1));
    expect(e?.kind).toBe("connect");
    if (e?.kind !== "connect") return;
    expect([e.ip, e.port, e.proto, e.held]).toEqual(["2001:db8::1", 53, "udp", true]);
  });

  test("IPv4-mapped IPv6 is reported as IPv4", () => {
    expect(formatIp(10, new Uint8Array([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 0, 1]))).toBe("127.0.0.1");
    expect(formatIp(10, new Uint8Array(16).fill(0).map((_, i) => (i === 15 ? 1 : 0)))).toBe("::1");
    expect(formatIp(1, new Uint8Array(16))).toBeNull();
  });

  test("unknown family is dropped", () => {
    expect(decodeEvent(connectRecord(1, [1, 2, 3, 4], 80, 1))).toBeNull();
  });

  test("dns payload is cut at the captured length", () => {
    const { b, v } = header(EV_DNS, DNS_HEADER_SIZE + 512);
    v.setUint16(40, 2, true);
    v.setUint16(42, 53, true);
    v.setUint32(44, 29, true);
    b.set([127, 0, 0, 53], 48);
    v.setUint32(64, 5, true);
    b.set([1, 2, 3, 4, 5, 6], DNS_HEADER_SIZE);
    const e = decodeEvent(b);
    expect(e?.kind).toBe("dns");
    if (e?.kind !== "dns") return;
    expect(Array.from(e.payload)).toEqual([1, 2, 3, 4, 5]);
    expect([e.ip, e.port, e.length]).toEqual(["127.0.0.53", 53, 29]);
  });

  test("dns captured length larger than the record is clamped", () => {
    const { b, v } = header(EV_DNS, DNS_HEADER_SIZE + 3);
    v.setUint16(40, 2, true);
    v.setUint32(64, 9999, true);
    const e = decodeEvent(b);
    expect(e?.kind === "dns" && e.payload.length).toBe(3);
  });

  test("fork, exec, exit", () => {
    const f = header(EV_FORK, FORK_SIZE);
    f.v.setUint32(40, 4321, true);
    expect(decodeEvent(f.b)).toMatchObject({ kind: "fork", tgid: 1234, child: 4321 });

    const x = header(EV_EXEC, EXEC_HEADER_SIZE + 256);
    const name = new TextEncoder().encode("/usr/bin/curl");
    x.v.setUint32(40, 1234, true);
    x.v.setUint32(44, name.length, true);
    x.b.set(name, EXEC_HEADER_SIZE);
    expect(decodeEvent(x.b)).toMatchObject({ kind: "exec", filename: "/usr/bin/curl", argv: null });

    const q = header(EV_EXIT, EXIT_SIZE);
    q.v.setUint32(40, 3 << 8, true);
    expect(decodeEvent(q.b)).toMatchObject({ kind: "exit", status: 768 });
  });

  test("exit status → exit code", () => {
    expect(exitCodeOf(0)).toBe(0);
    expect(exitCodeOf(3 << 8)).toBe(3);
    expect(exitCodeOf(9)).toBe(137);
    expect(exitCodeOf(15 | 0x80)).toBe(143);
  });

  test("toProbeEvent maps to the probe contract", () => {
    const e = decodeEvent(connectRecord(2, [127, 0, 0, 1], 8080, 1))!;
    const out = toProbeEvent(e, 1_000);
    expect(out).toEqual({
      type: "connect",
      ev: { ts: 6_000, pid: 1234, tid: 1235, ppid: 77, comm: "curl", proto: "tcp", dst: { ip: "127.0.0.1", port: 8080 }, probe: "ebpf" },
    });
    const fork = header(EV_FORK, FORK_SIZE);
    fork.v.setUint32(40, 99, true);
    expect(toProbeEvent(decodeEvent(fork.b)!, 0)).toEqual({ type: "process", ev: { ts: 5_000, pid: 99, ppid: 1234, event: "fork" } });
  });
});

describe("decodeEvent fuzz", () => {
  // Deterministic PRNG so a failure reproduces.
  let seed = 0x2545f491;
  const rand = (n: number) => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) % n;
  };

  test("random bytes, truncations and bit flips never throw", () => {
    const valid = [
      connectRecord(2, [1, 2, 3, 4], 80, 1),
      connectRecord(10, Array(16).fill(7), 443, 2, 1),
      header(EV_DNS, DNS_HEADER_SIZE + 512).b,
      header(EV_FORK, FORK_SIZE).b,
      header(EV_EXEC, EXEC_HEADER_SIZE + 256).b,
      header(EV_EXEC, EXEC_ARGS_OFFSET + 8 + MAX_ARGS).b,
      header(EV_EXIT, EXIT_SIZE).b,
    ];
    let decoded = 0;
    for (let i = 0; i < 20_000; i++) {
      let b: Uint8Array;
      const mode = rand(3);
      if (mode === 0) {
        b = new Uint8Array(rand(700)).map(() => rand(256));
        if (b.length >= 4) b[0] = rand(8); // reach every kind
      } else {
        const base = valid[rand(valid.length)]!;
        b = base.slice(0, mode === 1 ? rand(base.length + 1) : base.length);
        for (let k = rand(6); k > 0 && b.length; k--) b[rand(b.length)] = rand(256);
      }
      // Unaligned views too: records are copied, but the decoder must not assume alignment.
      const shifted = new Uint8Array(b.length + 1);
      shifted.set(b, 1);
      const e1 = decodeEvent(b);
      const e2 = decodeEvent(shifted.subarray(1));
      expect(e2).toEqual(e1);
      if (e1) {
        decoded++;
        expect(() => toProbeEvent(e1, 0)).not.toThrow();
      }
    }
    expect(decoded).toBeGreaterThan(1000);
  });

  test("non-Uint8Array input gives null", () => {
    expect(decodeEvent(null as never)).toBeNull();
    expect(decodeEvent("x" as never)).toBeNull();
    expect(decodeEvent(new Uint8Array(0))).toBeNull();
  });
});

import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { ProbeSink, RawConnect } from "../probe.ts";
import { createLsofProbeFactory, createNettopProbeFactory, lsofProbeFactory, nettopProbeFactory } from "./probe.ts";

const DIR = join(import.meta.dir, "../../../test/fixtures/macos");

function recorded(files: Record<string, string>) {
  const calls: string[] = [];
  return {
    calls,
    exec: async (argv: string[]) => {
      calls.push(argv[0]);
      return Bun.file(join(DIR, files[argv[0]])).text();
    },
  };
}

function sink(): ProbeSink & { got: RawConnect[]; warns: string[] } {
  const got: RawConnect[] = [];
  const warns: string[] = [];
  return { got, warns, connect: (e) => got.push(e), dns() {}, sni() {}, process() {}, warn: (m) => warns.push(m) };
}

describe("macOS probes", () => {
  test("on Linux they say macOS only", async () => {
    if (process.platform === "darwin") return; // the point of this test is the Linux answer
    expect(await lsofProbeFactory.available("watch")).toEqual({ ok: false, reason: expect.stringContaining("macOS only") });
    expect(await nettopProbeFactory.available("run")).toEqual({ ok: false, reason: expect.stringContaining("macOS only") });
  });

  test("lsof probe reports the target tree's connections once, from recorded outputs", async () => {
    const r = recorded({ ps: "ps-pid-ppid.txt", lsof: "lsof-tcp-udp.txt" });
    const f = createLsofProbeFactory({ exec: r.exec, platform: "darwin", intervalMs: 5 });
    expect(await f.available("watch")).toEqual({ ok: true });
    const p = f.create();
    const s = sink();
    // Tree of 5100: 5123 (node) → 5130 (python); 7781 has no sockets in this listing; 5202 is not in the tree.
    await p.start({ mode: "watch", rootPid: 5100, initialPids: [] }, s);
    await Bun.sleep(40);
    await p.stop();
    expect(r.calls.filter((c) => c === "lsof").length).toBeGreaterThan(1); // polled repeatedly
    expect(s.got.map((e) => [e.pid, e.proto, e.dst.ip, e.dst.port, e.probe])).toEqual([
      [5123, "tcp", "104.18.6.192", 443, "lsof"],
      [5123, "tcp", "2606:4700::6812:6c0", 443, "lsof"],
      [5123, "udp", "192.168.1.1", 53, "lsof"],
      [5130, "tcp", "13.107.42.14", 443, "lsof"],
      [5130, "udp", "ff02::fb", 5353, "lsof"],
    ]);
    expect(s.warns).toEqual([]);
  });

  test("nettop probe, same tree", async () => {
    const r = recorded({ ps: "ps-pid-ppid.txt", nettop: "nettop-tcp.csv" });
    const p = createNettopProbeFactory({ exec: r.exec, platform: "darwin", intervalMs: 5 }).create();
    const s = sink();
    await p.start({ mode: "watch", rootPid: 5123, initialPids: [] }, s);
    await p.stop();
    expect(s.got.map((e) => [e.pid, e.dst.ip, e.comm])).toEqual([
      [5123, "104.18.6.192", "node"],
      [5123, "2606:4700::6812:6c0", "node"],
      [5130, "13.107.42.14", "python3.11"],
    ]);
  });

  test("a failing command is a warning, not a crash", async () => {
    const p = createLsofProbeFactory({ exec: async () => { throw new Error("boom"); }, platform: "darwin" }).create();
    const s = sink();
    await p.start({ mode: "watch", rootPid: 1, initialPids: [] }, s);
    await p.stop();
    expect(s.warns).toEqual(["lsof: listing failed: boom"]);
  });
});

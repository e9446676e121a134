import { describe, expect, test } from "bun:test";
import { parseCmdline, parseSocketLink, parseStat, parseStatus } from "./parse.ts";

/** Deterministic malformed variants of a sample: every truncation plus random edits. */
function mutations(sample: string, count = 300, seed = 7): string[] {
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s % n);
  const junk = ["(", ")", " ", "\0", "\n", ":", "-", "9999999999999999999", "\t", "é", "\\"];
  const out: string[] = [];
  for (let i = 0; i <= sample.length; i++) out.push(sample.slice(0, i));
  for (let i = 0; i < count; i++) {
    const at = rnd(sample.length + 1);
    const kind = rnd(3);
    const j = junk[rnd(junk.length)]!;
    out.push(kind === 0 ? sample.slice(0, at) + j + sample.slice(at) : kind === 1 ? sample.slice(0, at) + sample.slice(at + 1 + rnd(5)) : sample.slice(0, at) + j + sample.slice(at + 1));
  }
  return out;
}

const STAT = "1234 (my (odd) name) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 100 18446744073709551615";

describe("parseStat", () => {
  test("comm with spaces and parentheses ends at the last ')'", () => {
    const s = parseStat(STAT)!;
    expect(s).toEqual({ pid: 1234, comm: "my (odd) name", state: "S", ppid: 1, startTime: 98765 });
  });
  test("comm containing ') S 99' cannot fake the ppid", () => {
    const s = parseStat("42 (x) S 99 ) R 7 42 42 0")!;
    expect(s.comm).toBe("x) S 99 ");
    expect(s.ppid).toBe(7);
  });
  test("rejects garbage", () => {
    for (const bad of ["", "abc", "12 noparen S 1", "(x) S 1", "12 (x)", "12 (x) S", "12 (x) SS 1", "-1 (x) S 1"]) {
      expect(parseStat(bad)).toBeNull();
    }
  });
  test("fuzz: never throws, results stay well-typed", () => {
    for (const m of mutations(STAT, 2000)) {
      const r = parseStat(m);
      if (r) {
        expect(Number.isInteger(r.pid) && r.pid > 0).toBe(true);
        expect(Number.isInteger(r.ppid) && r.ppid >= 0).toBe(true);
      }
    }
  });
});

describe("parseStatus", () => {
  const STATUS = "Name:\tbash\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t1234\nNgid:\t0\nPid:\t1240\nPPid:\t1000\nUid:\t1001\t1001\t1001\t1001\n";
  test("reads name, ids and real uid", () => {
    expect(parseStatus(STATUS)).toEqual({ name: "bash", tgid: 1234, pid: 1240, ppid: 1000, uid: 1001 });
  });
  test("fuzz", () => {
    for (const m of mutations(STATUS, 1000)) {
      const r = parseStatus(m);
      for (const v of [r.tgid, r.pid, r.ppid, r.uid]) expect(v === null || Number.isInteger(v)).toBe(true);
    }
  });
});

describe("parseCmdline", () => {
  test("NUL separated with trailing NUL; empty args kept", () => {
    expect(parseCmdline(new TextEncoder().encode("node\0app.js\0\0--x\0"))).toEqual(["node", "app.js", "", "--x"]);
    expect(parseCmdline("")).toEqual([]);
    expect(parseCmdline("no-trailing")).toEqual(["no-trailing"]);
  });
  test("fuzz", () => {
    for (const m of mutations("python3\0-c\0print('hi')\0", 500)) expect(Array.isArray(parseCmdline(m))).toBe(true);
  });
});

test("parseSocketLink", () => {
  expect(parseSocketLink("socket:[4242]")).toBe(4242);
  expect(parseSocketLink("pipe:[4242]")).toBeNull();
  expect(parseSocketLink("socket:[]")).toBeNull();
  expect(parseSocketLink("/dev/null")).toBeNull();
});

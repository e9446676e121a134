import { expect, test } from "bun:test";
import { pollStep, type PollState, type SocketRow } from "./poller.ts";

const row = (inode: number, remote: [string, number], local: [string, number] = ["10.0.0.5", 40000], state = 1): SocketRow => ({
  proto: "tcp",
  local: { ip: local[0], port: local[1] },
  remote: { ip: remote[0], port: remote[1] },
  state,
  inode,
});

test("reports a new remote once per socket, with its owner, and follows new children", () => {
  const state: PollState = { tracked: new Set([100]), seen: new Set() };
  const parents = new Map([
    [100, 1],
    [101, 100],
    [102, 101],
    [200, 1],
  ]);
  const fds: Record<number, number[]> = { 100: [1], 101: [], 102: [2], 200: [3] };
  const rows = [row(1, ["1.1.1.1", 443]), row(2, ["2.2.2.2", 80]), row(3, ["3.3.3.3", 80])];
  const first = pollStep(state, parents, (p) => fds[p] ?? [], rows);
  expect(first.forks.map((f) => f.pid).sort()).toEqual([101, 102]);
  expect(first.connects).toEqual([
    { pid: 100, ppid: 1, proto: "tcp", dst: { ip: "1.1.1.1", port: 443 } },
    { pid: 102, ppid: 101, proto: "tcp", dst: { ip: "2.2.2.2", port: 80 } },
  ]);
  const second = pollStep(state, parents, (p) => fds[p] ?? [], rows);
  expect(second.connects).toEqual([]);
  expect(second.forks).toEqual([]);
});

test("skips listening sockets, inbound connections and unowned/unset rows; drops dead pids", () => {
  const state: PollState = { tracked: new Set([100, 555]), seen: new Set() };
  const parents = new Map([[100, 1]]);
  const rows = [
    row(1, ["0.0.0.0", 0], ["0.0.0.0", 8080], 0x0a),
    row(2, ["9.9.9.9", 51000], ["10.0.0.5", 8080]),
    row(0, ["8.8.8.8", 53]),
    row(4, ["7.7.7.7", 443]),
  ];
  const r = pollStep(state, parents, () => [1, 2], rows);
  expect(r.connects).toEqual([]);
  expect(state.tracked.has(555)).toBe(false);
});

test("a socket listed twice in one read (the table changed while it was read) is one connection", () => {
  const state: PollState = { tracked: new Set([100]), seen: new Set() };
  const parents = new Map([[100, 1]]);
  const rows = [row(1, ["1.1.1.1", 443]), row(2, ["2.2.2.2", 443]), row(1, ["1.1.1.1", 443])];
  const r = pollStep(state, parents, () => [1, 2], rows);
  expect(r.connects.map((c) => c.dst.ip)).toEqual(["1.1.1.1", "2.2.2.2"]);
});

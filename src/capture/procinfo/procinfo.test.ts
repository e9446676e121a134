import { afterAll, expect, test } from "bun:test";
import { descendants, descendantsIn, parentChain, readProcessInfo, readTaskIds, socketInodes, threadsOf } from "./procinfo.ts";

const kids: { kill(): void }[] = [];
afterAll(() => kids.forEach((k) => k.kill()));

test("readProcessInfo of this process", () => {
  const me = readProcessInfo(process.pid)!;
  expect(me.pid).toBe(process.pid);
  expect(me.ppid).toBe(process.ppid);
  expect(me.exe).toBe(process.execPath);
  expect(me.argv.length).toBeGreaterThan(0);
  expect(me.uid).toBe(process.getuid!());
});

test("readProcessInfo never throws on bad or vanished pids", () => {
  for (const pid of [0, -1, 1.5, Number.NaN, 2 ** 31, 4194304 + 1]) expect(readProcessInfo(pid)).toBeNull();
});

test("parentChain walks up to init", () => {
  const chain = parentChain(process.pid);
  expect(chain[0]).toBe(process.pid);
  expect(chain[1]).toBe(process.ppid);
  expect(chain[chain.length - 1]).toBe(1);
});

test("descendants finds children and grandchildren; readTaskIds maps threads", async () => {
  const child = Bun.spawn(["bash", "-c", "sleep 30 & sleep 30 & wait"], { stdout: "ignore" });
  kids.push(child);
  let found: number[] = [];
  for (let i = 0; i < 100 && found.length < 2; i++) {
    await Bun.sleep(20);
    found = descendants(process.pid).filter((p) => readProcessInfo(p)?.comm === "sleep");
  }
  expect(found.length).toBe(2);
  for (const p of found) expect(readProcessInfo(p)!.ppid).toBe(child.pid);
  expect(descendants(process.pid)).toContain(child.pid);
  const tids = threadsOf(process.pid);
  expect(tids).toContain(process.pid);
  for (const tid of tids) expect(readTaskIds(tid)!.tgid).toBe(process.pid);
});

test("descendantsIn is a pure BFS that survives loops", () => {
  const parents = new Map([
    [2, 1],
    [3, 2],
    [4, 3],
    [5, 9],
    [6, 6],
  ]);
  expect(descendantsIn(parents, [1]).sort()).toEqual([2, 3, 4]);
  expect(descendantsIn(parents, [6])).toEqual([]);
  expect(descendantsIn(new Map(), [1])).toEqual([]);
});

test("socketInodes lists this process's sockets", async () => {
  const server = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { data() {} } });
  try {
    expect(socketInodes(process.pid).length).toBeGreaterThan(0);
    expect(socketInodes(-5)).toEqual([]);
  } finally {
    server.stop(true);
  }
});

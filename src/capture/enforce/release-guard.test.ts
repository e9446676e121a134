import { afterEach, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { releaseTree, runReleaseGuard } from "./release-guard.ts";
import { heldConnects, parseSockaddr } from "./held-connects.ts";

const state = (pid: number) => {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /, "")[0];
  } catch {
    return "gone";
  }
};
async function waitState(pid: number, want: (s: string) => boolean, ms = 5000): Promise<string> {
  const until = Date.now() + ms;
  let s = state(pid);
  while (!want(s) && Date.now() < until) {
    await Bun.sleep(20);
    s = state(pid);
  }
  return s;
}
const spawned: Array<{ kill(sig?: number | NodeJS.Signals): void }> = [];
afterEach(() => {
  for (const p of spawned.splice(0)) p.kill("SIGKILL");
});

/** A stopped tree: sh with a sleeping child, both SIGSTOPped. */
async function stoppedTree() {
  const root = Bun.spawn(["sh", "-c", "sleep 30 & wait"], { stdout: "ignore" });
  spawned.push(root);
  await Bun.sleep(100);
  const child = Number(readFileSync(`/proc/${root.pid}/task/${root.pid}/children`, "utf8").trim().split(" ")[0]);
  for (const pid of [root.pid, child]) process.kill(pid, "SIGSTOP");
  expect(await waitState(child, (s) => s === "T")).toBe("T");
  return { root: root.pid, child };
}

const streamOf = (text: string) => new ReadableStream<Uint8Array>({ start(c) { if (text) c.enqueue(new TextEncoder().encode(text)); c.close(); } });

test("input ending without 'done' (the monitor died) resumes the whole tree; 'done' leaves it alone", async () => {
  const a = await stoppedTree();
  expect(await runReleaseGuard(streamOf("done\n"), { rootPid: a.root })).toBe("clean");
  expect(state(a.child)).toBe("T");
  expect(await runReleaseGuard(streamOf(""), { rootPid: a.root })).toBe("released");
  expect(await waitState(a.child, (s) => s !== "T")).not.toBe("T");
  expect(state(a.root)).not.toBe("T");
  expect(releaseTree({ rootPid: 2 ** 22 + 7 })).toBe(0); // no such tree: nothing, no throw
});

test.skipIf(!Bun.which("sh"))("the guard outlives a monitor killed with SIGKILL and resumes what it held", async () => {
  const t = await stoppedTree();
  // A stand-in monitor: starts the guard from the source entry point, then dies without a word.
  const entry = join(import.meta.dir, "../../index.ts");
  const script = `
    const { startReleaseGuard } = await import(${JSON.stringify(join(import.meta.dir, "release-guard.ts"))});
    startReleaseGuard([process.execPath, ${JSON.stringify(entry)}, "release-guard"], { rootPid: ${t.root} });
    await Bun.sleep(300);
    process.kill(process.pid, "SIGKILL");`;
  const monitor = Bun.spawn([process.execPath, "-e", script], { stdout: "ignore", stderr: "pipe" });
  expect(await monitor.exited).not.toBe(0);
  expect(await waitState(t.child, (s) => s !== "T", 8000)).not.toBe("T");
});

test("after a release, the session's firewall and cgroup are removed once the tree has left the cgroup", async () => {
  const { mkdtempSync, writeFileSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { cleanUpAfterTree } = await import("./release-guard.ts");
  const { removeCgroupFirewall } = await import("./firewall.ts");
  const base = mkdtempSync(join(tmpdir(), "trustrun-guard-test-"));
  const cg = join(base, "abcdef123456789");
  try {
    (await import("node:fs")).mkdirSync(cg);
    writeFileSync(join(cg, "cgroup.procs"), "4242\n");
    const removed: string[][] = [];
    let finished = false;
    const cleaning = cleanUpAfterTree(cg, (id, rel) => removed.push([id, rel]), 20).then(() => (finished = true));
    await Bun.sleep(150);
    expect(finished).toBe(false); // the tree still runs: its blocks stay
    writeFileSync(join(cg, "cgroup.procs"), "");
    await cleaning;
    expect(removed).toEqual([["abcdef123456789", "trustrun/abcdef123456789"]]);
    // The rules it removes: both families, the jump (repeated while one is found), the chain.
    const ran: string[] = [];
    let jumps = 2;
    removeCgroupFirewall("abcdef123456789", "trustrun/abcdef123456789", (argv) => {
      ran.push(argv.join(" "));
      return { ok: argv.includes("-D") && argv[0] === "iptables" ? jumps-- > 0 : true, stderr: "" };
    });
    expect(ran.filter((c) => c.startsWith("iptables -w -D OUTPUT -m cgroup --path trustrun/abcdef123456789 -j TRUSTRUN-abcdef123456"))).toHaveLength(3);
    expect(ran).toContain("ip6tables -w -X TRUSTRUN-abcdef123456");
    expect(ran).toContain("iptables -w -F TRUSTRUN-abcdef123456");
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
});

test("held connects: stopped threads whose last syscall is connect, with the sockaddr read from memory", () => {
  const v4 = new Uint8Array([2, 0, 0x01, 0xbb, 10, 88, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0]);
  expect(parseSockaddr(v4)).toEqual({ ip: "10.88.0.20", port: 443 });
  const v6 = new Uint8Array(28);
  v6.set([10, 0, 0, 80]);
  v6.set([0x20, 0x01, 0x0d, 0xb8], 8);
  v6[23] = 1;
  expect(parseSockaddr(v6)).toEqual({ ip: "2001:db8::1", port: 80 });
  expect(parseSockaddr(new Uint8Array([1, 0, 0, 0, 0, 0, 0, 0]))).toBeNull(); // AF_UNIX
  expect(parseSockaddr(new Uint8Array(3))).toBeNull();
  const self = process.pid;
  const nr = process.arch === "arm64" ? 203 : 42;
  const files: Record<string, string> = {
    [`/proc/${self}/task/${self}/status`]: "Name:\tcurl\nState:\tT (stopped)\n",
    [`/proc/${self}/task/${self}/syscall`]: `${nr} 0x5 0x1000 0x10 0x0 0x0 0x0 0x7ffd 0x7f00\n`,
  };
  const proc = { text: (p: string) => files[p] ?? null, mem: (_pid: number, address: number, length: number) => (address === 0x1000 && length === 16 ? v4 : null) };
  expect(heldConnects(self, proc, [self])).toEqual([{ pid: self, tid: self, ip: "10.88.0.20", port: 443 }]);
  files[`/proc/${self}/task/${self}/status`] = "State:\tS (sleeping)\n";
  expect(heldConnects(self, proc, [self])).toEqual([]);
  files[`/proc/${self}/task/${self}/status`] = "State:\tT (stopped)\n";
  files[`/proc/${self}/task/${self}/syscall`] = "0 0x5 0x1000 0x10\n"; // read(): not a connect
  expect(heldConnects(self, proc, [self])).toEqual([]);
});

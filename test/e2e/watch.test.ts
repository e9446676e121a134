// `trustrun watch PID` against the compiled binary: attaches to a running process and its
// children, stops when the process exits, and never takes the process down with it.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN, haveBinary } from "../binary/helpers.ts";
import { connections, countingServer, readNdjson } from "./ndjson.ts";

const server = countingServer();
afterAll(() => server.stop());
if (!haveBinary) console.warn(`skipping watch end-to-end tests: ${BIN} not built`);

function spawnTarget(script: string) {
  return Bun.spawn(["sh", "-c", script], { stdout: "ignore", stderr: "ignore" });
}

describe.skipIf(!haveBinary)("trustrun watch", () => {
  test("sees the later connections of the process and of a child it starts, then ends with it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-watch-"));
    const log = join(dir, "log.ndjson");
    const url = `http://127.0.0.1:${server.port}/`;
    const target = spawnTarget(`sleep 1; curl -s -o /dev/null ${url}; sh -c 'curl -s -o /dev/null ${url}?child'; sleep 0.3`);
    const watch = Bun.spawn([BIN, "watch", String(target.pid), "--log", log, "--output", "text"], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "pipe", stderr: "pipe",
    });
    const timer = setTimeout(() => watch.kill("SIGKILL"), 30000);
    expect(await watch.exited).toBe(0); // ends on its own when the target exits
    clearTimeout(timer);
    const conns = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
    expect(conns).toHaveLength(2);
    expect(new Set(conns.map((c) => c.pid)).size).toBe(2);
    expect(conns.every((c) => (c.exe ?? "").endsWith("curl"))).toBe(true);
  });

  test("a connection already open when watch attaches is listed and judged (marked existing)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-watch-"));
    const log = join(dir, "log.ndjson");
    // Opens its connection first, then idles on it: watch attaches after the connect.
    const target = Bun.spawn(["python3", "-c", `import socket, time\ns = socket.create_connection(("127.0.0.1", ${server.port}))\ntime.sleep(3)`], { stdout: "ignore", stderr: "ignore" });
    await Bun.sleep(700);
    const watch = Bun.spawn([BIN, "watch", String(target.pid), "--log", log, "--output", "text"], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "pipe", stderr: "pipe",
    });
    const timer = setTimeout(() => watch.kill("SIGKILL"), 30000);
    expect(await watch.exited).toBe(0);
    clearTimeout(timer);
    const conns = connections(readNdjson(log)).filter((c) => c.dst.port === server.port);
    expect(conns).toHaveLength(1);
    expect(conns[0]).toMatchObject({ pid: target.pid, existing: true, dst: { ip: "127.0.0.1", port: server.port } });
  });

  test("stopping trustrun (SIGTERM) leaves the watched process running", async () => {
    const dir = mkdtempSync(join(tmpdir(), "trustrun-watch-"));
    const target = spawnTarget("sleep 3");
    const watch = Bun.spawn([BIN, "watch", String(target.pid), "--output", "text"], {
      env: { PATH: process.env.PATH!, TRUSTRUN_HOME: dir }, stdout: "ignore", stderr: "ignore",
    });
    await Bun.sleep(700);
    watch.kill("SIGTERM");
    expect(await watch.exited).toBe(0);
    expect(target.exitCode).toBeNull(); // still running
    target.kill("SIGKILL");
    await target.exited;
  });
});

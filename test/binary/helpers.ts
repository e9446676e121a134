import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The compiled binary under test; `npm test` builds it first and sets TRUSTRUN_BIN. */
export const BIN = process.env.TRUSTRUN_BIN ?? join(import.meta.dir, "../../dist/trustrun");
export const haveBinary = existsSync(BIN);

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the binary from an empty directory, so nothing of the source tree can help it. */
export async function trustrun(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; stdin?: string; wrap?: string[] } = {}): Promise<Result> {
  const cwd = opts.cwd ?? mkdtempSync(join(tmpdir(), "trustrun-bin-"));
  const home = opts.env?.TRUSTRUN_HOME ?? mkdtempSync(join(tmpdir(), "trustrun-home-"));
  const proc = Bun.spawn([...(opts.wrap ?? []), BIN, ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: home, TRUSTRUN_HOME: home, ...opts.env },
    stdin: opts.stdin !== undefined ? new TextEncoder().encode(opts.stdin) : "ignore",
    stdout: "pipe",
    stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 30000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

// Helpers for the proxy end-to-end tests: the compiled binary run inside a network lab.
import { chmodSync, copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BIN } from "../binary/helpers.ts";
import type { Lab } from "../support/lab.ts";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A directory anyone can use (for runs as an unprivileged user). */
export function openDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(d, 0o777);
  return d;
}

/** The lab's CA copied where an unprivileged user can read it. */
export function readableCa(lab: Lab): string {
  const d = openDir("trustrun-labca-");
  const f = join(d, "lab-ca.pem");
  copyFileSync(lab.caFile!, f);
  chmodSync(f, 0o644);
  return f;
}

/** trustrun inside the lab; `asUser` drops to uid/gid 65534 first. */
export async function trustrunInLab(lab: Lab, args: string[], opts: { home: string; env?: Record<string, string>; asUser?: boolean; timeoutMs?: number }): Promise<Run> {
  const drop = opts.asUser ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--"] : [];
  const proc = Bun.spawn([...lab.exec, ...drop, BIN, ...args], {
    cwd: opts.home,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.home, TRUSTRUN_HOME: opts.home, ...opts.env },
    stdin: "ignore", stdout: "pipe", stderr: "pipe",
  });
  const timer = setTimeout(() => proc.kill("SIGKILL"), opts.timeoutMs ?? 60000);
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  clearTimeout(timer);
  return { code, stdout, stderr };
}

import { dlopen, FFIType, ptr } from "bun:ffi";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

// strace writes its trace to a FIFO in a private (0700) temp dir: the trace never touches
// the disk and no other user can read or inject lines.

let mkfifoFn: ((path: Uint8Array, mode: number) => number) | null | undefined;

function libcMkfifo(): ((path: Uint8Array, mode: number) => number) | null {
  if (mkfifoFn !== undefined) return mkfifoFn;
  try {
    const lib = dlopen("libc.so.6", { mkfifo: { args: [FFIType.ptr, FFIType.u32], returns: FFIType.i32 } });
    mkfifoFn = (path, mode) => lib.symbols.mkfifo(ptr(path), mode);
  } catch {
    mkfifoFn = null;
  }
  return mkfifoFn;
}

export interface Fifo {
  dir: string;
  path: string;
  remove(): void;
}

export function createFifo(prefix = "trustrun-strace-"): Fifo {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, "trace");
  const fn = libcMkfifo();
  let ok = false;
  if (fn) ok = fn(new TextEncoder().encode(`${path}\0`), 0o600) === 0;
  if (!ok) ok = Bun.spawnSync(["mkfifo", "-m", "600", path], { stderr: "ignore" }).exitCode === 0;
  if (!ok) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`cannot create a FIFO in ${dir}`);
  }
  return {
    dir,
    path,
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

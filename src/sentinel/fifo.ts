// Named pipes for the agent transport. Bun has no mkfifo, so libc's is called through bun:ffi;
// the `mkfifo` program is the fallback where libc cannot be opened by name.
import { constants, openSync } from "node:fs";

let mkfifoFfi: ((path: string, mode: number) => number) | null | undefined;

function loadFfi(): ((path: string, mode: number) => number) | null {
  if (mkfifoFfi !== undefined) return mkfifoFfi;
  mkfifoFfi = null;
  for (const lib of ["libc.so.6", "libc.dylib", "libSystem.B.dylib"]) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { dlopen, FFIType } = require("bun:ffi") as typeof import("bun:ffi");
      const h = dlopen(lib, { mkfifo: { args: [FFIType.cstring, FFIType.u32], returns: FFIType.i32 } });
      mkfifoFfi = (path, mode) => h.symbols.mkfifo(Buffer.from(`${path}\0`), mode) as number;
      break;
    } catch {
      /* try the next name */
    }
  }
  return mkfifoFfi;
}

export function mkfifo(path: string, mode = 0o600): void {
  const ffi = loadFfi();
  if (ffi && ffi(path, mode) === 0) return;
  const r = Bun.spawnSync(["mkfifo", "-m", mode.toString(8), path], { stdout: "ignore", stderr: "pipe" });
  if (r.exitCode !== 0) throw new Error(`cannot create pipe ${path}: ${r.stderr.toString().trim() || "mkfifo failed"}`);
}

/** Opens a FIFO for reading without blocking; holding it read-write means it never reads EOF. */
export function openFifoHolder(path: string): number {
  return openSync(path, constants.O_RDWR | constants.O_NONBLOCK);
}

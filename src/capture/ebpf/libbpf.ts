// libbpf.so.1 through bun:ffi: only the symbols the probe uses. Loaded lazily so a machine
// without libbpf still runs every other probe; loadLibbpf() says what to install instead.
import { dlopen, CString, type Pointer } from "bun:ffi";


const symbols = {
  libbpf_set_print: { args: ["ptr"], returns: "ptr" },
  libbpf_get_error: { args: ["ptr"], returns: "i32" },
  libbpf_strerror: { args: ["i32", "ptr", "u64"], returns: "i32" },
  bpf_object__open_mem: { args: ["ptr", "u64", "ptr"], returns: "ptr" },
  bpf_object__load: { args: ["ptr"], returns: "i32" },
  bpf_object__close: { args: ["ptr"], returns: "void" },
  bpf_object__next_program: { args: ["ptr", "ptr"], returns: "ptr" },
  bpf_object__find_map_fd_by_name: { args: ["ptr", "ptr"], returns: "i32" },
  bpf_program__name: { args: ["ptr"], returns: "cstring" },
  bpf_program__set_log_buf: { args: ["ptr", "ptr", "u64"], returns: "i32" },
  bpf_program__attach: { args: ["ptr"], returns: "ptr" },
  bpf_link__destroy: { args: ["ptr"], returns: "i32" },
  bpf_map_update_elem: { args: ["i32", "ptr", "ptr", "u64"], returns: "i32" },
  bpf_map_lookup_elem: { args: ["i32", "ptr", "ptr"], returns: "i32" },
  bpf_map_delete_elem: { args: ["i32", "ptr"], returns: "i32" },
  ring_buffer__new: { args: ["i32", "function", "ptr", "ptr"], returns: "ptr" },
  ring_buffer__consume: { args: ["ptr"], returns: "i32" },
  ring_buffer__free: { args: ["ptr"], returns: "void" },
} as const;

/** What a pointer-returning symbol gives back (a number, or a bigint for high addresses). */
export type Ptr = Pointer | bigint;

export type Libbpf = ReturnType<typeof dlopen<typeof symbols>>["symbols"];

export const LIBBPF_SONAME = "libbpf.so.1";
export const LIBBPF_INSTALL_HINT = "install libbpf 1.x (Debian/Ubuntu: apt-get install libbpf1; Fedora: dnf install libbpf)";

let cached: { lib: Libbpf } | { error: string } | undefined;

/** Opens libbpf.so.1 once per process; the error names the lost probe and the package to install. */
export function loadLibbpf(): { lib: Libbpf } | { error: string } {
  if (cached) return cached;
  try {
    const { symbols: lib } = dlopen(LIBBPF_SONAME, symbols);
    // libbpf's default printer writes warnings to stderr, which would break the TUI; errors are
    // reported through return codes and the verifier log buffer instead.
    lib.libbpf_set_print(null as unknown as Pointer);
    cached = { lib };
  } catch (err) {
    const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
    cached = { error: `eBPF probe unavailable: cannot load ${LIBBPF_SONAME} (${why}); ${LIBBPF_INSTALL_HINT}` };
  }
  return cached;
}

/** libbpf's text for a negative error code, e.g. "Operation not permitted". */
export function libbpfError(lib: Libbpf, code: number): string {
  const buf = new Uint8Array(256);
  lib.libbpf_strerror(code, buf, buf.length);
  const end = buf.indexOf(0);
  return `${new TextDecoder().decode(buf.subarray(0, end < 0 ? buf.length : end))} (${code})`;
}

/** Error code for a pointer-returning call: 0 when the pointer is valid. */
export function pointerError(lib: Libbpf, p: Ptr | null): number {
  return p ? 0 : lib.libbpf_get_error(null) || -22;
}

export function cstr(p: Pointer | null | CString): string {
  if (p === null) return "";
  return typeof p === "number" ? new CString(p).toString() : String(p);
}

/** NUL-terminated C string as bytes, for `cstring` arguments. */
export function cstringArg(s: string): Uint8Array {
  return new TextEncoder().encode(`${s}\0`);
}

let clock: ((buf: Uint8Array) => number) | undefined;

/** CLOCK_MONOTONIC in ns (the clock bpf_ktime_get_ns reads), through libc's clock_gettime. */
export function monotonicNs(): bigint {
  if (!clock) {
    const { symbols: libc } = dlopen("libc.so.6", { clock_gettime: { args: ["i32", "ptr"], returns: "i32" } });
    clock = (buf) => libc.clock_gettime(1, buf);
  }
  const ts = new Uint8Array(16);
  clock(ts);
  const v = new DataView(ts.buffer);
  return v.getBigInt64(0, true) * 1_000_000_000n + v.getBigInt64(8, true);
}

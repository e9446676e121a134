import type { ProbeFactory } from "../probe.ts";
import { DEFAULT_POLL_MS, createPollingProbe, type SocketRow } from "../proc/poller.ts";
import { dumpAll, libcLoadError, openSockDiag, type DiagConnection } from "./netlink.ts";

// sock_diag netlink dumps (the interface `ss` uses): cheaper and more exact than parsing
// /proc/net, same polling limits. Dumps cover the monitor's own network namespace.

export function createSockdiagProbeFactory(intervalMs = DEFAULT_POLL_MS): ProbeFactory {
  return {
    name: "sockdiag",
    complete: false,
    modes: ["run", "watch"],
    available() {
      const err = libcLoadError();
      if (err) return { ok: false, reason: `libc could not be loaded through bun:ffi: ${err}` };
      try {
        openSockDiag().close();
        return { ok: true };
      } catch (e) {
        return { ok: false, reason: `netlink sock_diag unavailable: ${(e as Error).message}` };
      }
    },
    create() {
      let conn: DiagConnection | null = null;
      const inner = createPollingProbe({
        name: "sockdiag",
        intervalMs,
        listSockets(): SocketRow[] {
          conn ??= openSockDiag();
          return dumpAll(conn, true);
        },
      });
      return {
        name: inner.name,
        complete: inner.complete,
        start: (t, s) => inner.start(t, s),
        async stop() {
          await inner.stop();
          conn?.close();
          conn = null;
        },
      };
    },
  };
}

export const sockdiagProbeFactory: ProbeFactory = createSockdiagProbeFactory();

import { readFileSync } from "node:fs";
import type { Proto } from "../../core/types.ts";
import type { ProbeFactory } from "../probe.ts";
import { parseProcNet } from "./net-parse.ts";
import { DEFAULT_POLL_MS, createPollingProbe, type SocketRow } from "./poller.ts";

// Baseline probe with no privileges: /proc/PID/net/{tcp,tcp6,udp,udp6} joined with
// /proc/PID/fd. Polling, so a connection that opens and closes between two polls is missed.

const TABLES: [string, Proto][] = [
  ["tcp", "tcp"],
  ["tcp6", "tcp"],
  ["udp", "udp"],
  ["udp6", "udp"],
];

export function readProcNetSockets(nsPid: number): SocketRow[] {
  const rows: SocketRow[] = [];
  for (const [file, proto] of TABLES) {
    let text: string;
    try {
      text = readFileSync(`/proc/${nsPid}/net/${file}`, "latin1");
    } catch {
      try {
        text = readFileSync(`/proc/net/${file}`, "latin1");
      } catch {
        continue; // e.g. no IPv6 in this kernel
      }
    }
    for (const row of parseProcNet(text, proto, true)) rows.push(row);
  }
  return rows;
}

export function createProcProbeFactory(intervalMs = DEFAULT_POLL_MS): ProbeFactory {
  return {
    name: "proc",
    complete: false,
    modes: ["run", "watch"],
    available() {
      try {
        readFileSync("/proc/self/net/tcp");
        return { ok: true };
      } catch {
        return { ok: false, reason: "/proc/net is not readable (Linux with /proc mounted is required)" };
      }
    },
    create: () => createPollingProbe({ name: "proc", intervalMs, listSockets: readProcNetSockets }),
  };
}

export const procProbeFactory: ProbeFactory = createProcProbeFactory();

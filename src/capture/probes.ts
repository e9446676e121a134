import type { ProbeFactory } from "./probe.ts";
import { ebpfProbeFactory } from "./ebpf/probe.ts";
import { ptraceProbeFactory } from "./ptrace/ptrace-probe.ts";
import { sockdiagProbeFactory } from "./sockdiag/sockdiag-probe.ts";
import { procProbeFactory } from "./proc/proc-probe.ts";
import { pcapProbeFactory } from "./pcap/probe.ts";

/** Every Linux probe, best first. */
export const linuxProbeFactories: ProbeFactory[] = [
  ebpfProbeFactory,
  ptraceProbeFactory,
  sockdiagProbeFactory,
  procProbeFactory,
  pcapProbeFactory,
];

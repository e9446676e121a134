// The probe names the CLI accepts, without loading the probes: option parsing and --help stay
// cheap. probes.test.ts checks the list against the probes themselves.
export const linuxProbeNames = ["ebpf", "ptrace", "sockdiag", "proc", "pcap"] as const;

export const probeNames: string[] = ["auto", ...linuxProbeNames];

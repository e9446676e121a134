// The strace command lines. --seccomp-bpf makes the kernel stop the tracee only for the
// syscalls listed (it needs -f and only applies to processes strace starts itself).
// -y prints each fd's socket inode, which ties connect/send to the socket() call that made it
// (tcp or udp; -yy would name the protocol itself but strace then dumps every socket of the
// system through sock_diag for each call: ~4 ms per connect with 25k sockets), -xx prints every string byte
// as \xHH so untrusted text cannot break a line, -s 4096 keeps whole DNS messages and argv.

export const TRACED_SYSCALLS = [
  "socket",
  "connect",
  "sendto",
  "sendmsg",
  "sendmmsg",
  "execve",
  "clone",
  "clone3",
  "fork",
  "vfork",
];
/** Receives, for DNS answers on UDP sockets. They also stop on every TCP recv(), so optional. */
export const DNS_ANSWER_SYSCALLS = ["recvfrom", "recvmsg"];

export interface StraceFlagOptions {
  seccomp: boolean;
  dnsAnswers: boolean;
  /** Print "Process N attached" on stderr (watch mode waits for it). */
  announceAttach: boolean;
}

export function straceFlags(o: StraceFlagOptions): string[] {
  const syscalls = o.dnsAnswers ? [...TRACED_SYSCALLS, ...DNS_ANSWER_SYSCALLS] : TRACED_SYSCALLS;
  return [
    ...(o.seccomp ? ["--seccomp-bpf"] : []),
    "-f",
    ...(o.announceAttach ? [] : ["-q"]),
    "-ttt",
    "-s",
    "4096",
    "-e",
    `trace=${syscalls.join(",")}`,
    "-e",
    "signal=none",
    "-y",
    "-xx",
  ];
}

export function runCommand(strace: string, fifo: string, argv: string[], o: Omit<StraceFlagOptions, "announceAttach">): string[] {
  return [strace, ...straceFlags({ ...o, announceAttach: false }), "-o", fifo, "--", ...argv];
}

export function attachCommand(strace: string, fifo: string, pids: number[], o: Omit<StraceFlagOptions, "seccomp" | "announceAttach">): string[] {
  // --seccomp-bpf cannot be installed into a process that is already running.
  return [strace, ...straceFlags({ ...o, seccomp: false, announceAttach: true }), "-o", fifo, "-p", pids.join(",")];
}

/** "strace -- version 6.1" → [6, 1]. */
export function parseStraceVersion(text: string): [number, number] | null {
  const m = /version (\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

/** "strace: Process 123 attached" (or "... attached with 3 threads") → 123. */
export function parseAttached(line: string): number | null {
  const m = /Process (\d+) attached/.exec(line);
  return m ? Number(m[1]) : null;
}

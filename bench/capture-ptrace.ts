// Overhead of the ptrace probe on a connect-heavy workload: the same 1,000 loopback
// connect+close loop run bare, under strace with our flags (--seccomp-bpf), and under strace
// without --seccomp-bpf. Run: ./node_modules/.bin/bun bench/capture-ptrace.ts
import { runCommand } from "../src/capture/ptrace/strace-command.ts";

const N = Number(process.env.N ?? 1000);
const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end(), data() {} } });
const loop = `for i in $(seq ${N}); do exec 3<>/dev/tcp/127.0.0.1/${listener.port}; exec 3>&-; done; python3 -c 'import hashlib; [hashlib.sha256(b"x"*1000).digest() for _ in range(200000)]'`;
const strace = Bun.which("strace");
if (!strace) {
  console.log("strace not installed");
  process.exit(0);
}

async function time(argv: string[]): Promise<number> {
  const t0 = performance.now();
  const p = Bun.spawn(argv, { stdout: "ignore", stderr: "ignore" });
  await p.exited;
  return performance.now() - t0;
}

async function best(argv: string[], runs = 3): Promise<number> {
  let b = Infinity;
  for (let i = 0; i < runs; i++) b = Math.min(b, await time(argv));
  return b;
}

const cmd = ["bash", "-c", loop];
const bare = await best(cmd);
const withFlags = (seccomp: boolean, dnsAnswers: boolean) => runCommand(strace, "/dev/null", cmd, { seccomp, dnsAnswers });
const seccomp = await best(withFlags(true, false));
const seccompDns = await best(withFlags(true, true));
const plain = await best(withFlags(false, false));
listener.stop(true);
const row = (name: string, ms: number) => console.log(`${name.padEnd(44)} ${ms.toFixed(0).padStart(6)} ms  x${(ms / bare).toFixed(2)}`);
console.log(`${N} connects + 200k sha256 (CPU work without syscalls), best of 3`);
row("bare", bare);
row("strace --seccomp-bpf (connect,send*,exec,clone)", seccomp);
row("strace --seccomp-bpf + recvfrom/recvmsg", seccompDns);
row("strace without --seccomp-bpf", plain);

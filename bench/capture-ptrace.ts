// Overhead of the ptrace probe on a connect-heavy workload: the same 1,000 loopback
// connect+close loop run bare, under strace with our flags (--seccomp-bpf), and under strace
// without --seccomp-bpf. Run: ./node_modules/.bin/bun bench/capture-ptrace.ts
import { runCommand } from "../src/capture/ptrace/strace-command.ts";

const N = Number(process.env.N ?? 1000);
const listener = Bun.listen({ hostname: "127.0.0.1", port: 0, socket: { open: (s) => void s.end(), data() {} } });
const strace = Bun.which("strace");
if (!strace) {
  console.log("strace not installed");
  process.exit(0);
}
const workloads: [string, string[]][] = [
  [`${N} connect+close (bash /dev/tcp)`, ["bash", "-c", `for i in $(seq ${N}); do exec 3<>/dev/tcp/127.0.0.1/${listener.port}; exec 3>&-; done`]],
  ["64 MB loopback download, recv() of 16 KB", ["python3", "-c", "import socket, threading\nsrv = socket.socket(); srv.bind(('127.0.0.1', 0)); srv.listen(1)\ndef send():\n    c, _ = srv.accept(); c.sendall(b'x' * (64 << 20)); c.close()\nthreading.Thread(target=send).start()\ns = socket.create_connection(srv.getsockname())\nwhile s.recv(16384): pass"]],
  ["200k untraced syscalls (read 1 byte)", ["python3", "-c", "import os\nf=os.open('/dev/zero', os.O_RDONLY)\nfor _ in range(200000): os.read(f, 1)"]],
];

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

console.log("best of 3, wall time");
for (const [name, cmd] of workloads) {
  const bare = await best(cmd);
  const under = (seccomp: boolean, dnsAnswers: boolean) => best(runCommand(strace, "/dev/null", cmd, { seccomp, dnsAnswers }));
  const rows: [string, number][] = [
    ["bare", bare],
    ["strace --seccomp-bpf (probe default + recv*)", await under(true, true)],
    ["strace --seccomp-bpf without recvfrom/recvmsg", await under(true, false)],
    ["strace without --seccomp-bpf", await under(false, false)],
  ];
  console.log(name);
  for (const [label, ms] of rows) console.log(`  ${label.padEnd(48)} ${ms.toFixed(0).padStart(6)} ms  x${(ms / bare).toFixed(2)}`);
}
listener.stop(true);

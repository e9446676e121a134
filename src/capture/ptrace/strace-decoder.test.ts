import { expect, test } from "bun:test";
import { createStraceDecoder, type Decoded } from "./strace-decoder.ts";

const hex = (s: string) => [...new TextEncoder().encode(s)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");
const v4 = (ip: string, port: number) => `{sa_family=AF_INET, sin_port=htons(${port}), sin_addr=inet_addr("${hex(ip)}")}`;

function runAll(lines: string[], resolve?: (tid: number) => { tgid: number; ppid: number | null } | null): Decoded[] {
  const d = createStraceDecoder({ resolveTask: resolve, now: () => 1 });
  return lines.flatMap((l) => d.feed(l));
}

/** Without the fork events that introduce each process. */
function run(lines: string[], resolve?: (tid: number) => { tgid: number; ppid: number | null } | null): Decoded[] {
  return runAll(lines, resolve).filter((e) => !(e.kind === "process" && e.ev.event === "fork"));
}

test("fork gives ppid, threads map to their process, exits of threads are not process exits", () => {
  const ev = runAll([
    `100 1700000000.000001 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 200`,
    `200 1700000000.000002 clone3({flags=CLONE_VM|CLONE_THREAD|CLONE_SIGHAND, exit_signal=0} => {parent_tid=[201]}, 88) = 201`,
    `201 1700000000.000003 connect(3<TCP:[1]>, ${v4("10.0.0.1", 443)}, 16) = -1 EINPROGRESS (Operation now in progress)`,
    `201 1700000000.000004 +++ exited with 0 +++`,
    `200 1700000000.000005 +++ exited with 7 +++`,
  ]);
  expect(ev).toEqual([
    { kind: "process", ev: { ts: 1700000000000.001, pid: 100, ppid: null, event: "fork" } },
    { kind: "process", ev: { ts: 1700000000000.001, pid: 200, ppid: 100, event: "fork" } },
    { kind: "connect", ev: { ts: 1700000000000.003, pid: 200, tid: 201, ppid: 100, proto: "tcp", dst: { ip: "10.0.0.1", port: 443 }, probe: "ptrace" } },
    { kind: "process", ev: { ts: 1700000000000.005, pid: 200, ppid: 100, event: "exit", exitCode: 7 } },
  ]);
});

test("an interrupted connect is reported at entry, once; a resumed execve completes", () => {
  const ev = run([
    `300 1700000000.1 connect(4<TCP:[9]>, ${v4("1.2.3.4", 80)}, 16 <unfinished ...>`,
    `301 1700000000.2 execve("${hex("/bin/true")}", ["${hex("true")}"], 0x1 /* 3 vars */ <unfinished ...>`,
    `300 1700000000.3 <... connect resumed>) = 0`,
    `301 1700000000.4 <... execve resumed>) = 0`,
  ], (tid) => ({ tgid: tid, ppid: 1 }));
  expect(ev.map((e) => e.kind)).toEqual(["connect", "process"]);
  expect(ev[0]!.ev).toMatchObject({ pid: 300, ppid: 1, ts: 1700000000100, dst: { ip: "1.2.3.4", port: 80 } });
  expect(ev[1]!.ev).toMatchObject({ pid: 301, event: "exec", exe: "/bin/true", argv: ["true"], ts: 1700000000200 });
});

test("a child whose lines come before clone() returns is introduced first, never re-forked after its exec", () => {
  const procs = new Map([[11, { tgid: 11, ppid: 10 }]]);
  const ev = runAll([
    `10 1700000000.1 vfork( <unfinished ...>`,
    `11 1700000000.2 execve("${hex("/usr/bin/node")}", ["${hex("node")}"], 0x1 /* 1 var */ <unfinished ...>`,
    `10 1700000000.3 <... vfork resumed>) = 11`,
    `11 1700000000.4 <... execve resumed>) = 0`,
    `11 1700000000.5 connect(3, ${v4("127.0.0.1", 80)}, 16) = 0`,
  ], (tid) => procs.get(tid) ?? { tgid: tid, ppid: 1 });
  expect(ev.map((e) => (e.kind === "process" ? `${e.ev.event}:${e.ev.pid}` : `${e.kind}:${e.ev.pid}`))).toEqual([
    "fork:10",
    "fork:11",
    "exec:11",
    "connect:11",
  ]);
  expect(ev[1]!.ev).toMatchObject({ ppid: 10 });
});

test("failed execve attempts (PATH search) are not reported", () => {
  expect(run([`5 execve("${hex("/nope/x")}", ["${hex("x")}"], 0x1 /* 1 var */) = -1 ENOENT (No such file or directory)`])).toEqual([]);
});

test("UDP: one connect per socket and destination, DNS payload on every query", () => {
  const q = `"\\x12\\x34\\x01\\x00"`;
  const ev = run([
    `9 1700000000.1 sendto(5<UDP:[77]>, ${q}, 4, 0, ${v4("127.0.0.53", 53)}, 16) = 4`,
    `9 1700000000.2 sendto(5<UDP:[77]>, ${q}, 4, 0, ${v4("127.0.0.53", 53)}, 16) = 4`,
    `9 1700000000.3 sendto(5<UDP:[77]>, "\\x00", 1, 0, ${v4("127.0.0.9", 9999)}, 16) = 1`,
    `9 1700000000.4 recvfrom(5<UDP:[77]>, "\\x12\\x34\\x81\\x80", 512, 0, ${v4("127.0.0.53", 53)}, [16]) = 4`,
  ]);
  expect(ev.map((e) => e.kind)).toEqual(["connect", "dns", "dns", "connect", "dns"]);
  expect(ev[0]!.ev).toMatchObject({ proto: "udp", dst: { ip: "127.0.0.53", port: 53 } });
  expect([...((ev[4]!.ev as { payload: Uint8Array }).payload)]).toEqual([0x12, 0x34, 0x81, 0x80]);
});

test("connected UDP (glibc resolver): connect, then sendmmsg without address adds only DNS", () => {
  const ev = run([
    `9 connect(3<UDP:[1]>, ${v4("10.255.255.53", 53)}, 16) = 0`,
    `9 sendmmsg(3<UDP:[192.0.2.2:46706->10.255.255.53:53]>, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\\x01", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=1}], 1, MSG_NOSIGNAL) = 1`,
  ]);
  expect(ev.map((e) => e.kind)).toEqual(["connect", "dns"]);
});

test("-y mode: socket() decides tcp/udp for later calls on the same inode, across fork", () => {
  const sock = (n: number) => `<${hex(`socket:[${n}]`)}>`;
  const ev = run([
    `9 1700000000.1 socket(AF_INET, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 3${sock(50)}`,
    `9 1700000000.2 connect(3${sock(50)}, ${v4("10.255.255.53", 53)}, 16) = 0`,
    `9 1700000000.3 sendmmsg(3${sock(50)}, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\x01", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=1}], 1, MSG_NOSIGNAL) = 1`,
    `9 1700000000.4 recvfrom(3${sock(50)}, "\x01\x81", 2048, 0, ${v4("10.255.255.53", 53)}, [28 => 16]) = 2`,
    `9 1700000000.5 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 4${sock(51)}`,
    `9 1700000000.6 connect(4${sock(51)}, ${v4("1.1.1.1", 443)}, 16) = -1 EINPROGRESS (Operation now in progress)`,
    `9 1700000000.7 sendto(4${sock(51)}, "\x16\x03", 2, MSG_NOSIGNAL, NULL, 0) = 2`,
    `9 1700000000.8 recvfrom(4${sock(51)}, "\x16\x03", 4096, 0, NULL, NULL) = 2`,
    `9 1700000000.9 socket(AF_UNIX, SOCK_DGRAM|SOCK_CLOEXEC, 0) = 5${sock(52)}`,
    `9 1700000001.0 sendto(5${sock(52)}, "\x3c\x31\x3e", 3, MSG_NOSIGNAL, NULL, 0) = 3`,
  ]);
  expect(ev.map((e) => [e.kind, e.kind === "connect" ? `${e.ev.proto}:${e.ev.dst.ip}:${e.ev.dst.port}` : ""])).toEqual([
    ["connect", "udp:10.255.255.53:53"],
    ["dns", ""],
    ["dns", ""],
    ["connect", "tcp:1.1.1.1:443"],
  ]);
});

test("writes on connected TCP sockets and AF_UNIX traffic produce nothing", () => {
  expect(run([`9 sendto(4<TCP:[1.1.1.1:5->2.2.2.2:443]>, "\\x16", 1, MSG_NOSIGNAL, NULL, 0) = 1`, `9 sendto(4<UNIX-DGRAM:[5]>, "\\x01", 1, 0, NULL, 0) = 1`])).toEqual([]);
});

test("the decoder never throws on garbage and keeps working after it", () => {
  const d = createStraceDecoder({ resolveTask: () => null });
  let s = 5;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s % n);
  const alphabet = `0123456789 (){}[]<>",=\\x.-+resumed unfinished connect sendto clone execve`;
  for (let i = 0; i < 5000; i++) {
    let line = `${rnd(50)} `;
    for (let k = rnd(80); k > 0; k--) line += alphabet[rnd(alphabet.length)];
    d.feed(line);
  }
  const after = d.feed(`9 connect(4<TCP:[1]>, ${v4("8.8.4.4", 853)}, 16) = 0`).filter((e) => e.kind === "connect");
  expect(after).toMatchObject([{ kind: "connect", ev: { pid: 9, dst: { ip: "8.8.4.4", port: 853 } } }]);
});

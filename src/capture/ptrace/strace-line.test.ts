import { describe, expect, test } from "bun:test";
import { interpretCall, parseFd, parseStraceLine, type StraceLine } from "./strace-line.ts";
import { decodeCString, splitTop } from "./strace-text.ts";

const hex = (s: string) => [...new TextEncoder().encode(s)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("");

export const SAMPLES = [
  `9 1700000000.5 socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP) = 3<${hex("socket:[4242]")}>`,
  `9 1700000000.6 connect(3<${hex("socket:[4242]")}>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("${hex("1.2.3.4")}")}, 16) = 0`,
  `5171  1795305040.424705 connect(4<TCP:[10384]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("${hex("1.2.3.4")}")}, 16) = -1 EINPROGRESS (Operation now in progress)`,
  `5171  1795305040.458882 connect(5<TCPv6:[10386]>, {sa_family=AF_INET6, sin6_port=htons(40399), sin6_flowinfo=htonl(0), inet_pton(AF_INET6, "${hex("::1")}", &sin6_addr), sin6_scope_id=0}, 28) = 0`,
  `5171  1795305040.460925 sendto(5<UDP:[10387]>, "\\x12\\x34\\x01\\x00\\x61", 5, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("${hex("127.0.0.53")}")}, 16) = 5`,
  `5231  1795305040.492536 sendto(3<UDP:[192.0.2.2:46706->10.255.255.53:53]>, "\\xaa\\xe8", 2, MSG_NOSIGNAL, NULL, 0) = 2`,
  `5171  1795305040.488860 sendmsg(5<UDP:[0.0.0.0:51193]>, {msg_name={sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("${hex("127.0.0.1")}")}, msg_namelen=16, msg_iov=[{iov_base="\\x78\\x79", iov_len=2}, {iov_base="\\x7a", iov_len=1}], msg_iovlen=2, msg_controllen=0, msg_flags=0}, 0) = 3`,
  `5231  1795305040.492600 sendmmsg(3<UDP:[[fd00::2]:46706->[fd00::53]:53]>, [{msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\\x01\\x02", iov_len=2}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=2}, {msg_hdr={msg_name=NULL, msg_namelen=0, msg_iov=[{iov_base="\\x03", iov_len=1}], msg_iovlen=1, msg_controllen=0, msg_flags=0}, msg_len=1}], 2, MSG_NOSIGNAL) = 2`,
  `5231  1795305040.492310 connect(3<UNIX-STREAM:[9503]>, {sa_family=AF_UNIX, sun_path="${hex("/var/run/nscd/socket")}"}, 110) = -1 ENOENT (No such file or directory)`,
  `5171  1795305040.479175 vfork( <unfinished ...>`,
  `5171  1795305040.480916 <... vfork resumed>) = 5224`,
  `5224  1795305040.480704 execve("${hex("/usr/bin/bash")}", ["${hex("bash")}", "${hex("-c")}", "${hex("echo hi")}"], 0x7fff6220a7c0 /* 38 vars */) = 0`,
  `5682  1795305063.041625 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM, child_tid=0x7f4e3484d990, exit_signal=0, stack=0x7f4e3404d000, stack_size=0x7fff80, tls=0x7f4e3484d6c0} => {parent_tid=[5684]}, 88) = 5684`,
  `5684  1795305063.047603 +++ exited with 3 +++`,
  `5685  1795305063.047603 +++ killed by SIGKILL +++`,
  `5231  1795305040.500000 recvfrom(3<UDP:[192.0.2.2:46706->10.255.255.53:53]>, "\\xaa\\xe8\\x81\\x80", 2048, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("${hex("10.255.255.53")}")}, [28 => 16]) = 4`,
  `connect(3<NETLINK:[ROUTE:1234]>, {sa_family=AF_NETLINK, nl_pid=0, nl_groups=00000000}, 12) = 0`,
];

function mutations(sample: string, count: number, seed: number): string[] {
  let s = seed;
  const rnd = (n: number) => ((s = (s * 1103515245 + 12345) & 0x7fffffff), s % n);
  const junk = ['"', "\\", "(", ")", "{", "}", "[", "]", "<", ">", ",", "=", " = ", "\\x", "\\x4", "...", "resumed>", "<unfinished ...>", "+++", "\n", "\0", "->", "htons(99999)"];
  const out: string[] = [];
  for (let i = 0; i <= sample.length; i += 2) out.push(sample.slice(0, i));
  for (let i = 0; i < count; i++) {
    const at = rnd(sample.length + 1);
    const j = junk[rnd(junk.length)]!;
    const k = rnd(3);
    out.push(k === 0 ? sample.slice(0, at) + j + sample.slice(at) : k === 1 ? sample.slice(0, at) + sample.slice(at + 1 + rnd(8)) : sample.slice(0, at) + j + sample.slice(at + j.length));
  }
  return out;
}

function interpret(l: StraceLine | null) {
  return l && l.kind === "call" ? interpretCall(l.name, l.args, l.ret) : null;
}

describe("parseStraceLine + interpretCall", () => {
  test("TCP connect over IPv4 with -yy decoration and EINPROGRESS", () => {
    const l = parseStraceLine(SAMPLES[2]!)!;
    expect(l).toMatchObject({ kind: "call", tid: 5171, ts: 1795305040424.705, name: "connect", ret: { value: -1, errno: "EINPROGRESS" } });
    expect(interpret(l)).toMatchObject({ type: "connect", family: "inet", dst: { ip: "1.2.3.4", port: 443 }, fd: { fd: 4, proto: "tcp" } });
  });
  test("IPv6 connect", () => {
    expect(interpret(parseStraceLine(SAMPLES[3]!))).toMatchObject({ type: "connect", dst: { ip: "::1", port: 40399 }, fd: { proto: "tcp" } });
  });
  test("sendto with destination decodes -xx payload", () => {
    const f = interpret(parseStraceLine(SAMPLES[4]!));
    expect(f).toMatchObject({ type: "send", dst: { ip: "127.0.0.53", port: 53 }, fd: { proto: "udp" } });
    expect(f && f.type === "send" && [...f.payloads[0]!]).toEqual([0x12, 0x34, 0x01, 0x00, 0x61]);
  });
  test("sendto on a connected UDP socket takes the peer from the decoration", () => {
    expect(interpret(parseStraceLine(SAMPLES[5]!))).toMatchObject({ type: "send", dst: { ip: "10.255.255.53", port: 53 } });
  });
  test("sendmsg: msg_name and the iovecs joined", () => {
    const f = interpret(parseStraceLine(SAMPLES[6]!));
    expect(f).toMatchObject({ type: "send", dst: { ip: "127.0.0.1", port: 53 } });
    expect(f && f.type === "send" && new TextDecoder().decode(f.payloads[0])).toBe("xyz");
  });
  test("sendmmsg: one payload per message, IPv6 peer from the decoration", () => {
    const f = interpret(parseStraceLine(SAMPLES[7]!));
    expect(f).toMatchObject({ type: "send", dst: { ip: "fd00::53", port: 53 } });
    expect(f && f.type === "send" && f.payloads.map((p) => [...p])).toEqual([[1, 2], [3]]);
  });
  test("AF_UNIX and AF_NETLINK are ignored", () => {
    expect(interpret(parseStraceLine(SAMPLES[8]!))).toBeNull();
    expect(interpret(parseStraceLine(SAMPLES[16]!))).toBeNull();
  });
  test("unfinished / resumed halves", () => {
    expect(parseStraceLine(SAMPLES[9]!)).toMatchObject({ kind: "unfinished", tid: 5171, name: "vfork", args: "" });
    expect(parseStraceLine(SAMPLES[10]!)).toMatchObject({ kind: "resumed", tid: 5171, name: "vfork", rest: ") = 5224" });
  });
  test("execve argv and clone3 thread flag", () => {
    expect(interpret(parseStraceLine(SAMPLES[11]!))).toEqual({ type: "exec", path: "/usr/bin/bash", argv: ["bash", "-c", "echo hi"] });
    const l = parseStraceLine(SAMPLES[12]!);
    expect(l).toMatchObject({ kind: "call", ret: { value: 5684 } });
    expect(interpret(l)).toEqual({ type: "clone", thread: true, sameParent: false });
  });
  test("exit lines", () => {
    expect(parseStraceLine(SAMPLES[13]!)).toMatchObject({ kind: "exit", tid: 5684, code: 3 });
    expect(parseStraceLine(SAMPLES[14]!)).toMatchObject({ kind: "exit", code: null, signal: "SIGKILL" });
  });
  test("recvfrom answer from port 53", () => {
    expect(interpret(parseStraceLine(SAMPLES[15]!))).toMatchObject({ type: "recv", src: { ip: "10.255.255.53", port: 53 } });
  });
  test("plain (non -xx) strings, no pid prefix, [pid N] prefix", () => {
    const l = parseStraceLine(`[pid  77] connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("10.0.0.1")}, 16) = 0`);
    expect(l).toMatchObject({ tid: 77, ts: null });
    expect(interpret(l)).toMatchObject({ dst: { ip: "10.0.0.1", port: 80 }, fd: { fd: 3, proto: null } });
    expect(parseStraceLine("--- SIGCHLD {si_signo=SIGCHLD} ---")).toBeNull();
    expect(parseStraceLine("")).toBeNull();
  });
  test("a hostile payload cannot forge fields", () => {
    const evil = `1 1795305040.5 sendto(3<UDP:[1]>, "\\x22\\x29\\x20\\x3d\\x20\\x30", 6, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("${hex("9.9.9.9")}")}, 16) = 6`;
    expect(interpret(parseStraceLine(evil))).toMatchObject({ dst: { ip: "9.9.9.9", port: 53 } });
    // Without -xx a payload may contain ") = " itself; the result is taken from the last one.
    const plain = `1 sendto(3<UDP:[1]>, "a) = 7 b", 8, 0, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("9.9.9.9")}, 16) = 8`;
    expect(parseStraceLine(plain)).toMatchObject({ ret: { value: 8 } });
    expect(interpret(parseStraceLine(plain))).toMatchObject({ dst: { ip: "9.9.9.9", port: 53 } });
  });
  test("bad ports and addresses are rejected", () => {
    expect(interpret(parseStraceLine(`1 connect(3, {sa_family=AF_INET, sin_port=htons(70000), sin_addr=inet_addr("1.2.3.4")}, 16) = 0`))).toBeNull();
    expect(interpret(parseStraceLine(`1 connect(3, {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("x")}, 16) = 0`))).toBeNull();
  });
  test("fuzz: mutated and truncated lines never throw; results stay well-formed", () => {
    let n = 0;
    SAMPLES.forEach((sample, i) => {
      for (const m of mutations(sample, 600, i + 1)) {
        const l = parseStraceLine(m);
        n++;
        if (!l) continue;
        const args = l.kind === "call" || l.kind === "unfinished" ? l.args : l.kind === "resumed" ? l.rest : "";
        const f = interpretCall(l.kind === "exit" ? "connect" : l.name, args, l.kind === "call" ? l.ret : null);
        if (f && (f.type === "connect" || f.type === "send") && f.dst) {
          expect(f.dst.port).toBeLessThanOrEqual(65535);
          expect(typeof f.dst.ip).toBe("string");
        }
      }
    });
    expect(n).toBeGreaterThan(10000);
  });
});

test("decodeCString handles escapes and truncation", () => {
  expect([...decodeCString("\\x41\\n\\0\\177\\\\\\\"z")]).toEqual([0x41, 10, 0, 127, 92, 34, 0x7a]);
  expect([...decodeCString("\\x4")]).toEqual([4]);
  expect([...decodeCString("ab\\")]).toEqual([97, 98]);
});

test("splitTop respects strings, brackets and decorations with ->", () => {
  expect(splitTop(`3<UDP:[1.2.3.4:5->6.7.8.9:53]>, "a,b", {x=1, y=[2, 3]}, 16`)).toEqual([
    "3<UDP:[1.2.3.4:5->6.7.8.9:53]>",
    '"a,b"',
    "{x=1, y=[2, 3]}",
    "16",
  ]);
  expect(parseFd("3<TCPv6:[[::1]:5000->[::1]:6000]>")).toEqual({ fd: 3, inode: null, proto: "tcp", kind: "TCPv6", peer: { ip: "::1", port: 6000 } });
});

test("parseFd reads -y decorations, escaped by -xx or not", () => {
  expect(parseFd(`3<${hex("socket:[667421]")}>`)).toEqual({ fd: 3, inode: 667421, proto: null, kind: "socket", peer: null });
  expect(parseFd("4<socket:[12]>")).toMatchObject({ fd: 4, inode: 12 });
  expect(parseFd(`5<${hex("/etc/passwd")}>`)).toEqual({ fd: 5, inode: null, proto: null, kind: null, peer: null });
  expect(parseFd("x")).toMatchObject({ fd: null });
});

test("socket() gives protocol and inode from the decorated result", () => {
  const l = parseStraceLine(`9 1700000000.5 socket(AF_INET6, SOCK_DGRAM|SOCK_CLOEXEC|SOCK_NONBLOCK, IPPROTO_IP) = 5<${hex("socket:[777]")}>`);
  expect(l).toMatchObject({ kind: "call", ret: { value: 5, decoration: "socket:[777]" } });
  expect(interpret(l)).toEqual({ type: "socket", inode: 777, fd: 5, proto: "udp" });
  expect(interpret(parseStraceLine(`9 socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3<socket:[8]>`))).toEqual({ type: "socket", inode: 8, fd: 3, proto: null });
  expect(interpret(parseStraceLine(`9 socket(AF_INET, SOCK_STREAM, IPPROTO_TCP) = -1 EMFILE (Too many open files)`))).toBeNull();
});

import type { Endpoint, Proto } from "../../core/types.ts";
import { normalizeIp } from "../proc/ip-format.ts";
import { arrayItems, decodeCString, parseQuoted, quotedString, splitTop, structFields } from "./strace-text.ts";

// Pure parsing of strace output lines (strace -f -ttt -yy -xx). A line is untrusted text (a
// traced program controls paths and payloads), so every function here returns null on
// anything unexpected and never throws.

export type StraceLine =
  | { kind: "call"; tid: number | null; ts: number | null; name: string; args: string; ret: StraceResult }
  | { kind: "unfinished"; tid: number | null; ts: number | null; name: string; args: string }
  | { kind: "resumed"; tid: number | null; ts: number | null; name: string; rest: string }
  | { kind: "exit"; tid: number | null; ts: number | null; code: number | null; signal: string | null };

export interface StraceResult {
  value: number | null; // null for "?"
  errno: string | null;
  /** With -y a returned fd is decorated too: "3<socket:[123]>" → "socket:[123]". */
  decoration?: string;
}

const PREFIX = /^(?:\[pid\s+)?(\d+)\]?\s+/;
const TIME = /^(\d{9,11}\.\d{1,9})\s+/;

export function parseStraceLine(raw: string): StraceLine | null {
  try {
    return parseLineUnsafe(raw);
  } catch {
    return null; // defensive: the parser must never take the probe down
  }
}

function parseLineUnsafe(raw: string): StraceLine | null {
  if (typeof raw !== "string") return null;
  let line = raw.replace(/\r?\n$/, "");
  let tid: number | null = null;
  let ts: number | null = null;
  const p = PREFIX.exec(line);
  if (p) {
    tid = Number(p[1]);
    line = line.slice(p[0].length);
  }
  const t = TIME.exec(line);
  if (t) {
    ts = Math.round(Number(t[1]) * 1000 * 1000) / 1000;
    line = line.slice(t[0].length);
  }
  if (line.startsWith("+++ ")) {
    const exited = /^\+\+\+ exited with (\d+) \+\+\+$/.exec(line);
    if (exited) return { kind: "exit", tid, ts, code: Number(exited[1]), signal: null };
    const killed = /^\+\+\+ killed by (SIG[A-Z0-9]+)/.exec(line);
    if (killed) return { kind: "exit", tid, ts, code: null, signal: killed[1]! };
    return null;
  }
  const resumed = /^<\.\.\. ([a-z0-9_]+) resumed>\s?(.*)$/.exec(line);
  if (resumed) return { kind: "resumed", tid, ts, name: resumed[1]!, rest: resumed[2]! };
  const open = /^([a-z0-9_]+)\(/.exec(line);
  if (!open) return null;
  const name = open[1]!;
  const body = line.slice(open[0].length);
  const unfinished = /\s*<unfinished \.\.\.>$/.exec(body);
  if (unfinished) return { kind: "unfinished", tid, ts, name, args: body.slice(0, unfinished.index) };
  const split = splitResult(body);
  if (!split) return null;
  return { kind: "call", tid, ts, name, args: split.args, ret: split.ret };
}

/** "ARGS) = RET ..." → args and parsed return; used for whole and resumed lines. */
export function splitResult(body: string): { args: string; ret: StraceResult } | null {
  const at = body.lastIndexOf(") = ");
  if (at < 0) return null;
  const tail = body.slice(at + 4);
  const m = /^(\?|-?\d+|0x[0-9a-fA-F]+)(?:<((?:[^>\\]|\\.)*)>)?(?:\s+([A-Z][A-Z0-9_]*))?/.exec(tail);
  if (!m) return null;
  const value = m[1] === "?" ? null : Number(m[1]);
  const ret: StraceResult = { value: Number.isFinite(value) ? value : null, errno: m[3] ?? null };
  if (m[2] !== undefined) ret.decoration = decodeText(m[2]);
  return { args: body.slice(0, at), ret };
}

// ---------------------------------------------------------------- interpreting arguments

export interface FdInfo {
  fd: number | null;
  /** Socket inode from the -y decoration (socket:[N]) or -yy's TCP:[N]; follows dup and fork. */
  inode: number | null;
  /** From a -yy decoration: TCP/TCPv6 → tcp, UDP/UDPv6 → udp; null when unknown. */
  proto: Proto | null;
  /** Socket kind named by a -yy decoration (TCP, UDPv6, UNIX-STREAM, NETLINK, ...) or "socket". */
  kind: string | null;
  /** Remote end when a -yy decoration shows a connected socket (a:p->b:q). */
  peer: Endpoint | null;
}

/** A decorated socket that is not TCP/UDP over IP (AF_UNIX, netlink, packet, ...). */
export function isForeignSocket(fd: FdInfo): boolean {
  return fd.kind !== null && fd.proto === null && fd.kind !== "socket";
}

function decodeText(body: string): string {
  return new TextDecoder().decode(decodeCString(body));
}

/** "3", "3<socket:[123]>" (-y, maybe \x-escaped with -xx) or "3<TCP:[1.2.3.4:5->6.7.8.9:80]>" (-yy). */
export function parseFd(text: string): FdInfo {
  const none: FdInfo = { fd: null, inode: null, proto: null, kind: null, peer: null };
  const m = /^(\d+)(?:<(.*)>)?$/s.exec(text.trim());
  if (!m) return none;
  const fd = Number(m[1]);
  if (m[2] === undefined) return { ...none, fd };
  const deco = /^([^:]+):\[(.*)\]$/s.exec(decodeText(m[2]));
  if (!deco) return { ...none, fd };
  const kind = deco[1]!;
  const inner = deco[2]!;
  const proto: Proto | null = /^TCP(v6)?$/.test(kind) ? "tcp" : /^UDP(v6)?$/.test(kind) ? "udp" : null;
  const inode = /^\d{1,12}$/.test(inner) ? Number(inner) : null;
  const arrow = inner.indexOf("->");
  const peer = arrow >= 0 ? parseHostPort(inner.slice(arrow + 2)) : null;
  return { fd, inode, proto, kind, peer };
}

/** "1.2.3.4:53" or "[::1]:53" → endpoint. */
export function parseHostPort(text: string): Endpoint | null {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^(\d{1,3}(?:\.\d{1,3}){3}):(\d{1,5})$/.exec(text);
  if (!m) return null;
  const port = Number(m[2]);
  return port <= 65535 ? { ip: normalizeIp(m[1]!), port } : null;
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

export interface SockAddr {
  family: "inet" | "inet6" | "other";
  dst: Endpoint | null;
}

/** {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("1.2.3.4")} and the AF_INET6 form. */
export function parseSockaddr(text: string): SockAddr | null {
  const t = text.trim();
  if (!t.startsWith("{")) return null;
  const f = structFields(t);
  const family = f.get("sa_family");
  if (family === "AF_INET") {
    const port = /^htons\((\d{1,5})\)$/.exec(f.get("sin_port") ?? "");
    const addr = /^inet_addr\((".*")\)$/.exec(f.get("sin_addr") ?? "");
    const ip = addr ? quotedString(addr[1]!) : null;
    if (!port || !ip || !IPV4.test(ip) || Number(port[1]) > 65535) return { family: "inet", dst: null };
    return { family: "inet", dst: { ip, port: Number(port[1]) } };
  }
  if (family === "AF_INET6") {
    const port = /^htons\((\d{1,5})\)$/.exec(f.get("sin6_port") ?? "");
    const addr = /inet_pton\(AF_INET6,\s*("(?:[^"\\]|\\.)*")/.exec(t);
    const ip = addr ? quotedString(addr[1]!) : null;
    if (!port || !ip || !IPV6.test(ip) || !ip.includes(":") || Number(port[1]) > 65535) return { family: "inet6", dst: null };
    return { family: "inet6", dst: { ip: normalizeIp(ip), port: Number(port[1]) } };
  }
  return { family: "other", dst: null };
}

export type SyscallFact =
  | { type: "socket"; inode: number | null; fd: number; proto: Proto | null }
  | { type: "connect"; fd: FdInfo; family: SockAddr["family"]; dst: Endpoint }
  | { type: "send"; fd: FdInfo; dst: Endpoint | null; payloads: Uint8Array[] }
  | { type: "recv"; fd: FdInfo; src: Endpoint | null; payloads: Uint8Array[] }
  | { type: "exec"; path: string; argv: string[] }
  | { type: "clone"; thread: boolean; sameParent: boolean };

function payload(text: string | undefined): Uint8Array | null {
  return text === undefined ? null : parseQuoted(text)?.bytes ?? null;
}

/** Destination and iov payloads of a struct msghdr. */
function parseMsghdr(text: string): { addr: SockAddr | null; payloads: Uint8Array[] } {
  const f = structFields(text);
  const name = f.get("msg_name");
  const addr = name && name !== "NULL" ? parseSockaddr(name) : null;
  const payloads: Uint8Array[] = [];
  for (const iov of arrayItems(f.get("msg_iov") ?? "") ?? []) {
    const b = payload(structFields(iov).get("iov_base"));
    if (b) payloads.push(b);
  }
  return { addr, payloads: payloads.length > 1 ? [concat(payloads)] : payloads };
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** What a traced call means for us; null for anything we do not report. */
export function interpretCall(name: string, args: string, ret: StraceResult | null): SyscallFact | null {
  try {
    return interpretUnsafe(name, args, ret);
  } catch {
    return null;
  }
}

function interpretUnsafe(name: string, args: string, ret: StraceResult | null): SyscallFact | null {
  switch (name) {
    case "socket": {
      if (!ret || ret.value === null || ret.value < 0) return null;
      const a = splitTop(args);
      const inet = a[0] === "AF_INET" || a[0] === "AF_INET6";
      const type = a[1] ?? "";
      const proto: Proto | null = !inet ? null : /^SOCK_STREAM\b/.test(type) ? "tcp" : /^SOCK_DGRAM\b/.test(type) ? "udp" : null;
      const fd = parseFd(`${ret.value}${ret.decoration !== undefined ? `<${ret.decoration}>` : ""}`);
      return { type: "socket", inode: fd.inode, fd: ret.value, proto };
    }
    case "connect": {
      const a = splitTop(args);
      if (a.length < 2) return null;
      const sa = parseSockaddr(a[1]!);
      if (!sa || sa.family === "other" || !sa.dst) return null;
      return { type: "connect", fd: parseFd(a[0]!), family: sa.family, dst: sa.dst };
    }
    case "sendto": {
      const a = splitTop(args);
      if (a.length < 2) return null;
      const fd = parseFd(a[0]!);
      if (isForeignSocket(fd)) return null; // AF_UNIX, netlink, ...
      const sa = a[4] && a[4] !== "NULL" ? parseSockaddr(a[4]) : null;
      if (sa && sa.family === "other") return null;
      const b = payload(a[1]);
      return { type: "send", fd, dst: sa?.dst ?? fd.peer, payloads: b ? [b] : [] };
    }
    case "recvfrom": {
      if (!ret || ret.value === null || ret.value < 0) return null;
      const a = splitTop(args);
      if (a.length < 2) return null;
      const fd = parseFd(a[0]!);
      if (isForeignSocket(fd) || fd.proto === "tcp") return null;
      const sa = a[4] && a[4] !== "NULL" ? parseSockaddr(a[4]) : null;
      if (sa && sa.family === "other") return null;
      const b = payload(a[1]);
      return { type: "recv", fd, src: sa?.dst ?? fd.peer, payloads: b ? [b] : [] };
    }
    case "sendmsg":
    case "recvmsg": {
      if (name === "recvmsg" && (!ret || ret.value === null || ret.value < 0)) return null;
      const a = splitTop(args);
      if (a.length < 2) return null;
      const fd = parseFd(a[0]!);
      if (isForeignSocket(fd)) return null;
      if (name === "recvmsg" && fd.proto === "tcp") return null;
      const m = parseMsghdr(a[1]!);
      if (m.addr && m.addr.family === "other") return null;
      const ep = m.addr?.dst ?? fd.peer;
      return name === "sendmsg"
        ? { type: "send", fd, dst: ep, payloads: m.payloads }
        : { type: "recv", fd, src: ep, payloads: m.payloads };
    }
    case "sendmmsg": {
      const a = splitTop(args);
      if (a.length < 2) return null;
      const fd = parseFd(a[0]!);
      if (isForeignSocket(fd)) return null;
      let dst: Endpoint | null = null;
      const payloads: Uint8Array[] = [];
      for (const item of arrayItems(a[1]!) ?? []) {
        const hdr = structFields(item).get("msg_hdr");
        if (!hdr) continue;
        const m = parseMsghdr(hdr);
        if (m.addr && m.addr.family === "other") return null;
        dst ??= m.addr?.dst ?? null;
        payloads.push(...m.payloads);
      }
      return { type: "send", fd, dst: dst ?? fd.peer, payloads };
    }
    case "execve": {
      if (!ret || ret.value !== 0) return null;
      const a = splitTop(args);
      const path = quotedString(a[0] ?? "");
      if (path === null) return null;
      const argv = (arrayItems(a[1] ?? "") ?? []).map((x) => quotedString(x)).filter((x): x is string => x !== null);
      return { type: "exec", path, argv };
    }
    case "clone":
    case "clone3":
    case "fork":
    case "vfork": {
      const flags = /flags=([A-Z0-9_|]+)/.exec(args)?.[1] ?? "";
      return { type: "clone", thread: flags.includes("CLONE_THREAD"), sameParent: flags.includes("CLONE_PARENT") };
    }
  }
  return null;
}

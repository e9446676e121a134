// The eBPF probe: loads trustrun.bpf.o (embedded in the binary) through libbpf, seeds the
// `tracked` map with the target tree and drains the ring buffer every 10 ms on the JS thread.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { JSCallback, FFIType, toArrayBuffer, type Pointer } from "bun:ffi";
import ipaddr from "ipaddr.js";
import objPath from "./trustrun.bpf.o" with { type: "file" };
import type { Availability, Probe, ProbeFactory, ProbeSink, ProbeTarget } from "../probe.ts";
import { decodeEvent, toProbeEvent } from "./events.ts";
import { destroyLinks } from "./detach.ts";
import { cstr, cstringArg, libbpfError, loadLibbpf, monotonicNs, pointerError, type Libbpf, type Ptr } from "./libbpf.ts";

const POLL_MS = 10;
const LOG_BUF = 64 * 1024;
const CFG_HOLD = 0;
const CFG_LOST = 1;
const CFG_GEN = 2;
const QNAME_MAX = 64;
const TRACEFS = ["/sys/kernel/tracing", "/sys/kernel/debug/tracing"];
const TRACEPOINTS = [
  "syscalls/sys_enter_connect", "syscalls/sys_exit_connect", "syscalls/sys_enter_sendto", "syscalls/sys_enter_sendmsg",
  "syscalls/sys_enter_sendmmsg", "task/task_newtask", "sched/sched_process_exec", "sched/sched_process_exit",
  "sock/inet_sock_set_state",
];
// Capability bits (linux/capability.h).
const CAP_SYS_ADMIN = 21n;
const CAP_PERFMON = 38n;
const CAP_BPF = 39n;

/** The eBPF probe plus the hold controls only it has. */
export interface EbpfProbe extends Probe {
  /** Stop (SIGSTOP) a tracked process at connect() to a destination not yet allowed. */
  setHold(on: boolean): void;
  /** Let connects to ip:port through without holding from now on. */
  allowDestination(ip: string, port: number): void;
  allowName(name: string): void;
  /** Resume a process held at connect() (SIGCONT). */
  release(pid: number): void;
}

/** Effective capabilities of this process, from /proc/self/status. */
function effectiveCaps(): bigint {
  try {
    const m = /^CapEff:\s*([0-9a-f]+)$/m.exec(readFileSync("/proc/self/status", "utf8"));
    return m ? BigInt(`0x${m[1]}`) : 0n;
  } catch {
    return 0n;
  }
}

function hasCap(caps: bigint, bit: bigint): boolean {
  return ((caps >> bit) & 1n) === 1n;
}

/** Mounts tracefs when root and it is missing (libbpf attaches tracepoints through it). */
function tracefsRoot(): string | null {
  for (const dir of TRACEFS) if (existsSync(`${dir}/events`)) return dir;
  if (process.getuid?.() === 0 && existsSync(TRACEFS[0]!)) {
    spawnSync("mount", ["-t", "tracefs", "nodev", TRACEFS[0]!], { stdio: "ignore" });
    if (existsSync(`${TRACEFS[0]}/events`)) return TRACEFS[0]!;
  }
  return null;
}

export function ebpfAvailability(): Availability {
  if (process.platform !== "linux") return { ok: false, reason: "eBPF probe: Linux only" };
  const caps = effectiveCaps();
  const privileged = process.getuid?.() === 0 || hasCap(caps, CAP_SYS_ADMIN) || (hasCap(caps, CAP_BPF) && hasCap(caps, CAP_PERFMON));
  if (!privileged) {
    return { ok: false, reason: "eBPF probe needs root (or CAP_BPF + CAP_PERFMON): run with sudo for complete capture" };
  }
  const lib = loadLibbpf();
  if ("error" in lib) return { ok: false, reason: lib.error };
  if (!existsSync("/sys/kernel/btf/vmlinux")) {
    return { ok: false, reason: "eBPF probe unavailable: kernel has no BTF (/sys/kernel/btf/vmlinux); needs a kernel built with CONFIG_DEBUG_INFO_BTF=y" };
  }
  const tracefs = tracefsRoot();
  if (!tracefs) return { ok: false, reason: "eBPF probe unavailable: tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)" };
  const missing = TRACEPOINTS.filter((tp) => !existsSync(`${tracefs}/events/${tp}`));
  if (missing.length) return { ok: false, reason: `eBPF probe unavailable: kernel lacks tracepoints ${missing.join(", ")}` };
  return { ok: true };
}

/** Pids of every descendant of the given roots, read from /proc (a snapshot). */
function descendantsFromProc(roots: Set<number>): number[] {
  const children = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc");
  } catch {
    return [];
  }
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // the process exited while we read
    }
  }
  const out: number[] = [];
  const queue = [...roots];
  const seen = new Set(roots);
  while (queue.length) {
    for (const c of children.get(queue.pop()!) ?? []) {
      if (!seen.has(c)) {
        seen.add(c);
        out.push(c);
        queue.push(c);
      }
    }
  }
  return out;
}

function argvOf(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, "utf8");
    return raw ? raw.replace(/\0$/, "").split("\0") : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Key of the `allowed_names` map: the name in DNS wire format (length-prefixed labels, lower
 * case, then the root label), zero padded to 64 bytes; null when it does not fit or is not a name.
 */
export function qnameKey(name: string): Uint8Array | null {
  const labels = name.toLowerCase().replace(/\.$/, "").split(".");
  const key = new Uint8Array(QNAME_MAX);
  let at = 0;
  for (const label of labels) {
    if (!label || label.length > 63 || !/^[\x21-\x7e]+$/.test(label)) return null;
    if (at + 1 + label.length + 1 > QNAME_MAX) return null;
    key[at++] = label.length;
    for (let i = 0; i < label.length; i++) key[at++] = label.charCodeAt(i);
  }
  return key; // the root label is the zero after the last one
}

/**
 * Keys of the `verdicts` map for a destination: u16 family, u16 port, 16 address bytes (network
 * order). An IPv4 destination also gets its IPv4-mapped IPv6 form (dual-stack sockets), and the
 * reverse.
 */
export function destinationKeys(ip: string, port: number): Uint8Array[] {
  const key = (family: number, bytes: number[]) => {
    const k = new Uint8Array(20);
    const v = new DataView(k.buffer);
    v.setUint16(0, family, true);
    v.setUint16(2, port, true);
    k.set(bytes, 4);
    return k;
  };
  const addr = ipaddr.parse(ip);
  if (addr.kind() === "ipv4") {
    const v4 = addr as ipaddr.IPv4;
    return [key(2, v4.toByteArray()), key(10, v4.toIPv4MappedAddress().toByteArray())];
  }
  const v6 = addr as ipaddr.IPv6;
  const keys = [key(10, v6.toByteArray())];
  if (v6.isIPv4MappedAddress()) keys.push(key(2, v6.toIPv4Address().toByteArray()));
  return keys;
}

function u32(n: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, n >>> 0, true);
  return b;
}

function u64(n: number): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(n), true);
  return b;
}

interface Loaded {
  lib: Libbpf;
  obj: Ptr;
  objBytes: Uint8Array; // libbpf reads the ELF from this memory: keep it alive until close
  links: Ptr[];
  rb: Ptr | null;
  callback: JSCallback | null;
  fds: { tracked: number; config: number; verdicts: number; events: number; allowed_names: number };
}

function freeRingBuffer(s: Loaded): void {
  if (s.rb) s.lib.ring_buffer__free(s.rb);
  s.rb = null;
  s.callback?.close();
  s.callback = null;
}

/** Synchronous close, for start-up failures. */
function closeLoaded(s: Loaded): void {
  freeRingBuffer(s);
  for (const l of s.links) s.lib.bpf_link__destroy(l);
  s.links = [];
  s.lib.bpf_object__close(s.obj);
}

/** Close for stop(): the links are destroyed in parallel (see detach.ts). */
async function closeLoadedAsync(s: Loaded): Promise<void> {
  freeRingBuffer(s);
  const links = s.links;
  s.links = [];
  await destroyLinks(s.lib, links);
  s.lib.bpf_object__close(s.obj);
}

async function loadObject(lib: Libbpf): Promise<Loaded> {
  const objBytes = await Bun.file(objPath).bytes();
  const obj = lib.bpf_object__open_mem(objBytes, objBytes.length, null);
  const openErr = pointerError(lib, obj);
  if (!obj || openErr) throw new Error(`eBPF probe: cannot open the BPF object: ${libbpfError(lib, openErr)}`);
  const state: Loaded = { lib, obj, objBytes, links: [], rb: null, callback: null, fds: { tracked: -1, config: -1, verdicts: -1, events: -1, allowed_names: -1 } };
  const logs = new Map<string, Uint8Array>();
  try {
    // A log buffer per program: on a verifier rejection libbpf retries with logging into it.
    for (let p = lib.bpf_object__next_program(obj, null); p; p = lib.bpf_object__next_program(obj, p)) {
      const buf = new Uint8Array(LOG_BUF);
      logs.set(cstr(lib.bpf_program__name(p)), buf);
      lib.bpf_program__set_log_buf(p, buf, buf.length);
    }
    const rc = lib.bpf_object__load(obj);
    if (rc) {
      const detail = [...logs]
        .map(([n, b]) => {
          const end = b.indexOf(0);
          const text = new TextDecoder().decode(b.subarray(0, end < 0 ? b.length : end)).trim();
          return text ? `${n}: ${text.slice(-400)}` : "";
        })
        .filter(Boolean)
        .join("; ");
      const hint = rc === -1 || rc === -13 ? " (needs root or CAP_BPF + CAP_PERFMON)" : "";
      throw new Error(`eBPF probe: the kernel refused the BPF programs: ${libbpfError(lib, rc)}${hint}${detail ? ` — ${detail}` : ""}`);
    }
    for (let p = lib.bpf_object__next_program(obj, null); p; p = lib.bpf_object__next_program(obj, p)) {
      const link = lib.bpf_program__attach(p);
      const err = pointerError(lib, link);
      if (!link || err) throw new Error(`eBPF probe: cannot attach ${cstr(lib.bpf_program__name(p))}: ${libbpfError(lib, err)}`);
      state.links.push(link);
    }
    for (const name of ["tracked", "tr_config", "verdicts", "events", "allowed_names"] as const) {
      const fd = lib.bpf_object__find_map_fd_by_name(obj, cstringArg(name));
      if (fd < 0) throw new Error(`eBPF probe: map ${name} missing from the BPF object`);
      state.fds[name === "tr_config" ? "config" : name] = fd;
    }
    return state;
  } catch (err) {
    closeLoaded(state);
    throw err;
  }
}

export function createEbpfProbe(): EbpfProbe {
  let state: Loaded | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let sink: ProbeSink | null = null;
  let offsetMs = 0;
  let lost = 0;
  let pending: Uint8Array[] = [];
  let sinkFailed = false;
  let stopping: Promise<void> | null = null;
  const held = new Set<number>(); // pids stopped by the kernel program and not yet released

  function lookupU64(fd: number, key: number): number {
    if (!state) return 0;
    const val = new Uint8Array(8);
    if (state.lib.bpf_map_lookup_elem(fd, u32(key), val) !== 0) return 0;
    return Number(new DataView(val.buffer).getBigUint64(0, true));
  }

  function track(pid: number): void {
    if (state && pid > 0) state.lib.bpf_map_update_elem(state.fds.tracked, u32(pid), new Uint8Array([1]), 0);
  }

  // Records are copied in the callback (it runs inside ring_buffer__consume on this thread) and
  // decoded afterwards, so the callback stays cheap.
  function drain(): void {
    if (!state?.rb) return;
    state.lib.ring_buffer__consume(state.rb);
    const batch = pending;
    pending = [];
    for (const bytes of batch) {
      try {
        deliver(bytes);
      } catch (err) {
        // A failing consumer must not stop the drain (this runs from a timer).
        if (!sinkFailed) sink?.warn(`eBPF probe: an event handler failed: ${err instanceof Error ? err.message : String(err)}`);
        sinkFailed = true;
      }
    }
    const nowLost = lookupU64(state.fds.config, CFG_LOST);
    if (nowLost > lost) {
      sink?.warn(`eBPF ring buffer full: ${nowLost - lost} events lost`);
      lost = nowLost;
    }
  }

  function deliver(bytes: Uint8Array): void {
    const e = decodeEvent(bytes);
    if (!e || !sink) return;
    const out = toProbeEvent(e, offsetMs);
    if (out.type === "connect") {
      if (out.ev.held) held.add(out.ev.pid);
      sink.connect(out.ev);
    }
    else if (out.type === "dns") sink.dns(out.ev);
    else {
      // The kernel's copy is exact at exec time; /proc (read later) completes a cut one if it
      // still shows the same start, or stands in when nothing was copied.
      const copied = out.ev.event === "exec" ? out.ev.argv : undefined;
      const cut = copied?.at(-1)?.endsWith("…");
      if (out.ev.event === "exec" && (!copied || cut)) {
        const argv = argvOf(out.ev.pid);
        const head = copied ? copied.join("\0").slice(0, -1) : "";
        if (argv && (!copied || argv.join("\0").startsWith(head))) out.ev.argv = argv;
      }
      sink.process(out.ev);
    }
  }

  async function start(target: ProbeTarget, s: ProbeSink): Promise<void> {
    if (state) throw new Error("eBPF probe already started");
    const avail = ebpfAvailability();
    if (!avail.ok) throw new Error(avail.reason);
    const lib = loadLibbpf();
    if ("error" in lib) throw new Error(lib.error);
    const loaded = await loadObject(lib.lib);
    try {
      loaded.callback = new JSCallback(
        (_ctx: Pointer, data: Pointer, size: number | bigint) => {
          pending.push(new Uint8Array(toArrayBuffer(data, 0, Number(size))).slice());
          return 0;
        },
        { args: [FFIType.ptr, FFIType.ptr, FFIType.u64], returns: FFIType.i32 },
      );
      const rb = loaded.lib.ring_buffer__new(loaded.fds.events, loaded.callback.ptr!, null, null);
      const err = pointerError(loaded.lib, rb);
      if (!rb || err) throw new Error(`eBPF probe: cannot open the ring buffer: ${libbpfError(loaded.lib, err)}`);
      loaded.rb = rb;
    } catch (err) {
      closeLoaded(loaded);
      throw err;
    }
    state = loaded;
    sink = s;
    lost = 0;
    sinkFailed = false;
    held.clear();
    offsetMs = Date.now() - Number(monotonicNs() / 1000n) / 1000;
    // Seed the root first: from then on the kernel adds its children itself; a /proc walk then
    // adds descendants forked before that moment (twice, for those forked during the first walk).
    const roots = new Set([target.rootPid, ...target.initialPids].filter((p) => p > 0));
    for (const pid of roots) track(pid);
    for (let pass = 0; pass < 2; pass++) for (const pid of descendantsFromProc(roots)) {
      roots.add(pid);
      track(pid);
    }
    if (holdWanted) setHold(true);
    timer = setInterval(drain, POLL_MS);
    (timer as { unref?: () => void }).unref?.();
  }

  let holdWanted = false;
  function setHold(on: boolean): void {
    holdWanted = on; // may be asked before start(): applied once the maps exist
    if (state) state.lib.bpf_map_update_elem(state.fds.config, u32(CFG_HOLD), u64(on ? 1 : 0), 0);
  }

  function release(pid: number): void {
    held.delete(pid);
    try {
      process.kill(pid, "SIGCONT");
    } catch {
      // already gone
    }
  }

  async function stopNow(): Promise<void> {
    if (timer) clearInterval(timer);
    timer = null;
    if (!state) return;
    if (state) state.lib.bpf_map_update_elem(state.fds.config, u32(CFG_HOLD), u64(0), 0); // nothing may be stopped while detaching
    drain(); // final poll: deliver what the kernel already wrote
    const closing = state;
    state = null;
    sink = null;
    pending = [];
    await closeLoadedAsync(closing);
    // Never leave a process stopped with nobody to resume it; the session kills first what it
    // has decided must not run.
    for (const pid of [...held]) release(pid);
  }

  function stop(): Promise<void> {
    stopping ??= stopNow().finally(() => {
      stopping = null;
    });
    return stopping;
  }

  return {
    name: "ebpf",
    complete: true,
    start,
    stop,
    setHold,
    allowDestination(ip: string, port: number): void {
      if (!state || !ipaddr.isValid(ip)) return;
      // Stamped with the generation read now: if a lookup moves it on meanwhile, the entry is
      // stale at once and the next connect is held (the safe side).
      const gen = u64(lookupU64(state.fds.config, CFG_GEN));
      for (const k of destinationKeys(ip, port)) state.lib.bpf_map_update_elem(state.fds.verdicts, k, gen, 0);
    },
    allowName(name: string): void {
      const key = qnameKey(name);
      if (state && key) state.lib.bpf_map_update_elem(state.fds.allowed_names, key, new Uint8Array([1]), 0);
    },
    release,
  };
}

export const ebpfProbeFactory: ProbeFactory = {
  name: "ebpf",
  complete: true,
  modes: ["run", "watch"],
  available: () => ebpfAvailability(),
  create: createEbpfProbe,
};

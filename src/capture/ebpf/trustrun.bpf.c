// SPDX-License-Identifier: GPL-2.0
// TrustRun capture probe: a CO-RE BPF object built by scripts/regen-bpf.sh into trustrun.bpf.o.
//
// Only tracepoints are used (kprobes are not available on every kernel TrustRun targets).
// The process tree is followed in the kernel: task_newtask adds a new process to `tracked`
// when its parent is tracked, before the child can run, so no fork→connect race exists.
// Userland seeds `tracked` with the root pid and the pids already in the tree.
//
// Record layouts are mirrored by src/capture/ebpf/events.ts; change both together.

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

char LICENSE[] SEC("license") = "GPL";

#define AF_INET 2
#define AF_INET6 10
#define SOCK_STREAM 1
#define SOCK_DGRAM 2
#define CLONE_THREAD 0x00010000
#define SIGSTOP 19
#define DNS_PORT 53
#define MAX_DNS 512
#define MAX_FILENAME 256
#define MAX_MMSG 4
#define MAX_ARGS 512
#define QNAME_MAX 64
#define IPPROTO_TCP 6
#define TCP_SYN_SENT 2

#define EV_CONNECT 1
#define EV_DNS 2
#define EV_FORK 3
#define EV_EXEC 4
#define EV_EXIT 5

#define CFG_HOLD 0
#define CFG_LOST 1
#define CFG_GEN 2

struct hdr {
  u32 kind;
  u32 tgid;
  u32 tid;
  u32 ppid;
  u64 ts_ns; // CLOCK_MONOTONIC
  char comm[16];
}; // 40 bytes

struct connect_ev {
  struct hdr h;
  u16 family;
  u16 port; // host order
  u8 sotype;
  u8 held;
  u8 via; // 0: connect(); 1: seen when TCP sent its SYN (io_uring, TCP Fast Open, ...), not holdable
  u8 pad;
  u8 addr[16];
}; // 64 bytes

struct dns_ev {
  struct hdr h;
  u16 family;
  u16 port;
  u32 len; // bytes the process sent
  u8 addr[16];
  u32 captured; // bytes copied into payload
  u32 pad;
  u8 payload[MAX_DNS];
}; // 584 bytes

struct fork_ev {
  struct hdr h;
  u32 child;
  u32 pad;
}; // 48 bytes

struct exec_ev {
  struct hdr h;
  u32 old_pid;
  u32 len;
  char filename[MAX_FILENAME];
  u32 args_len; // bytes of the new image's argv area (NUL-separated), as copied
  u32 args_total; // its whole size
  char args[MAX_ARGS];
}; // 824 bytes

struct exit_ev {
  struct hdr h;
  u32 exit_code; // wait status: code << 8 | signal
  u32 pad;
}; // 48 bytes

// Destination key for the hold verdicts (address in network order, port in host order).
struct dst_key {
  u16 family;
  u16 port;
  u8 addr[16];
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 65536);
  __type(key, u32);
  __type(value, u8);
} tracked SEC(".maps");

struct {
  __uint(type, BPF_MAP_TYPE_RINGBUF);
  __uint(max_entries, 8 * 1024 * 1024);
} events SEC(".maps");

// Index CFG_HOLD: 1 = stop processes that connect to a destination not in `verdicts`.
// Index CFG_LOST: count of records dropped because the ring buffer was full.
// Index CFG_GEN: generation of `verdicts`; an entry of an older generation no longer lets through.
struct {
  __uint(type, BPF_MAP_TYPE_ARRAY);
  __uint(max_entries, 3);
  __type(key, u32);
  __type(value, u64);
} tr_config SEC(".maps");

// Destinations let through unheld, with the generation they were decided in. One address serves
// many names (CDNs): when a tracked process looks up a name not in `allowed_names`, the generation
// moves on, so every address is held and judged again before the answer can be used.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __type(key, struct dst_key);
  __type(value, u64);
} verdicts SEC(".maps");

// DNS names (wire format, lower case, zero padded) whose lookup does not move the generation.
struct qname_key {
  u8 name[QNAME_MAX];
};

struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 16384);
  __type(key, struct qname_key);
  __type(value, u8);
} allowed_names SEC(".maps");

// Threads inside connect(): the SYN they send is reported by tp_connect, not by tp_set_state.
struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 4096);
  __type(key, u32);
  __type(value, u8);
} in_connect SEC(".maps");

// A held connect is interrupted by the SIGSTOP (-ERESTARTSYS) and re-entered by the kernel after
// SIGCONT: remember tid → destination so the restart is neither reported twice nor held again.
struct {
  __uint(type, BPF_MAP_TYPE_HASH);
  __uint(max_entries, 4096);
  __type(key, u32);
  __type(value, struct dst_key);
} held_tids SEC(".maps");

static __always_inline void count_lost(void) {
  u32 k = CFG_LOST;
  u64 *v = bpf_map_lookup_elem(&tr_config, &k);
  if (v)
    __sync_fetch_and_add(v, 1);
}

static __always_inline bool cfg_on(u32 k) {
  u64 *v = bpf_map_lookup_elem(&tr_config, &k);
  return v && *v;
}

static __always_inline bool passes_unheld(struct dst_key *k) {
  u64 *v = bpf_map_lookup_elem(&verdicts, k);
  u32 gk = CFG_GEN;
  u64 *gen = bpf_map_lookup_elem(&tr_config, &gk);
  return v && gen && *v == *gen;
}

static __always_inline bool is_tracked(u32 tgid) {
  return bpf_map_lookup_elem(&tracked, &tgid) != NULL;
}

static __always_inline void fill_hdr(struct hdr *h, u32 kind) {
  u64 id = bpf_get_current_pid_tgid();
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  h->kind = kind;
  h->tgid = id >> 32;
  h->tid = (u32)id;
  h->ppid = BPF_CORE_READ(task, real_parent, tgid);
  h->ts_ns = bpf_ktime_get_ns();
  bpf_get_current_comm(h->comm, sizeof(h->comm));
}

// The struct socket behind a file descriptor of the current process, or NULL.
static __always_inline struct socket *sock_of_fd(u32 fd) {
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  struct file **fds = BPF_CORE_READ(task, files, fdt, fd);
  u32 max = BPF_CORE_READ(task, files, fdt, max_fds);
  struct file *f = NULL;
  if (!fds || fd >= max)
    return NULL;
  if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]) || !f)
    return NULL;
  return (struct socket *)BPF_CORE_READ(f, private_data);
}

static __always_inline u8 sock_type(struct socket *sock) {
  if (!sock)
    return 0;
  return (u8)BPF_CORE_READ(sock, type);
}

// Reads a user sockaddr into family/port/addr. Returns 0 for AF_INET/AF_INET6, -1 otherwise
// (AF_UNIX, AF_NETLINK, AF_UNSPEC and unreadable addresses are skipped).
static __always_inline int read_sockaddr(const void *uaddr, u16 *family, u16 *port, u8 *addr) {
  u16 fam = 0;
  if (!uaddr || bpf_probe_read_user(&fam, sizeof(fam), uaddr))
    return -1;
  if (fam == AF_INET) {
    struct sockaddr_in sin = {};
    if (bpf_probe_read_user(&sin, sizeof(sin), uaddr))
      return -1;
    *port = bpf_ntohs(sin.sin_port);
    __builtin_memcpy(addr, &sin.sin_addr.s_addr, 4);
  } else if (fam == AF_INET6) {
    struct sockaddr_in6 sin6 = {};
    if (bpf_probe_read_user(&sin6, sizeof(sin6), uaddr))
      return -1;
    *port = bpf_ntohs(sin6.sin6_port);
    __builtin_memcpy(addr, &sin6.sin6_addr, 16);
  } else {
    return -1;
  }
  *family = fam;
  return 0;
}

// Destination of a connected socket (sendto/sendmsg without an address).
static __always_inline int peer_of_sock(struct socket *sock, u16 *family, u16 *port, u8 *addr) {
  if (!sock)
    return -1;
  struct sock *sk = BPF_CORE_READ(sock, sk);
  if (!sk)
    return -1;
  u16 fam = BPF_CORE_READ(sk, __sk_common.skc_family);
  *port = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
  if (fam == AF_INET) {
    u32 a = BPF_CORE_READ(sk, __sk_common.skc_daddr);
    __builtin_memcpy(addr, &a, 4);
  } else if (fam == AF_INET6) {
    BPF_CORE_READ_INTO(addr, sk, __sk_common.skc_v6_daddr.in6_u.u6_addr8);
  } else {
    return -1;
  }
  *family = fam;
  return 0;
}

SEC("tracepoint/syscalls/sys_enter_connect")
int tp_connect(struct trace_event_raw_sys_enter *ctx) {
  u64 id = bpf_get_current_pid_tgid();
  u32 tgid = id >> 32, tid = (u32)id;
  if (!is_tracked(tgid))
    return 0;
  struct dst_key k = {};
  if (read_sockaddr((const void *)ctx->args[1], &k.family, &k.port, k.addr))
    return 0;
  u8 one = 1;
  bpf_map_update_elem(&in_connect, &tid, &one, BPF_ANY);
  struct dst_key *prev = bpf_map_lookup_elem(&held_tids, &tid);
  if (prev) {
    bool restart = prev->family == k.family && prev->port == k.port;
    for (int i = 0; i < 16; i++) // no memcmp in BPF
      if (prev->addr[i] != k.addr[i])
        restart = false;
    bpf_map_delete_elem(&held_tids, &tid);
    if (restart)
      return 0;
  }
  u16 family = k.family, port = k.port;
  struct connect_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return 0;
  }
  fill_hdr(&e->h, EV_CONNECT);
  e->family = family;
  e->port = port;
  e->sotype = sock_type(sock_of_fd((u32)ctx->args[0]));
  e->held = 0;
  e->via = 0;
  e->pad = 0;
  __builtin_memcpy(e->addr, k.addr, 16);
  if (cfg_on(CFG_HOLD) && !passes_unheld(&k) && bpf_send_signal(SIGSTOP) == 0) {
    e->held = 1;
    bpf_map_update_elem(&held_tids, &tid, &k, BPF_ANY);
  }
  bpf_ringbuf_submit(e, 0);
  return 0;
}

// A held connect that completed without being interrupted (non-blocking, or already connected)
// will not be restarted: forget it so a later connect to the same place is reported.
SEC("tracepoint/syscalls/sys_exit_connect")
int tp_connect_exit(struct trace_event_raw_sys_exit *ctx) {
  u32 tid = (u32)bpf_get_current_pid_tgid();
  long ret = ctx->ret;
  bpf_map_delete_elem(&in_connect, &tid);
  // -ERESTARTSYS, -ERESTARTNOINTR, -ERESTARTNOHAND, -ERESTART_RESTARTBLOCK
  if (ret == -512 || ret == -513 || ret == -514 || ret == -516)
    return 0;
  if (bpf_map_lookup_elem(&held_tids, &tid))
    bpf_map_delete_elem(&held_tids, &tid);
  return 0;
}

// Unconnected UDP has no connect(): the first datagram a process sends to a destination stands
// for it, reported as a udp connect once per (process, destination).
struct udp_key {
  u32 tgid;
  struct dst_key d;
};

struct {
  __uint(type, BPF_MAP_TYPE_LRU_HASH);
  __uint(max_entries, 16384);
  __type(key, struct udp_key);
  __type(value, u8);
} udp_seen SEC(".maps");

static __always_inline void emit_udp_dest(struct socket *sock, u16 family, u16 port, const u8 *addr) {
  if (sock_type(sock) != SOCK_DGRAM)
    return;
  struct udp_key uk = {};
  uk.tgid = bpf_get_current_pid_tgid() >> 32;
  uk.d.family = family;
  uk.d.port = port;
  __builtin_memcpy(uk.d.addr, addr, 16);
  if (bpf_map_lookup_elem(&udp_seen, &uk))
    return;
  u8 one = 1;
  bpf_map_update_elem(&udp_seen, &uk, &one, BPF_ANY);
  struct connect_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return;
  }
  fill_hdr(&e->h, EV_CONNECT);
  e->family = family;
  e->port = port;
  e->sotype = SOCK_DGRAM;
  e->held = 0;
  e->via = 0;
  e->pad = 0;
  __builtin_memcpy(e->addr, addr, 16);
  bpf_ringbuf_submit(e, 0);
}

static __always_inline void next_generation(void) {
  u32 gk = CFG_GEN;
  u64 *gen = bpf_map_lookup_elem(&tr_config, &gk);
  if (gen)
    __sync_fetch_and_add(gen, 1);
}

// A query's name while it is checked: `end` goes through memory so the verifier, which does not
// track memory behind a pointer argument, checks the second loop once rather than once per
// place the first loop can stop.
struct qname_scratch {
  struct qname_key key;
  u32 end;
};

// Whether the name at the start of s->key (the bytes after a query's header), lower-cased, is in
// allowed_names. Bytes past the name are zeroed; a name longer than QNAME_MAX, or one using
// compression, is never allowed. A global function: the verifier checks it once, not per caller.
__noinline int qname_allowed(struct qname_scratch *s) {
  if (!s)
    return 0;
  u32 pos = 0;
  s->end = QNAME_MAX;
  for (int l = 0; l < QNAME_MAX / 2; l++) {
    if (pos >= QNAME_MAX)
      return 0;
    u32 at = pos;
    asm volatile("%0 &= 63" : "+r"(at)); // a bound the verifier sees (clang folds a plain mask away)
    u8 c = s->key.name[at];
    if (c == 0) {
      s->end = pos;
      break;
    }
    if (c > 63)
      return 0;
    pos += c + 1;
  }
  u32 end = s->end;
  if (end >= QNAME_MAX)
    return 0;
  // Length bytes are at most 63, below 'A': lower-casing every byte leaves them alone.
  // The tail is cleared with a mask, not a branch on `end`, which would make the verifier walk
  // each possible end on its own.
  for (int i = 0; i < QNAME_MAX; i++) {
    u8 keep = (u8)((((u32)(end - i)) >> 31) - 1); // 0xff while i <= end, then 0
    u8 c = s->key.name[i] & keep;
    if (c >= 'A' && c <= 'Z')
      c += 32;
    s->key.name[i] = c;
  }
  return bpf_map_lookup_elem(&allowed_names, &s->key) != NULL;
}

// Emits a DNS record when the datagram goes to port 53. `dst` may be NULL (connected socket).
static __always_inline void emit_dns(u32 fd, const void *dst, const void *buf, u64 len) {
  u16 family = 0, port = 0;
  u8 addr[16] = {};
  struct socket *sock = sock_of_fd(fd);
  if (dst) {
    if (read_sockaddr(dst, &family, &port, addr))
      return;
    emit_udp_dest(sock, family, port, addr);
  } else if (peer_of_sock(sock, &family, &port, addr)) {
    return;
  }
  if (port != DNS_PORT || sock_type(sock) != SOCK_DGRAM || !buf)
    return;
  struct dns_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return;
  }
  fill_hdr(&e->h, EV_DNS);
  e->family = family;
  e->port = port;
  e->len = (u32)len;
  __builtin_memcpy(e->addr, addr, 16);
  e->pad = 0;
  u32 n = len > MAX_DNS ? MAX_DNS : (u32)len;
  if (n == 0 || bpf_probe_read_user(e->payload, n, buf))
    n = 0;
  e->captured = n;
  // A query (QR bit clear) for a name not known to be allowed: addresses decided so far may be
  // this name's too (shared by many names), so they are held again from now on.
  if (n > 12 && !(e->payload[2] & 0x80)) {
    // A fixed-size copy: bytes past the message are not part of a name that ends within it, and
    // a name that runs past it will not be found (the safe side).
    struct qname_scratch scratch = {};
    __builtin_memcpy(scratch.key.name, e->payload + 12, QNAME_MAX);
    if (!qname_allowed(&scratch))
      next_generation();
  }
  bpf_ringbuf_submit(e, 0);
}

SEC("tracepoint/syscalls/sys_enter_sendto")
int tp_sendto(struct trace_event_raw_sys_enter *ctx) {
  if (!is_tracked(bpf_get_current_pid_tgid() >> 32))
    return 0;
  emit_dns((u32)ctx->args[0], (const void *)ctx->args[4], (const void *)ctx->args[1], ctx->args[2]);
  return 0;
}

static __always_inline void emit_msghdr(u32 fd, const struct user_msghdr *umsg) {
  struct user_msghdr m = {};
  struct iovec iov = {};
  if (bpf_probe_read_user(&m, sizeof(m), umsg))
    return;
  if (!m.msg_iov || m.msg_iovlen == 0 || bpf_probe_read_user(&iov, sizeof(iov), m.msg_iov))
    return;
  emit_dns(fd, m.msg_name, iov.iov_base, iov.iov_len);
}

SEC("tracepoint/syscalls/sys_enter_sendmsg")
int tp_sendmsg(struct trace_event_raw_sys_enter *ctx) {
  if (!is_tracked(bpf_get_current_pid_tgid() >> 32))
    return 0;
  emit_msghdr((u32)ctx->args[0], (const struct user_msghdr *)ctx->args[1]);
  return 0;
}

// glibc's resolver sends the A and AAAA queries together with sendmmsg.
SEC("tracepoint/syscalls/sys_enter_sendmmsg")
int tp_sendmmsg(struct trace_event_raw_sys_enter *ctx) {
  if (!is_tracked(bpf_get_current_pid_tgid() >> 32))
    return 0;
  u32 fd = (u32)ctx->args[0];
  const struct mmsghdr *vec = (const struct mmsghdr *)ctx->args[1];
  u32 vlen = (u32)ctx->args[2];
  for (u32 i = 0; i < MAX_MMSG; i++) {
    if (i >= vlen)
      break;
    emit_msghdr(fd, &vec[i].msg_hdr);
  }
  return 0;
}

// A new task: follow it when it is a new process (not a thread) of a tracked parent.
// A TCP connection that did not come through connect(): io_uring's connect, TCP Fast Open's
// sendto/sendmsg. Seen when the SYN is sent, in the context of the task that sends it (io_uring's
// workers belong to the process); too late to hold, so it is reported, and judged like any other.
SEC("tracepoint/sock/inet_sock_set_state")
int tp_set_state(struct trace_event_raw_inet_sock_set_state *ctx) {
  if (ctx->newstate != TCP_SYN_SENT || ctx->protocol != IPPROTO_TCP)
    return 0;
  u64 id = bpf_get_current_pid_tgid();
  u32 tgid = id >> 32, tid = (u32)id;
  if (!is_tracked(tgid) || bpf_map_lookup_elem(&in_connect, &tid))
    return 0;
  u16 family = ctx->family;
  if (family != AF_INET && family != AF_INET6)
    return 0;
  struct connect_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return 0;
  }
  fill_hdr(&e->h, EV_CONNECT);
  e->family = family;
  e->port = ctx->dport;
  e->sotype = SOCK_STREAM;
  e->held = 0;
  e->via = 1;
  e->pad = 0;
  __builtin_memset(e->addr, 0, 16);
  // Copied with a helper: the verifier refuses a computed pointer into a tracepoint's context.
  if (family == AF_INET)
    bpf_probe_read_kernel(e->addr, 4, ctx->daddr);
  else
    bpf_probe_read_kernel(e->addr, 16, ctx->daddr_v6);
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tracepoint/task/task_newtask")
int tp_newtask(struct trace_event_raw_task_newtask *ctx) {
  u32 parent = bpf_get_current_pid_tgid() >> 32;
  if (ctx->clone_flags & CLONE_THREAD)
    return 0;
  if (!is_tracked(parent))
    return 0;
  u32 child = (u32)ctx->pid;
  u8 one = 1;
  bpf_map_update_elem(&tracked, &child, &one, BPF_ANY);
  struct fork_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return 0;
  }
  fill_hdr(&e->h, EV_FORK);
  e->child = child;
  e->pad = 0;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int tp_exec(struct trace_event_raw_sched_process_exec *ctx) {
  u32 tgid = bpf_get_current_pid_tgid() >> 32;
  if (!is_tracked(tgid))
    return 0;
  struct exec_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return 0;
  }
  fill_hdr(&e->h, EV_EXEC);
  e->old_pid = (u32)ctx->old_pid;
  unsigned int off = ctx->__data_loc_filename & 0xFFFF;
  long n = bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), (void *)ctx + off);
  e->len = n > 0 ? (u32)(n - 1) : 0;
  // The new image's argv, read here: a process that exits at once is gone before /proc is read.
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  unsigned long start = BPF_CORE_READ(task, mm, arg_start);
  unsigned long end = BPF_CORE_READ(task, mm, arg_end);
  u64 total = end > start ? end - start : 0;
  u32 want = total > MAX_ARGS ? MAX_ARGS : (u32)total;
  e->args_total = total > 0xffffffff ? 0xffffffff : (u32)total;
  if (want == 0 || bpf_probe_read_user(e->args, want, (void *)start))
    want = 0;
  e->args_len = want;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

SEC("tracepoint/sched/sched_process_exit")
int tp_exit(struct trace_event_raw_sched_process_exit *ctx) {
  u64 id = bpf_get_current_pid_tgid();
  u32 tgid = id >> 32;
  if (!is_tracked(tgid))
    return 0;
  struct task_struct *task = (struct task_struct *)bpf_get_current_task();
  // Only the death of the whole thread group ends the process.
  bool group_dead;
  if (bpf_core_field_exists(ctx->group_dead))
    group_dead = BPF_CORE_READ(ctx, group_dead);
  else
    group_dead = BPF_CORE_READ(task, signal, live.counter) == 0;
  if (!group_dead)
    return 0;
  bpf_map_delete_elem(&tracked, &tgid);
  struct exit_ev *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
  if (!e) {
    count_lost();
    return 0;
  }
  fill_hdr(&e->h, EV_EXIT);
  e->exit_code = (u32)BPF_CORE_READ(task, exit_code);
  e->pad = 0;
  bpf_ringbuf_submit(e, 0);
  return 0;
}

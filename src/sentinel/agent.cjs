'use strict';
// TrustRun sentinel: runs inside a Node.js or Bun process (loaded with --require or Bun's
// --preload), reports outbound calls with the npm package that made them, child processes,
// runtime integrity and event-loop health, and refuses connections the policy denies before
// any packet leaves. Plain JS, no dependencies. Every hook fails open: an error inside the
// agent never reaches the program, and the agent never keeps the program alive.
//
// Required as a plain module (without TRUSTRUN_SENTINEL_DIR) it only exports its pure helpers.

const MAX_LINE = 4000; // below PIPE_BUF (4096): writes from several processes never interleave
const MAX_QUEUE = 1000; // lines kept while the pipe is full; older ones are dropped
const CACHE_MAX = 4096;

// Captured at load so a program that replaces these later cannot break the agent.
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const dateNow = Date.now;
const SafeMap = Map;
const SafeSet = Set;
const arrayIsArray = Array.isArray;
const ObjectProto = Object.prototype;
const objectKeys = Object.keys;
const hasOwnProperty = Object.prototype.hasOwnProperty;
// Bound once: later replacements of Function.prototype.call or Object.hasOwn do not reach it.
const hasOwn = typeof Object.hasOwn === 'function' ? Object.hasOwn : Function.prototype.call.bind(hasOwnProperty);
/** An own property of o, never one inherited from a (possibly polluted) prototype. */
function own(o, k) { return o !== null && typeof o === 'object' && hasOwn(o, k) ? o[k] : undefined; }
function nullProtoCopy(o) {
  const out = Object.create(null);
  const keys = objectKeys(o);
  for (let i = 0; i < keys.length; i++) out[keys[i]] = o[keys[i]];
  return out;
}

// ---------- pure helpers ----------

const LABEL_RE = /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const FORBIDDEN_RE = /[\s/\\?#@:%\[\]<>"'`^{}|\u0000-\u001f\u007f]/;

/** Same semantics as src/policy/hostname.ts normalizeHost: lower-case ASCII, one trailing dot removed. */
function normalizeHost(input) {
  if (typeof input !== 'string') return null;
  if (input.length === 0 || input.length > 1024 || FORBIDDEN_RE.test(input)) return null;
  let name = input.charCodeAt(input.length - 1) === 46 ? input.slice(0, -1) : input;
  if (/[^\x00-\x7f]/.test(name)) {
    try { name = require('url').domainToASCII(name); } catch (_) { return null; }
    if (!name) return null;
    if (name.charCodeAt(name.length - 1) === 46) name = name.slice(0, -1);
  }
  name = name.toLowerCase();
  if (name.length === 0 || name.length > 253) return null;
  const labels = name.split('.');
  for (let i = 0; i < labels.length; i++) if (!LABEL_RE.test(labels[i])) return null;
  return name;
}

/** A leading `*` is one or more labels, a `*` elsewhere exactly one; look-alikes never match. */
function hostMatches(pattern, host) {
  return matchLabels(pattern.split('.'), 0, host.split('.'), 0);
}
function matchLabels(p, pi, h, hi) {
  if (pi === p.length) return hi === h.length;
  if (hi === h.length) return false;
  if (p[pi] === '*') {
    if (pi === 0) {
      for (let take = 1; hi + take <= h.length - (p.length - 1); take++) {
        if (matchLabels(p, 1, h, hi + take)) return true;
      }
      return false;
    }
    return matchLabels(p, pi + 1, h, hi + 1);
  }
  return p[pi] === h[hi] && matchLabels(p, pi + 1, h, hi + 1);
}

function ipv4ToInt(text) {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const b = +m[i];
    if (b > 255) return null;
    n = n * 256 + b;
  }
  return n;
}

/**
 * The IPv4 address getaddrinfo makes of a host written the inet_aton way, as a dotted quad, or
 * null: 1 to 4 parts, each decimal, octal (leading 0) or hex (0x), the last one filling the
 * bytes left ("127.1", "0x7f000001", "2130706433", "0177.0.0.1" are all 127.0.0.1).
 */
function inetAton(t) {
  const n = t.length;
  if (n === 0 || n > 64) return null;
  const parts = [];
  let i = 0;
  for (;;) {
    let c = t.charCodeAt(i);
    if (!(c >= 48 && c <= 57)) return null;
    let base = 10;
    let digits = 0;
    let val = 0;
    if (c === 48) {
      c = t.charCodeAt(++i);
      if (c === 120 || c === 88) { base = 16; i++; } else { base = 8; digits = 1; }
    }
    for (; i < n; i++) {
      c = t.charCodeAt(i);
      let d;
      if (c >= 48 && c <= 57) d = c - 48;
      else if (base === 16 && (c | 32) >= 97 && (c | 32) <= 102) d = (c | 32) - 87;
      else break;
      if (d >= base) return null;
      val = val * base + d;
      digits++;
      if (val > 0xffffffff) return null;
    }
    if (digits === 0) return null;
    parts.push(val);
    if (i === n) break;
    if (t.charCodeAt(i) !== 46 || parts.length === 4) return null;
    i++;
  }
  const last = parts.length - 1;
  if (parts[last] >= Math.pow(2, 8 * (4 - last))) return null;
  let v = 0;
  for (let k = 0; k < last; k++) {
    if (parts[k] > 255) return null;
    v = v * 256 + parts[k];
  }
  v = v * Math.pow(2, 8 * (4 - last)) + parts[last];
  return (Math.floor(v / 16777216) & 255) + '.' + (Math.floor(v / 65536) & 255) + '.' + (Math.floor(v / 256) & 255) + '.' + (v & 255);
}

/**
 * Canonical IP text for the address a host names literally, or null when the host is a name:
 * IPv4 in any form getaddrinfo accepts (see inetAton), IPv6 with or without brackets, a zone id
 * or an embedded IPv4 tail; an IPv4-mapped IPv6 address is the IPv4 address it reaches.
 */
function ipLiteral(host) {
  if (typeof host !== 'string' || host.length === 0) return null;
  let t = host;
  if (t.charCodeAt(0) === 91 && t.charCodeAt(t.length - 1) === 93) t = t.slice(1, -1);
  if (t.indexOf(':') < 0) return inetAton(t);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const v6 = expandV6(t);
  if (v6 === null) return null;
  const m = /^0:0:0:0:0:ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (m) {
    const hi = parseInt(m[1], 16);
    const lo = parseInt(m[2], 16);
    return (hi >> 8) + '.' + (hi & 255) + '.' + (lo >> 8) + '.' + (lo & 255);
  }
  return v6;
}

/** Eight lower-case groups without leading zeros ("0:0:0:0:0:0:0:1"), or null. */
function expandV6(text) {
  if (!/^[0-9a-f:.]+$/i.test(text)) return null;
  let t = text.toLowerCase();
  // A dotted IPv4 tail ("::ffff:1.2.3.4", "64:ff9b::10.0.0.1") is two groups.
  const colon = t.lastIndexOf(':');
  if (t.indexOf('.', colon) >= 0) {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(t.slice(colon + 1));
    if (!m || +m[1] > 255 || +m[2] > 255 || +m[3] > 255 || +m[4] > 255) return null;
    t = t.slice(0, colon + 1) + (+m[1] * 256 + +m[2]).toString(16) + ':' + (+m[3] * 256 + +m[4]).toString(16);
  }
  const halves = t.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? fill !== 0 : fill < 1) return null;
  const groups = head.concat(new Array(halves.length === 2 ? fill : 0).fill('0'), tail);
  for (let i = 0; i < groups.length; i++) {
    if (!/^[0-9a-f]{1,4}$/.test(groups[i])) return null;
    groups[i] = parseInt(groups[i], 16).toString(16);
  }
  return groups.join(':');
}

/** IPv4 CIDRs by arithmetic; IPv6 CIDRs by whole-group prefix (the common /32, /48, /64, /128). */
function cidrContains(cidr, ip) {
  const slash = cidr.indexOf('/');
  const base = slash >= 0 ? cidr.slice(0, slash) : cidr;
  const bits = slash >= 0 ? +cidr.slice(slash + 1) : -1;
  const a = ipv4ToInt(base);
  const b = ipv4ToInt(ip);
  if (a !== null || b !== null) {
    if (a === null || b === null) return false;
    const n = bits < 0 ? 32 : bits;
    if (n === 0) return true;
    const div = Math.pow(2, 32 - n);
    return Math.floor(a / div) === Math.floor(b / div);
  }
  const x = expandV6(base);
  const y = expandV6(ip);
  if (!x || !y) return false;
  const n = bits < 0 ? 128 : bits;
  const gx = x.split(':');
  const gy = y.split(':');
  const whole = Math.floor(n / 16);
  for (let i = 0; i < whole; i++) if (gx[i] !== gy[i]) return false;
  const rest = n % 16;
  if (rest === 0) return true;
  const mask = (0xffff << (16 - rest)) & 0xffff;
  return (parseInt(gx[whole], 16) & mask) === (parseInt(gy[whole], 16) & mask);
}

/**
 * The compact policy the agent evaluates itself (see src/sentinel/policy.ts):
 * { rules: [{id, kind, action, hosts?, cidrs?, ports?}], defaultAction: "allow"|"deny"|"ask", enforce }
 * copied into null-prototype records from own properties only, so that keys added to
 * Object.prototype (before or after start) can neither add nor change a rule.
 */
function compilePolicy(raw) {
  const out = Object.create(null);
  out.enforce = own(raw, 'enforce') === true;
  const d = own(raw, 'defaultAction');
  out.defaultAction = d === 'deny' || d === 'ask' ? d : 'allow';
  out.askFallback = own(raw, 'askFallback') === 'deny' ? 'deny' : 'allow';
  out.rules = [];
  const rules = own(raw, 'rules');
  if (!arrayIsArray(rules)) return out;
  for (let i = 0; i < rules.length; i++) {
    const r = hasOwn(rules, i) ? rules[i] : null;
    const kind = own(r, 'kind');
    if (kind !== 'allow' && kind !== 'deny') continue;
    const c = Object.create(null);
    c.id = String(own(r, 'id'));
    c.kind = kind;
    c.action = String(own(r, 'action'));
    c.hosts = stringList(own(r, 'hosts'), null);
    c.cidrs = stringList(own(r, 'cidrs'), canonicalCidr);
    c.ports = null;
    const ports = own(r, 'ports');
    if (arrayIsArray(ports)) {
      c.ports = [];
      for (let k = 0; k < ports.length; k++) {
        const pr = hasOwn(ports, k) ? ports[k] : null;
        if (arrayIsArray(pr) && hasOwn(pr, 0) && hasOwn(pr, 1) && typeof pr[0] === 'number' && typeof pr[1] === 'number') c.ports.push([pr[0], pr[1]]);
      }
    }
    out.rules.push(c);
  }
  return out;
}
function stringList(v, map) {
  if (!arrayIsArray(v)) return null;
  const out = [];
  for (let i = 0; i < v.length; i++) {
    const x = hasOwn(v, i) ? v[i] : null;
    if (typeof x === 'string') out.push(map === null ? x : map(x));
  }
  return out;
}
/** An IPv4-mapped IPv6 CIDR (::ffff:a.b.c.d/96 and longer) is the IPv4 CIDR it covers. */
function canonicalCidr(cidr) {
  const slash = cidr.indexOf('/');
  if (slash < 0 || cidr.indexOf(':') < 0) return cidr;
  const bits = +cidr.slice(slash + 1);
  const ip = ipLiteral(cidr.slice(0, slash));
  if (ip === null || ip.indexOf(':') >= 0 || !(bits >= 96 && bits <= 128)) return cidr;
  return ip + '/' + (bits - 96);
}

/** Returns { verdict: "allow"|"deny"|"ask"|"alert", rule, reason } for a policy as written or compiled. */
function decide(policy, host, port) {
  return decideCompiled(compilePolicy(policy), host, port);
}
function decideCompiled(policy, host, port) {
  if (!policy.enforce) return { verdict: 'allow', rule: null, reason: 'observe only' };
  // An address in any form the resolver accepts is judged as that address; a name as the
  // runtime sends it to the resolver (IDNA, lower case, no trailing dot), which may itself turn
  // out to be an address ("１２７.0.0.1").
  let ip = ipLiteral(host);
  let name = null;
  if (ip === null) {
    name = normalizeHost(host);
    if (name !== null) {
      ip = ipLiteral(name);
      if (ip !== null) name = null;
    }
  }
  const rules = policy.rules;
  let allowed = null;
  for (let pass = 0; pass < 2; pass++) {
    const kind = pass === 0 ? 'deny' : 'allow';
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (r.kind !== kind || !ruleMatches(r, name, ip, port)) continue;
      if (kind === 'deny') {
        if (r.action === 'alert') return { verdict: 'alert', rule: r.id, reason: 'rule ' + r.id };
        return { verdict: 'deny', rule: r.id, reason: 'rule ' + r.id };
      }
      allowed = r;
      break;
    }
    if (allowed) return { verdict: 'allow', rule: allowed.id, reason: 'rule ' + allowed.id };
  }
  const d = policy.defaultAction;
  if (d === 'deny') return { verdict: 'deny', rule: 'default', reason: 'default' };
  if (d === 'ask') return { verdict: 'ask', rule: null, reason: 'no rule matches' };
  return { verdict: 'allow', rule: null, reason: 'default' };
}

function ruleMatches(r, name, ip, port) {
  let any = false;
  if (r.hosts !== null) {
    if (!name) return false;
    let hit = false;
    for (let i = 0; i < r.hosts.length && !hit; i++) hit = hostMatches(r.hosts[i], name);
    if (!hit) return false;
    any = true;
  }
  if (r.cidrs !== null) {
    if (!ip) return false;
    let hit = false;
    for (let i = 0; i < r.cidrs.length && !hit; i++) hit = cidrContains(r.cidrs[i], ip);
    if (!hit) return false;
    any = true;
  }
  if (r.ports !== null) {
    let hit = false;
    for (let i = 0; i < r.ports.length && !hit; i++) hit = port >= r.ports[i][0] && port <= r.ports[i][1];
    if (!hit) return false;
    any = true;
  }
  return any;
}

/** The npm package a source file belongs to: the innermost node_modules/<pkg>, "app" otherwise. */
function packageFromPath(file) {
  if (typeof file !== 'string' || file.length === 0) return null;
  if (file.charCodeAt(0) !== 47 && !/^[A-Za-z]:[\\/]/.test(file) && file.slice(0, 7) !== 'file://') return null;
  const f = file.indexOf('\\') >= 0 ? file.replace(/\\/g, '/') : file;
  const at = f.lastIndexOf('/node_modules/');
  if (at < 0) return 'app';
  const rest = f.slice(at + 14);
  const parts = rest.split('/');
  if (parts[0].charCodeAt(0) === 64 && parts.length > 1) return parts[0] + '/' + parts[1];
  return parts[0] || null;
}

const ID_SEGMENT = /^(?:\d+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{16,}|[A-Za-z0-9_-]{24,}|[^@]+@[^@]+)$/i;

/** Path shape without values: ids become :id, the query keeps its sorted key names only. */
function templatePath(path) {
  if (typeof path !== 'string') return null;
  let p = path;
  const hash = p.indexOf('#');
  if (hash >= 0) p = p.slice(0, hash);
  const q = p.indexOf('?');
  let query = '';
  if (q >= 0) {
    const keys = [];
    const pairs = p.slice(q + 1).split('&');
    for (let i = 0; i < pairs.length && keys.length < 32; i++) {
      const k = pairs[i].split('=')[0];
      if (k && keys.indexOf(k) < 0) keys.push(k.length > 64 ? k.slice(0, 64) : k);
    }
    keys.sort();
    query = keys.length ? '?' + keys.join('&') : '';
    p = p.slice(0, q);
  }
  const segs = p.split('/');
  for (let i = 0; i < segs.length; i++) {
    if (segs[i] && ID_SEGMENT.test(segs[i])) segs[i] = ':id';
    else if (segs[i].length > 64) segs[i] = ':long';
  }
  const out = segs.join('/') + query;
  return out.length > 512 ? out.slice(0, 512) : out;
}

/**
 * Where the origin of an http(s) URL ends (the index of the first / ? or #), or -1 when the URL
 * is anything else or its authority holds more than a plain host and port (user info, escapes,
 * upper-case scheme): those go through the URL parser.
 */
function urlOriginEnd(s) {
  let i = s.startsWith('http://') ? 7 : s.startsWith('https://') ? 8 : -1;
  if (i < 0) return -1;
  const start = i;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) break; // / ? #
    if (!((c >= 97 && c <= 122) || (c >= 48 && c <= 58) || (c >= 65 && c <= 90) || c === 46 || c === 45 || c === 95 || c === 91 || c === 93)) return -1;
  }
  return i > start ? i : -1;
}

/**
 * The path and query after the origin as the URL parser would give them (pathname + search), or
 * null when the parser would rewrite them: escapes or dot segments in the path, spaces, quotes,
 * backslashes, non-ASCII. The fragment is dropped.
 */
function urlPlainPath(s, from) {
  let end = s.length;
  let query = false;
  for (let i = from; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 35) { end = i; break; }
    if (c <= 32 || c >= 127 || c === 34 || c === 60 || c === 62 || c === 92 || c === 94 || c === 96 || c === 123 || c === 124 || c === 125) return null;
    if (c === 63) query = true;
    else if (query ? c === 39 : c === 37 || (c === 46 && s.charCodeAt(i - 1) === 47)) return null;
  }
  if (end === from) return '/';
  const p = s.slice(from, end);
  return p.charCodeAt(0) === 63 ? '/' + p : p;
}

/** Runtime flags that weaken or expose the process. Pure: takes the flag strings. */
function flagAnomalies(flags) {
  const out = [];
  for (let i = 0; i < flags.length; i++) {
    const f = String(flags[i]);
    if (/^--inspect(?:-brk|-port|-wait)?(?:=|$)/.test(f) || /^--debug/.test(f)) out.push({ flag: f, why: 'debugger or inspector enabled' });
    else if (f === '--allow-natives-syntax') out.push({ flag: f, why: 'V8 natives syntax enabled' });
    else if (/^--no-(?:experimental-)?(?:permission|deprecation|warnings|force-async-hooks-checks|verify|addons)|^--no-node-snapshot|^--disable-proto/.test(f)) out.push({ flag: f, why: 'security or diagnostic feature turned off' });
    else if (/^--(?:expose[-_]gc|expose-internals|insecure-http-parser|security-revert|tls-min-v1\.[01]|openssl-legacy-provider|preserve-symlinks)/.test(f)) out.push({ flag: f, why: 'unsafe or internal feature exposed' });
    else if (/^--(?:require|import|loader|experimental-loader|preload)(?:=|$)/.test(f)) out.push({ flag: f, why: 'extra code loaded at start' });
  }
  return out;
}

/** Splits a NODE_OPTIONS string the way Node does: spaces separate, double quotes group, backslash escapes inside them. */
function splitNodeOptions(text) {
  const out = [];
  if (typeof text !== 'string') return out;
  let cur = '';
  let inQ = false;
  let has = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inQ && c === '\\' && i + 1 < text.length) { cur += text[++i]; continue; }
    if (c === '"') { inQ = !inQ; has = true; continue; }
    if (!inQ && c === ' ') {
      if (has) out.push(cur);
      cur = '';
      has = false;
      continue;
    }
    cur += c;
    has = true;
  }
  if (has) out.push(cur);
  return out;
}

const SHELLS = new SafeSet(['sh', 'bash', 'dash', 'zsh', 'ksh', 'fish', 'csh', 'tcsh', 'ash', 'busybox', 'cmd.exe', 'powershell', 'pwsh']);
function baseName(file) {
  const s = String(file);
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i >= 0 ? s.slice(i + 1) : s;
}

module.exports = {
  normalizeHost, hostMatches, ipLiteral, cidrContains, decide, compilePolicy, packageFromPath,
  templatePath, urlOriginEnd, urlPlainPath, flagAnomalies, splitNodeOptions,
};

// ---------- the live agent ----------

// Loading worker_threads costs ~1.5 ms on the main thread, while a worker's bootstrap has always
// loaded it before preloads run: ask it only when it is already there.
function mayBeWorker() {
  const list = process.moduleLoadList;
  return !arrayIsArray(list) || list.indexOf('NativeModule worker_threads') >= 0;
}

function start() {
  const env = process.env;
  // Own variables only: a missing one would otherwise be read from a polluted Object.prototype.
  const dir = own(env, 'TRUSTRUN_SENTINEL_DIR');
  if (typeof dir !== 'string' || dir.length === 0) return;
  const MARK = Symbol.for('trustrun.sentinel');
  if (globalThis[MARK]) return; // loaded twice (NODE_OPTIONS and Bun preload)
  try { Object.defineProperty(globalThis, MARK, { value: true }); } catch (_) { return; }
  const isBunRuntime = typeof globalThis.Bun !== 'undefined';
  if (isBunRuntime) {
    if (globalThis.Bun.isMainThread === false) return;
  } else if (mayBeWorker()) {
    let wt = null;
    try { wt = require('worker_threads'); } catch (_) { /* no workers in this runtime */ }
    if (wt && wt.isMainThread === false) return; // NODE_OPTIONS runs us in every worker too
  }

  const fs = require('fs');
  const isBun = typeof globalThis.Bun !== 'undefined';
  const pid = process.pid;
  const C = fs.constants;

  // ---- transport: a FIFO opened non-blocking; EAGAIN queues, anything else drops silently ----
  let fd = -1;
  let dead = false;
  let failures = 0;
  const queue = [];
  let retry = null;
  function openPipe() {
    if (fd >= 0 || dead) return fd >= 0;
    try {
      fd = fs.openSync(dir + '/signals', C.O_WRONLY | C.O_NONBLOCK | (C.O_CLOEXEC || 0));
      return true;
    } catch (_) {
      if (++failures > 3) dead = true; // monitor gone: stop trying
      return false;
    }
  }
  // Lines are batched: one write per 25 ms or per ~4 KB keeps the target's syscalls and the
  // monitor's wake-ups off the request path (waking the monitor costs the target ~25 µs of CPU in
  // a VM); lines that only carry a running count (sampled repeats) wait up to 1 s. Each write
  // stays below PIPE_BUF, so it is atomic.
  let queuedBytes = 0;
  let batchTimer = null;
  let batchLong = false;
  function scheduleFlush(later) {
    if (batchTimer !== null) {
      if (later || !batchLong) return;
      clearTimeout(batchTimer);
    }
    batchLong = later;
    batchTimer = setTimeout(flush, later ? 1000 : 25);
    if (batchTimer && typeof batchTimer.unref === 'function') batchTimer.unref();
  }
  function flush() {
    if (batchTimer) { clearTimeout(batchTimer); batchTimer = null; }
    if (dead) { queue.length = 0; queuedBytes = 0; return; }
    if (!openPipe()) { scheduleRetry(); return; }
    while (queue.length > 0) {
      let n = 0;
      let bytes = 0;
      while (n < queue.length && bytes + queue[n].length <= MAX_LINE) { bytes += queue[n].length; n++; }
      if (n === 0) n = 1;
      const chunk = n === 1 ? queue[0] : queue.slice(0, n).join('');
      try {
        fs.writeSync(fd, chunk);
        queue.splice(0, n);
        queuedBytes -= bytes;
      } catch (e) {
        if (e && e.code === 'EAGAIN') { scheduleRetry(); return; }
        dead = true; // EPIPE/EBADF: the monitor is gone
        queue.length = 0;
        queuedBytes = 0;
        try { fs.closeSync(fd); } catch (_) { /* already closed */ }
        fd = -1;
        return;
      }
    }
    queuedBytes = 0;
  }
  function scheduleRetry() {
    if (retry || dead) return;
    retry = setTimeout(() => { retry = null; flush(); }, 20);
    if (retry && typeof retry.unref === 'function') retry.unref();
  }
  function send(obj, urgent, later) {
    if (dead) return;
    const line = serialize(obj, 0);
    if (line !== null) enqueue(line, urgent, later);
  }
  /** One JSON line, at most MAX_LINE - 1 - reserve long, or null. */
  function serialize(obj, reserve) {
    const max = MAX_LINE - 1 - reserve;
    let line;
    try {
      if (hasOwn(ObjectProto, 'toJSON')) obj = nullProtoCopy(obj);
      line = jsonStringify(obj);
      if (line.length > max) {
        // Trim the bulky optional fields, then give up on the line rather than split it.
        obj.headerNames = undefined; obj.argv = undefined; obj.chain = undefined; obj.execArgv = undefined;
        obj.truncated = true;
        line = jsonStringify(obj);
        if (line.length > max) return null;
      }
    } catch (_) { return null; }
    return line;
  }
  function enqueue(line, urgent, later) {
    if (queue.length >= MAX_QUEUE) queuedBytes -= queue.shift().length;
    queue.push(line + '\n');
    queuedBytes += line.length + 1;
    if (retry) return; // the pipe is full: the retry timer writes when it drains
    if (urgent || queuedBytes >= 32768) flush();
    else scheduleFlush(later === true);
  }
  // A repeated fact differs from the previous one of its destination or request shape only in
  // `ts` and `n`: the rest is serialized once and kept as the head of the line.
  function factHead(obj) {
    const json = serialize(obj, 48);
    return json === null ? null : json.slice(0, -1) + ',"ts":';
  }
  function sendCounted(head, n, urgent, later) {
    if (!dead && head !== null) enqueue(head + dateNow() + ',"n":' + n + '}', urgent, later);
  }
  const reported = new SafeSet();
  function internalError(where, e) {
    if (reported.has(where)) return;
    reported.add(where);
    send({ t: 'error', pid: pid, ts: dateNow(), where: where, message: String(e && e.message || e).slice(0, 300) });
  }
  // Records are plain literals (JSON.stringify's fast path); only own properties are serialized,
  // so a polluted prototype cannot add fields, and a polluted toJSON is stepped around in send().

  // ---- policy: decided once per destination ----
  // Compiled from own properties into null-prototype records (see compilePolicy).
  let policy;
  try { policy = compilePolicy(jsonParse(fs.readFileSync(dir + '/policy.json', 'utf8'))); } catch (_) { policy = compilePolicy(null); }
  function decisionFor(r, pkg) {
    if (r.d === null) {
      let d = decideCompiled(policy, r.host, r.port);
      if (d.verdict === 'ask') d = ask(r.host, r.port, pkg);
      r.d = d;
    }
    return r.d;
  }

  // Blocking round trip to the monitor (learning mode): ask on the signal pipe, read the answer
  // from a per-process FIFO the monitor creates. A dead monitor reads as EOF: fall back.
  let respFd = -1;
  let askId = 0;
  const sleeper = typeof SharedArrayBuffer === 'function' ? new Int32Array(new SharedArrayBuffer(4)) : null;
  function ask(host, port, pkg) {
    const fallback = policy.askFallback === 'deny'
      ? { verdict: 'deny', rule: 'default', reason: 'no answer from TrustRun' }
      : { verdict: 'allow', rule: null, reason: 'no answer from TrustRun' };
    if (dead || !sleeper) return fallback;
    const id = ++askId;
    send({ t: 'ask', pid: pid, ts: dateNow(), id: id, host: host, port: port, pkg: pkg || currentPackage() }, true);
    if (dead) return fallback;
    try {
      if (respFd < 0) {
        const path = dir + '/r-' + pid;
        for (let i = 0; i < 500 && respFd < 0; i++) {
          try { respFd = fs.openSync(path, C.O_RDONLY); } catch (e) {
            if (!e || e.code !== 'ENOENT') throw e;
            flush();
            Atomics.wait(sleeper, 0, 0, 4);
          }
        }
        if (respFd < 0) return fallback;
      }
      const buf = Buffer.alloc(512);
      let text = '';
      for (;;) {
        const n = fs.readSync(respFd, buf, 0, buf.length, null);
        if (n <= 0) return fallback;
        text += buf.toString('utf8', 0, n);
        let nl;
        while ((nl = text.indexOf('\n')) >= 0) {
          const line = text.slice(0, nl);
          text = text.slice(nl + 1);
          let msg = null;
          try { msg = jsonParse(line); } catch (_) { msg = null; }
          if (own(msg, 'id') === id) {
            const rule = own(msg, 'rule');
            if (own(msg, 'answer') === 'deny') return { verdict: 'deny', rule: typeof rule === 'string' ? rule : 'prompt', reason: 'denied at the prompt' };
            return { verdict: 'allow', rule: typeof rule === 'string' ? rule : null, reason: 'allowed at the prompt' };
          }
        }
        if (text.length > 65536) text = '';
      }
    } catch (e) {
      internalError('ask', e);
      return fallback;
    }
  }

  function blockedError(d, host, port) {
    const err = new Error('blocked by TrustRun policy: ' + (d.rule === 'default' ? 'default action' : 'rule ' + d.rule) + ' (' + host + ':' + port + ')');
    try {
      err.code = 'ECONNREFUSED';
      err.errno = -111;
      err.syscall = 'connect';
      err.address = host;
      err.port = port;
      err.trustrunRule = d.rule;
    } catch (_) { /* frozen Error.prototype setters: message alone still names the rule */ }
    return err;
  }

  // ---- attribution from the stack, cached per file ----
  const pkgByFile = new SafeMap();
  const agentFile = __filename;
  let structured = true;
  function callSites(e, frames) { return frames; }
  function packageOfFile(file) {
    let p = pkgByFile.get(file);
    if (p === undefined) {
      p = file === agentFile ? null : packageFromPath(file);
      if (pkgByFile.size < CACHE_MAX) pkgByFile.set(file, p);
    }
    return p;
  }
  // Per call site: a 4-frame capture names the caller (file:line:column); the full walk that
  // finds the package chain runs once per call site and is cached.
  const siteCache = new SafeMap();
  function quickAttribute(above) {
    if (!structured) return attribute(above);
    let frames = null;
    const oldLimit = Error.stackTraceLimit;
    const oldPrep = Error.prepareStackTrace;
    try {
      try { Error.stackTraceLimit = 4; } catch (_) { /* frozen */ }
      try { Error.prepareStackTrace = callSites; } catch (_) { /* frozen */ }
      if (Error.prepareStackTrace === callSites) {
        const holder = {};
        Error.captureStackTrace(holder, above);
        frames = holder.stack;
      }
    } catch (_) {
      frames = null;
    } finally {
      try { Error.prepareStackTrace = oldPrep; } catch (_) { /* frozen */ }
      try { if (Error.stackTraceLimit !== oldLimit) Error.stackTraceLimit = oldLimit; } catch (_) { /* frozen */ }
    }
    if (!arrayIsArray(frames)) return attribute(above);
    for (let i = 0; i < frames.length; i++) {
      let file = null;
      let key = null;
      try {
        file = frames[i].getFileName();
        if (file) key = file + ':' + frames[i].getLineNumber() + ':' + frames[i].getColumnNumber();
      } catch (_) { file = null; }
      if (!file || !packageOfFile(file.slice(0, 7) === 'file://' ? file.slice(7) : file)) continue;
      let a = siteCache.get(key);
      if (!a) {
        a = attribute(above);
        if (!a[0]) return a;
        if (siteCache.size >= CACHE_MAX) siteCache.clear();
        siteCache.set(key, a);
      }
      return a;
    }
    return attribute(above);
  }

  /**
   * Returns [package, chain]: the first package on the stack, and up to 4 distinct ones. `above`
   * (a function on the stack) starts the walk at its caller, which matters when frozen intrinsics
   * keep Error.stackTraceLimit at 10.
   */
  function attribute(above) {
    let files = null;
    const oldLimit = Error.stackTraceLimit;
    try { Error.stackTraceLimit = 40; } catch (_) { /* frozen Error */ }
    try {
      if (structured) {
        const oldPrep = Error.prepareStackTrace;
        try {
          try { Error.prepareStackTrace = callSites; } catch (_) { /* frozen Error: parse text instead */ }
          if (Error.prepareStackTrace !== callSites) { structured = false; } else {
            const holder = {};
            Error.captureStackTrace(holder, above || attribute);
            const frames = holder.stack;
            if (arrayIsArray(frames)) {
              files = [];
              for (let i = 0; i < frames.length; i++) {
                let f = null;
                try { f = frames[i].getFileName(); } catch (_) { f = null; }
                if (f) files.push(f);
              }
            } else structured = false;
          }
        } finally {
          try { Error.prepareStackTrace = oldPrep; } catch (_) { /* frozen */ }
        }
      }
      if (!files) {
        const holder = {};
        Error.captureStackTrace(holder, above || attribute);
        const stack = String(holder.stack || '');
        files = [];
        const re = /\(?((?:file:\/\/)?(?:\/|[A-Za-z]:[\\/])[^():]+):\d+:\d+\)?$/gm;
        let m;
        while ((m = re.exec(stack)) !== null) files.push(m[1]);
      }
    } catch (e) {
      internalError('stack', e);
      files = [];
    } finally {
      try { if (Error.stackTraceLimit !== oldLimit) Error.stackTraceLimit = oldLimit; } catch (_) { /* frozen */ }
    }
    let first = null;
    const chain = [];
    for (let i = 0; i < files.length && chain.length < 4; i++) {
      const p = packageOfFile(files[i].slice(0, 7) === 'file://' ? files[i].slice(7) : files[i]);
      if (!p) continue;
      if (first === null) first = p;
      if (chain.indexOf(p) < 0) chain.push(p);
    }
    return [first, chain];
  }
  function currentPackage() {
    const a = attribute();
    return a[0] || 'unknown';
  }

  // ---- destinations ----
  // One record per host:port as the program named it: the policy's answer, the sampled
  // attribution, connection counts per package, and `carried`, the package a fetch or WebSocket
  // left for the connection its pool opens later with no caller on the stack (AsyncLocalStorage
  // would carry it exactly, but on Node 20/22 it installs an async hook that taxes every promise of
  // the program). The last record found is checked first: in a running program a Map lookup with
  // a fresh key costs far more than in a tight loop (cold caches), and most calls repeat the
  // previous one.
  const dests = new SafeMap();
  let lastDest = null;
  function destOf(host, port) {
    if (lastDest !== null && lastDest.port === port && lastDest.host === host) return lastDest;
    const key = host + ':' + port;
    let r = dests.get(key);
    if (r === undefined) {
      if (dests.size >= CACHE_MAX) { dests.clear(); origins.clear(); }
      r = { host: host, port: port, d: null, calls: 0, attrAt: 0, attr: null, carried: null, pkg: null, n: 0, counts: new SafeMap(), fact: null };
      dests.set(key, r);
    }
    lastDest = r;
    return r;
  }
  // A stack capture costs 10–70 µs in a running program (2–4 µs only in a tight loop), so calls to
  // a destination are sampled: the first 8 are attributed, then the last answer is reused for at
  // most REUSE_MS after it was computed; the next call after that is attributed again. A request
  // fact, a refusal or one of the first connection facts of a destination and package is never
  // built from a reused answer (see factAttribution, noteRequest).
  // attrFresh tells the caller whether the answer just returned was computed for this call.
  const REUSE_MS = 100;
  let attrFresh = false;
  function sampledAttribute(r, above) {
    const n = ++r.calls;
    const now = dateNow();
    const age = now - r.attrAt;
    if (r.attr === null || n <= 8 || age >= REUSE_MS || age < 0) {
      r.attr = quickAttribute(above);
      r.attrAt = now;
      attrFresh = true;
    } else attrFresh = false;
    return r.attr;
  }
  function freshAttribute(r, above) {
    r.attr = quickAttribute(above);
    r.attrAt = dateNow();
    attrFresh = true;
    return r.attr;
  }
  // The attribution a connection fact is built from: a reused one is computed again when the
  // fact is one of the first 16 for its destination and package, or a refusal. The later one-in-16
  // facts only carry a running count, and attributing them again would cost every Bun fetch ~1 µs.
  function factAttribution(r, a, d, above) {
    if (attrFresh || above === null) return a;
    const pkg = a[0] || 'unknown';
    const n = (r.pkg === pkg ? r.n : (r.counts.get(pkg) || 0)) + 1;
    return n <= 16 || d.verdict !== 'allow' ? freshAttribute(r, above) : a;
  }
  // Connections per (destination, package): the first 16 are sent, then one in 16 with the count;
  // refusals always. The latest package is counted on the record itself, the others in a Map.
  function countFor(r, pkg) {
    if (r.pkg !== pkg) {
      if (r.pkg !== null) {
        if (r.counts.size >= 64) r.counts.clear();
        r.counts.set(r.pkg, r.n);
      }
      r.pkg = pkg;
      r.n = r.counts.get(pkg) || 0;
    }
    return ++r.n;
  }
  function shouldReport(d, n) { return d.verdict !== 'allow' || n <= 16 || (n & 15) === 0; }
  // The first call per destination and package is written at once, before the connect syscall:
  // the monitor may hold the process at connect() and must already know who made the call.
  function sendConnect(r, a, d, n, via, sni) {
    let f = r.fact;
    if (f === null || f.pkg !== a[0] || f.chain !== a[1] || f.d !== d || f.via !== via || f.sni !== sni) {
      const o = { t: 'connect', pid: pid, host: r.host, port: r.port, pkg: a[0] || 'unknown', chain: a[1], via: via };
      if (sni) o.sni = sni;
      const ip = ipLiteral(r.host);
      if (ip) o.ip = ip;
      if (d.verdict !== 'allow') { o.verdict = d.verdict === 'deny' ? 'block' : 'alert'; o.rule = d.rule; }
      f = { pkg: a[0], chain: a[1], d: d, via: via, sni: sni, head: factHead(o) };
      r.fact = f;
    }
    sendCounted(f.head, n, n === 1, n > 16);
  }
  const ALLOWED = { verdict: 'allow', rule: null, reason: 'not decided here' };

  // URLs are split at the end of their origin without a URL parser (see urlOriginEnd) and each
  // origin is parsed once.
  const origins = new SafeMap(); // "http://host:port" → { r, secure }, or null when not http(s)
  let urlPath = '/'; // the path and query of the URL last given to httpTarget
  function httpTarget(href) {
    const end = urlOriginEnd(href);
    if (end > 0) {
      const key = href.slice(0, end);
      let o = origins.get(key);
      if (o === undefined) {
        o = parsedTarget(new URL(key));
        if (origins.size >= CACHE_MAX) origins.clear();
        origins.set(key, o);
      }
      const p = o === null ? null : urlPlainPath(href, end);
      if (p !== null) { urlPath = p; return o; }
    }
    const u = new URL(href);
    const o = parsedTarget(u);
    if (o !== null) urlPath = u.pathname + u.search;
    return o;
  }
  function parsedTarget(u) {
    const secure = u.protocol === 'https:';
    if (!secure && u.protocol !== 'http:') return null;
    const host = u.hostname.charCodeAt(0) === 91 ? u.hostname.slice(1, -1) : u.hostname;
    return { r: destOf(host, +u.port || (secure ? 443 : 80)), secure: secure };
  }
  let ticks = 0; // 100 ms ticks of the event-loop timer: a clock that costs nothing to read
  let httpsPatched = false; // see patchHttps
  let wsPending = false; // see wrapWebSocketNow
  let loadListSeen = 0;
  const moduleLoadList = process.moduleLoadList; // Node appends to this one array
  // While an http(s).request wrapper runs: the wrapper (connects inside it are attributed from its
  // caller's frames) and the attribution its connect found, if any.
  let httpAbove = null;
  let httpAttr = null;
  let httpFresh = false;

  // ---- outbound: net.Socket.prototype.connect covers http, https, fetch (undici), net, tls, http2, ws ----
  function connectDest(args) {
    let a0 = args[0];
    if (arrayIsArray(a0)) a0 = a0[0]; // net.createConnection passes its normalized [options, cb]
    if (a0 !== null && typeof a0 === 'object') {
      if (typeof a0.path === 'string' && a0.path) return null; // Unix socket
      const port = +a0.port || 0;
      return port > 0 ? destOf(typeof a0.host === 'string' && a0.host ? a0.host : 'localhost', port) : null;
    }
    if (typeof a0 === 'string' && !/^\d+$/.test(a0)) return null; // a path
    const port = +a0 || 0;
    return port > 0 ? destOf(typeof args[1] === 'string' && args[1] ? args[1] : 'localhost', port) : null;
  }
  function servernameOf(args) {
    let a0 = args[0];
    if (arrayIsArray(a0)) a0 = a0[0];
    return a0 !== null && typeof a0 === 'object' && typeof a0.servername === 'string' ? a0.servername : null;
  }

  let origConnect = null;
  function sentinelConnect() {
    let r = null;
    let d = null;
    if (!httpsPatched && this.encrypted) { try { patchHttps(require('https')); } catch (_) { httpsPatched = true; } }
    if (wsPending) { try { if (undiciLoaded()) wrapWebSocketNow(); } catch (_) { wsPending = false; } }
    try {
      r = connectDest(arguments);
      if (r !== null) {
        // Inside http.request the call is attributed from the caller of the wrapper (sampled per
        // destination); inside fetch's pool the caller's package was left on the record.
        let a;
        if (httpAbove !== null) a = sampledAttribute(r, httpAbove);
        else { a = attribute(); attrFresh = true; }
        if (!a[0] && r.carried !== null) { a = r.carried; attrFresh = true; }
        d = decisionFor(r, a[0]);
        a = factAttribution(r, a, d, httpAbove);
        if (httpAbove !== null) { httpAttr = a; httpFresh = attrFresh; }
        const n = countFor(r, a[0] || 'unknown');
        if (shouldReport(d, n)) {
          const secure = !!this.encrypted;
          sendConnect(r, a, d, n, secure ? 'tls' : 'net', secure ? servernameOf(arguments) || r.host : null);
        }
      }
    } catch (e) {
      internalError('connect', e);
      d = null;
    }
    if (d !== null && d.verdict === 'deny') {
      const sock = this;
      const err = blockedError(d, r.host, r.port);
      try { sock.connecting = true; } catch (_) { /* read-only in some runtimes */ }
      process.nextTick(() => { try { sock.destroy(err); } catch (_) { /* already gone */ } });
      return sock;
    }
    return origConnect.apply(this, arguments);
  }

  // ---- HTTP request shape: method, templated path, header names (never values) ----
  // Shapes are counted per package: the first 4 of each are sent, then one in 64 with the count.
  // A repeated request is recognised by comparing it with the last few seen on the same raw path,
  // without building its key; only a new combination is templated, sorted and keyed. The package
  // of each call is the destination's sampled attribution (see sampledAttribute); a fact about to
  // be sent from a reused one is attributed again first, so a sent fact always names the package
  // that made that very call.
  const byPath = new SafeMap(); // raw path → { tpl, seen: [{ host, port, method, pkg, names, shape }] }
  const shapes = new SafeMap(); // shape key → { n, names, fact }
  let lastPath = null; // [raw path, its entry in byPath]
  function noteRequest(via, host, port, method, rawPath, headerNames, attr, fresh, above) {
    try {
      const raw = typeof rawPath === 'string' && rawPath ? rawPath : '/';
      let p;
      if (lastPath !== null && lastPath[0] === raw) p = lastPath[1];
      else {
        p = byPath.get(raw);
        if (p === undefined) {
          if (byPath.size >= CACHE_MAX) byPath.clear();
          p = { tpl: templatePath(raw), seen: [] };
          byPath.set(raw, p);
        }
        lastPath = [raw, p];
      }
      let a = attr;
      if (a === null) { a = sampledAttribute(destOf(host, port), above); fresh = attrFresh; }
      for (;;) {
        const pkg = a[0] || 'unknown';
        const seen = p.seen;
        let shape = null;
        for (let i = 0; i < seen.length && shape === null; i++) {
          const s = seen[i];
          if (s.port === port && s.host === host && s.method === method && s.pkg === pkg && sameNames(s.names, headerNames)) shape = s.shape;
        }
        if (shape === null) {
          const names = canonicalNames(headerNames);
          const key = host + ':' + port + ' ' + method + ' ' + p.tpl + ' ' + names.join(',') + ' ' + pkg;
          shape = shapes.get(key);
          if (shape === undefined) {
            if (shapes.size >= CACHE_MAX) shapes.clear();
            shape = { n: 0, names: names, fact: null };
            shapes.set(key, shape);
          }
          if (seen.length >= 8) seen.length = 0;
          seen.push({ host: host, port: port, method: method, pkg: pkg, names: headerNames, shape: shape });
        }
        const n = shape.n;
        const due = n < 4 || (n & 63) === 0;
        if (due && !fresh && above !== null) {
          const x = freshAttribute(destOf(host, port), above);
          fresh = true;
          a = x;
          if ((x[0] || 'unknown') !== pkg) continue; // counted under the package that made the call
        }
        shape.n = n + 1;
        if (due) {
          let f = shape.fact;
          if (f === null || f.via !== via) {
            f = { via: via, head: factHead({ t: 'request', pid: pid, via: via, host: host, port: port, method: method, path: p.tpl, headerNames: shape.names, pkg: pkg }) };
            shape.fact = f;
          }
          sendCounted(f.head, n + 1, false, n >= 4);
        }
        return;
      }
    } catch (e) { internalError('request', e); }
  }
  function sameNames(a, b) {
    if (a === b) return true;
    if (!arrayIsArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  function canonicalNames(headerNames) {
    const names = [];
    if (arrayIsArray(headerNames)) {
      for (let i = 0; i < headerNames.length && names.length < 64; i++) {
        const n = String(headerNames[i]).toLowerCase();
        if (names.indexOf(n) < 0) names.push(n.length > 64 ? n.slice(0, 64) : n);
      }
    }
    return names.sort();
  }

  // Cached per Host header: a regex match per request shows on the keep-alive path.
  const hostPortCache = [new SafeMap(), new SafeMap()]; // plain, secure
  let lastHostHeader = null;
  let lastSecure = false;
  let lastHostPort = null;
  function hostPortFromHeader(h, secure) {
    if (h === lastHostHeader && secure === lastSecure && h !== null) return lastHostPort;
    lastHostHeader = h;
    lastSecure = secure;
    lastHostPort = hostPortOf(h, secure);
    return lastHostPort;
  }
  function hostPortOf(h, secure) {
    if (typeof h !== 'string') return null;
    const cache = hostPortCache[secure ? 1 : 0];
    let hp = cache.get(h);
    if (hp === undefined) {
      hp = parseHostHeader(h, secure);
      if (cache.size >= CACHE_MAX) cache.clear();
      cache.set(h, hp);
    }
    return hp;
  }
  function parseHostHeader(h, secure) {
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(h);
    if (!m) return null;
    return [m[1].charCodeAt(0) === 91 ? m[1].slice(1, -1) : m[1], m[2] ? +m[2] : (secure ? 443 : 80)];
  }

  // The wrapper itself attributes nothing: a connect made inside it is attributed from the
  // wrapper's caller, and a request fact that is sent takes that answer or the destination's.
  function wrapRequest(mod, name, secure) {
    const orig = mod[name];
    if (typeof orig !== 'function') return;
    let depth = 0;
    const wrapped = function () {
      if (depth > 0) return orig.apply(this, arguments);
      depth++;
      const outerAbove = httpAbove;
      const outerAttr = httpAttr;
      const outerFresh = httpFresh;
      httpAbove = wrapped;
      httpAttr = null;
      httpFresh = false;
      let req;
      let attr = null;
      let fresh = false;
      try { req = orig.apply(this, arguments); } finally {
        depth--;
        attr = httpAttr;
        fresh = httpFresh;
        httpAbove = outerAbove;
        httpAttr = outerAttr;
        httpFresh = outerFresh;
      }
      try {
        if (req && typeof req.getHeaderNames === 'function') {
          const hp = hostPortFromHeader(req.getHeader('host'), secure || req.protocol === 'https:') || [req.host || 'localhost', secure ? 443 : 80];
          noteRequest('http', hp[0], hp[1], String(req.method || 'GET'), req.path, req.getHeaderNames(), attr, fresh, wrapped);
        }
      } catch (e) { internalError('http', e); }
      return req;
    };
    try { mod[name] = wrapped; } catch (e) { internalError('patch-http', e); }
  }

  // ---- built-in modules: patched when first loaded (Bun) or at start (Node) ----
  let netMod = null;
  let netDone = false;
  function patchNet() {
    if (netDone) return;
    netDone = true;
    try {
      netMod = require('net');
      origConnect = netMod.Socket.prototype.connect;
      netMod.Socket.prototype.connect = sentinelConnect;
      markListen(netMod.Server.prototype);
    } catch (e) { internalError('patch-net', e); }
    patchDns(); // net resolves names with dns.lookup
  }
  let httpDone = false;
  function patchHttp() {
    if (httpDone) return;
    httpDone = true;
    patchNet();
    try {
      const http = require('http');
      wrapRequest(http, 'request', false);
      wrapRequest(http, 'get', false);
      const server = http.Server;
      if (server && server.prototype && netMod !== null && server.prototype.listen !== netMod.Server.prototype.listen) markListen(server.prototype);
    } catch (e) { internalError('patch-http', e); }
  }
  // https pulls in tls and crypto (~6 ms on Node), so on Node it is patched when the program
  // loads it: require() goes through Module._load; an ES-module import does not, so the first
  // TLS connect patches it too, and syncBuiltinESMExports carries the patch to named imports.
  function patchHttps(https) {
    if (httpsPatched) return;
    httpsPatched = true;
    try {
      wrapRequest(https, 'request', true);
      wrapRequest(https, 'get', true);
      if (!isBun) require('module').syncBuiltinESMExports();
    } catch (e) { internalError('patch-http', e); }
  }
  // Called with the name of each built-in module the program asks for, before it gets it; each
  // action runs once (the patch functions guard themselves against our own require() too).
  const onFirstLoad = new SafeMap([
    ['net', patchNet], ['tls', patchNet], ['http2', patchNet], ['_tls_wrap', patchNet],
    ['http', patchHttp], ['_http_agent', patchHttp], ['_http_client', patchHttp],
    ['https', () => { patchHttp(); patchHttps(require('https')); }],
    ['dns', patchDns], ['child_process', patchChildProcess],
  ]);
  if (isBun) onFirstLoad.set('undici', patchUndici);
  function onBuiltin(id) {
    const name = id.slice(0, 5) === 'node:' ? id.slice(5) : id;
    const action = onFirstLoad.get(name);
    if (action === undefined) return;
    onFirstLoad.delete(name);
    action();
  }

  // ---- globals: one defined as a JS getter (a lazily loaded implementation) is wrapped on the
  // program's first read, so that start-up does not pay for loading it; a plain value is wrapped now.
  const defineProperty = Object.defineProperty;
  const getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const lazyGetters = new SafeMap(); // global name → the agent's getter, while not yet read
  function installGlobal(name, wrap) {
    let desc;
    try { desc = getOwnPropertyDescriptor(globalThis, name); } catch (_) { desc = undefined; }
    if (!desc) return;
    const enumerable = !!desc.enumerable;
    const setValue = (v) => defineProperty(globalThis, name, { value: v, writable: true, configurable: true, enumerable: enumerable });
    if (typeof desc.get === 'function' && desc.configurable) {
      const origGet = desc.get;
      let value;
      let done = false;
      const get = function () {
        if (!done) {
          done = true;
          lazyGetters.delete(name);
          value = origGet.call(globalThis);
          try { if (typeof value === 'function') value = wrap(value); } catch (e) { internalError('patch-' + name, e); }
          try { setValue(value); } catch (e) { internalError('patch-' + name, e); }
        }
        return value;
      };
      const set = function (v) {
        done = true;
        lazyGetters.delete(name);
        value = v;
        try { setValue(v); } catch (e) { internalError('patch-' + name, e); }
      };
      try {
        defineProperty(globalThis, name, { get: get, set: set, configurable: true, enumerable: enumerable });
        lazyGetters.set(name, get);
      } catch (e) { internalError('patch-' + name, e); }
      return;
    }
    if (typeof desc.value !== 'function') return;
    try { globalThis[name] = wrap(desc.value); } catch (e) { internalError('patch-' + name, e); }
  }

  // ---- fetch: on Node undici connects through net; on Bun fetch is native, so decide here ----
  // The target is computed the way the runtime does: a string as is; a Request by its url (Bun
  // reads the `url` property, undici its own record); anything else by String(input) once, and
  // that string is what the runtime then receives (a toString that answers differently on a
  // second call changes nothing). On Bun the proxy it will contact (init.proxy, or
  // http(s)_proxy / HTTP(S)_PROXY from the environment as it is at the call) is judged too.
  let sentinelFetch = null;
  let origFetchSeen = null;
  const NO_NAMES = [];
  const URLCtor = typeof URL === 'function' ? URL : null;
  const StringCtor = String;
  let reqUrlGet; // the url getter of Request.prototype (brand-checked: throws for anything else); null when unknown
  function requestUrlGetter() {
    if (reqUrlGet === undefined) {
      reqUrlGet = null;
      try {
        const R = globalThis.Request;
        const desc = typeof R === 'function' && R.prototype ? getOwnPropertyDescriptor(R.prototype, 'url') : undefined;
        if (desc && typeof desc.get === 'function') reqUrlGet = desc.get;
      } catch (_) { reqUrlGet = null; }
    }
    return reqUrlGet;
  }
  // What fetch(input) reaches when input is not a string: [href, request or null, input to pass on], or null.
  function fetchInput(input) {
    if (input === null || input === undefined || (typeof input !== 'object' && typeof input !== 'function')) return null;
    if (URLCtor === null || !(input instanceof URLCtor)) {
      const get = requestUrlGetter();
      if (get !== null) {
        let inner = null;
        try { inner = get.call(input); } catch (_) { inner = null; }
        if (typeof inner === 'string') return [isBun ? StringCtor(input.url) : inner, input, input];
      }
    }
    const href = StringCtor(input);
    return [href, null, href];
  }
  function proxyOf(init, secure) {
    let px;
    if (init !== null && (typeof init === 'object' || typeof init === 'function')) px = init.proxy;
    if (px === undefined || px === null) {
      const lower = own(env, secure ? 'https_proxy' : 'http_proxy');
      const upper = own(env, secure ? 'HTTPS_PROXY' : 'HTTP_PROXY');
      const hasLower = typeof lower === 'string' && lower !== '';
      const hasUpper = typeof upper === 'string' && upper !== '' && upper !== lower;
      if (!hasLower && !hasUpper) return NO_NAMES;
      return hasLower && hasUpper ? [lower, upper] : [hasLower ? lower : upper];
    }
    if (typeof px === 'string') return px ? [px] : NO_NAMES;
    if (typeof px !== 'object') return NO_NAMES;
    if ((URLCtor !== null && px instanceof URLCtor) || px instanceof StringCtor) return [StringCtor(px)];
    const u = px.url;
    return u === undefined || u === null ? NO_NAMES : [StringCtor(u)];
  }
  // One fetch-like call on Bun: decided, counted and reported here (no connect hook sees it).
  function judgeFetch(r, a, secure, above) {
    const d = decisionFor(r, a[0]);
    a = factAttribution(r, a, d, above);
    const n = countFor(r, a[0] || 'unknown');
    if (shouldReport(d, n)) sendConnect(r, a, d, n, 'fetch', secure ? r.host : null);
    return d;
  }
  /**
   * Checks one outbound fetch-like call: attribution, request fact, and on Bun the decision for
   * the target and any proxy. Returns the refusal to throw, or null.
   */
  function checkFetch(href, req, init, above) {
    let method = 'GET';
    let headerNames = NO_NAMES;
    if (req !== null) { method = StringCtor(req.method || 'GET'); headerNames = headerKeys(req.headers); }
    if (init !== null && typeof init === 'object') {
      if (typeof init.method === 'string') method = init.method.toUpperCase();
      if (init.headers) headerNames = headerNames.length ? headerNames.concat(headerKeys(init.headers)) : headerKeys(init.headers);
    }
    const target = httpTarget(href);
    if (target === null) return null;
    const path = urlPath;
    const r = target.r;
    let a = sampledAttribute(r, above);
    let fresh = attrFresh;
    let refused = null;
    if (isBun) {
      const d = judgeFetch(r, a, target.secure, above);
      if (attrFresh) { a = r.attr; fresh = true; }
      if (d.verdict === 'deny') refused = blockedError(d, r.host, r.port);
      const proxies = proxyOf(init === undefined ? null : init, target.secure);
      for (let i = 0; i < proxies.length && refused === null; i++) {
        const px = proxies[i].indexOf('://') < 0 ? 'http://' + proxies[i] : proxies[i];
        let pt = null;
        try { pt = httpTarget(px); } catch (_) { pt = null; }
        if (pt === null) continue;
        const pd = judgeFetch(pt.r, sampledAttribute(pt.r, above), pt.secure, above);
        if (pd.verdict === 'deny') refused = blockedError(pd, pt.r.host, pt.r.port);
      }
    } else if (a[0]) r.carried = a;
    noteRequest('fetch', r.host, r.port, method, path, headerNames, a, fresh, above);
    return refused;
  }
  function fetchRefusal(cause) {
    const err = new TypeError('fetch failed');
    try { err.cause = cause; } catch (_) { /* frozen */ }
    return err;
  }
  function makeFetch(origFetch) {
    const wrapped = function fetch(input, init) {
      if (wsPending) wrapWebSocketNow();
      let refused = null;
      let args = arguments;
      try {
        if (typeof input === 'string') refused = checkFetch(input, null, init === undefined ? null : init, wrapped);
        else {
          const f = fetchInput(input);
          if (f !== null) {
            if (f[2] !== input) { args = Array.prototype.slice.call(arguments); args[0] = f[2]; }
            refused = checkFetch(f[0], f[1], init === undefined ? null : init, wrapped);
          }
        }
      } catch (e) { internalError('fetch', e); }
      if (refused !== null) return Promise.reject(fetchRefusal(refused));
      return origFetch.apply(this, args);
    };
    // Bun's fetch.preconnect(url) opens a connection ahead of time: judged like a fetch.
    const pre = origFetch.preconnect;
    if (typeof pre === 'function') {
      const preconnect = function preconnect(url) {
        let refused = null;
        try {
          const f = typeof url === 'string' ? null : fetchInput(url);
          const href = f === null ? url : f[0];
          if (typeof href === 'string') refused = checkFetch(href, null, null, preconnect);
        } catch (e) { internalError('fetch', e); }
        if (refused !== null) return undefined; // nothing is opened; the later fetch is refused too
        return pre.apply(origFetch, arguments);
      };
      try { defineProperty(wrapped, 'preconnect', { value: preconnect, writable: true, configurable: true, enumerable: false }); } catch (_) { /* non-extensible */ }
    }
    return wrapped;
  }
  function wrapFetch(origFetch) {
    origFetchSeen = origFetch;
    sentinelFetch = makeFetch(origFetch);
    return sentinelFetch;
  }
  installGlobal('fetch', wrapFetch);
  // Bun's built-in `undici` module calls Bun.fetch itself (a read-only property of the read-only
  // Bun global, which the agent cannot wrap): its fetch, request and stream are wrapped on the
  // module when the program first asks for it.
  function patchUndici() {
    try {
      const u = require('undici');
      if (!u || typeof u !== 'object') return;
      if (typeof u.fetch === 'function') u.fetch = makeFetch(u.fetch);
      const wrapCall = (name, targetOf) => {
        const orig = u[name];
        if (typeof orig !== 'function') return;
        const wrapped = function () {
          let refused = null;
          try {
            const href = targetOf(arguments[0], arguments[1]);
            if (href !== null) refused = checkFetch(href, null, arguments[1] === undefined ? null : arguments[1], wrapped);
          } catch (e) { internalError('undici', e); }
          if (refused !== null) return Promise.reject(refused);
          return orig.apply(this, arguments);
        };
        u[name] = wrapped;
      };
      const urlText = (url) => typeof url === 'string' ? url : URLCtor !== null && url instanceof URLCtor ? StringCtor(url) : null;
      wrapCall('request', (url) => urlText(url));
      wrapCall('stream', (url, opts) => {
        const base = urlText(url);
        const path = opts !== null && typeof opts === 'object' ? opts.path : undefined;
        if (base === null || !path) return base;
        return typeof url === 'string' ? url.replace(/\/$/, '') + path : StringCtor(new URL(path, url));
      });
    } catch (e) { internalError('patch-undici', e); }
  }
  // ---- WebSocket: on Node (22+) it connects through net later, so the caller's package is left
  // on the destination; on Bun it is native and only reported here (not refused).
  function wrapWebSocket(OrigWS) {
    const SentinelWebSocket = function WebSocket(url, protocols) {
      const args = arguments.length > 1 ? [url, protocols] : [url];
      if (!new.target) return OrigWS.apply(this, args); // throws as the original does
      try {
        const u = new URL(String(url && typeof url.href === 'string' ? url.href : url));
        const secure = u.protocol === 'wss:' || u.protocol === 'https:';
        const host = u.hostname.charCodeAt(0) === 91 ? u.hostname.slice(1, -1) : u.hostname;
        const r = destOf(host, +u.port || (secure ? 443 : 80));
        let a = sampledAttribute(r, SentinelWebSocket);
        if (!isBun && a[0]) r.carried = a;
        if (isBun) {
          a = factAttribution(r, a, ALLOWED, SentinelWebSocket);
          const n = countFor(r, a[0] || 'unknown');
          if (shouldReport(ALLOWED, n)) sendConnect(r, a, ALLOWED, n, 'websocket', secure ? host : null);
        }
        noteRequest('websocket', host, r.port, 'GET', u.pathname + u.search, NO_NAMES, a, attrFresh, SentinelWebSocket);
      } catch (e) { internalError('websocket', e); }
      const target = new.target === SentinelWebSocket ? OrigWS : new.target;
      return Reflect.construct(OrigWS, args, target);
    };
    SentinelWebSocket.prototype = OrigWS.prototype;
    Object.setPrototypeOf(SentinelWebSocket, OrigWS); // CONNECTING, OPEN, ... and other statics
    return SentinelWebSocket;
  }
  // Node 22+ defines WebSocket as a V8 lazy data property: any touch (read, descriptor,
  // redefinition) loads undici, ~20 ms. So on Node it is wrapped once undici is loaded anyway:
  // at the program's first fetch, or as soon as a connect or the loop timer sees undici loaded.
  function undiciLoaded() {
    const list = moduleLoadList;
    if (!arrayIsArray(list)) return true;
    for (let i = loadListSeen; i < list.length; i++) if (list[i] === 'NativeModule internal/deps/undici/undici') return true;
    loadListSeen = list.length;
    return false;
  }
  function wrapWebSocketNow() {
    if (!wsPending) return;
    wsPending = false;
    installGlobal('WebSocket', wrapWebSocket);
  }
  if (isBun || undiciLoaded()) installGlobal('WebSocket', wrapWebSocket);
  else wsPending = true;

  function headerKeys(h) {
    const out = [];
    try {
      if (!h) return out;
      if (typeof h.forEach === 'function' && typeof h.get === 'function') { h.forEach((_v, k) => { out.push(k); }); return out; }
      if (arrayIsArray(h)) { for (let i = 0; i < h.length; i++) if (arrayIsArray(h[i])) out.push(String(h[i][0])); return out; }
      if (typeof h === 'object') return Object.keys(h);
    } catch (_) { /* exotic headers object */ }
    return out;
  }

  // ---- dns.lookup: names and answers, reported once per new answer set ----
  const dnsSeen = new SafeMap();
  let dnsDone = false;
  function patchDns() {
    if (dnsDone) return;
    dnsDone = true;
    try {
      const dns = require('dns');
      const origLookup = dns.lookup;
      if (typeof origLookup !== 'function') return;
      dns.lookup = function lookup(hostname, options, callback) {
        const cb = typeof options === 'function' ? options : callback;
        if (typeof cb !== 'function' || typeof hostname !== 'string') return origLookup.apply(this, arguments);
        const wrappedCb = function (err, address, family) {
          try {
            if (!err && address) {
              const answers = [];
              if (arrayIsArray(address)) { for (let i = 0; i < address.length && i < 16; i++) answers.push(String(address[i] && address[i].address)); } else answers.push(String(address));
              const key = answers.join(',');
              if (dnsSeen.get(hostname) !== key && ipLiteral(hostname) === null) {
                if (dnsSeen.size >= CACHE_MAX) dnsSeen.clear();
                dnsSeen.set(hostname, key);
                send({ t: 'dns', pid: pid, ts: dateNow(), name: hostname, answers: answers });
              }
            }
          } catch (e) { internalError('dns', e); }
          return cb.apply(this, arguments);
        };
        if (typeof options === 'function') return origLookup.call(this, hostname, wrappedCb);
        return origLookup.call(this, hostname, options, wrappedCb);
      };
    } catch (e) { internalError('patch-dns', e); }
  }

  // ---- child processes ----
  let serving = false;
  function markListen(proto) {
    try {
      const origListen = proto && proto.listen;
      if (typeof origListen !== 'function') return;
      proto.listen = function () { serving = true; return origListen.apply(this, arguments); };
    } catch (e) { internalError('patch-listen', e); }
  }
  if (isBun) {
    try {
      const origServe = globalThis.Bun.serve;
      if (typeof origServe === 'function') globalThis.Bun.serve = function () { serving = true; return origServe.apply(this, arguments); };
    } catch (e) { internalError('patch-serve', e); }
  }
  // A child that runs under Node's permission model cannot load the agent (Node 20 exits with
  // ERR_ACCESS_DENIED, 22+ denies it its files): it is started without the agent's --require, and
  // its child fact says so. Seen in its arguments (also inside a shell command such as npm's
  // `sh -c "node --permission app.js"`), fork's execArgv, or the NODE_OPTIONS it is given.
  const PERMISSION_RE = /(?:^|[\s'"])(--(?:experimental-)?permission)(?=[\s'"=]|$)/;
  function childPermission(file, args, opts) {
    let m = PERMISSION_RE.exec(file);
    for (let i = 0; m === null && i < args.length && i < 256; i++) m = PERMISSION_RE.exec(String(args[i]));
    if (m !== null) return m[1];
    if (opts === null) return null;
    const execArgv = opts.execArgv;
    if (arrayIsArray(execArgv)) for (let i = 0; i < execArgv.length; i++) { m = PERMISSION_RE.exec(String(execArgv[i])); if (m !== null) return m[1]; }
    const e = opts.env;
    if (e && typeof e === 'object' && typeof e.NODE_OPTIONS === 'string') {
      const words = splitNodeOptions(e.NODE_OPTIONS);
      for (let i = 0; i < words.length; i++) { m = PERMISSION_RE.exec(words[i]); if (m !== null) return m[1]; }
    }
    return null;
  }
  const ownOption = '--require "' + agentFile.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
  /** The call's arguments with an env whose NODE_OPTIONS no longer loads the agent. */
  function withoutAgent(args, optsAt, opts) {
    const base = opts !== null && opts.env && typeof opts.env === 'object' ? opts.env : process.env;
    const childEnv = Object.assign({}, base);
    const no = typeof childEnv.NODE_OPTIONS === 'string' ? childEnv.NODE_OPTIONS : '';
    const at = no.indexOf(ownOption);
    if (at < 0) return null;
    const rest = (no.slice(0, at) + no.slice(at + ownOption.length)).trim();
    if (rest) childEnv.NODE_OPTIONS = rest; else delete childEnv.NODE_OPTIONS;
    const o = opts !== null ? Object.assign({}, opts) : {};
    o.env = childEnv;
    const out = Array.prototype.slice.call(args);
    if (opts !== null || out[optsAt] === undefined || out[optsAt] === null) out[optsAt] = o;
    else out.splice(optsAt, 0, o);
    return out;
  }
  let childDone = false;
  function patchChildProcess() {
    if (childDone) return;
    childDone = true;
    try {
      const cp = require('child_process');
      let depth = 0;
      const wrapSpawn = function (name, shellByDefault) {
        const orig = cp[name];
        if (typeof orig !== 'function') return;
        cp[name] = function () {
          if (depth > 0) return orig.apply(this, arguments);
          depth++;
          try {
            let call = arguments;
            try {
              const file = String(arguments[0]);
              const hasArgs = !shellByDefault && arrayIsArray(arguments[1]);
              let args = hasArgs ? arguments[1] : [];
              const optsAt = hasArgs ? 2 : 1;
              let opts = arguments[optsAt];
              if ((opts === undefined || opts === null) && arguments[optsAt + 1] && typeof arguments[optsAt + 1] === 'object' && !arrayIsArray(arguments[optsAt + 1])) opts = arguments[optsAt + 1];
              else if (!opts || typeof opts !== 'object' || arrayIsArray(opts)) opts = null;
              const shell = shellByDefault || !!(opts && hasOwn(opts, 'shell') && opts.shell);
              const argv = [file];
              for (let i = 0; i < args.length && argv.length < 32; i++) argv.push(String(args[i]).slice(0, 200));
              const anomalies = [];
              const bin = baseName(shellByDefault ? 'sh' : file);
              if ((shell || SHELLS.has(bin)) && serving) anomalies.push('shell spawned by a process serving network requests');
              const fact = { t: 'child', pid: pid, ts: dateNow(), api: name, file: file.slice(0, 300), argv: argv, shell: shell || SHELLS.has(bin), pkg: currentPackage(), serving: serving, anomalies: anomalies };
              const perm = childPermission(file, args, opts);
              if (perm !== null) {
                const changed = withoutAgent(arguments, opts !== null && arguments[optsAt] !== opts ? optsAt + 1 : optsAt, opts);
                if (changed !== null) call = changed;
                fact.uninstrumented = 'Node permission model (' + perm + '): Node started without the sentinel';
              }
              send(fact);
            } catch (e) { internalError('child', e); }
            return orig.apply(this, call);
          } finally { depth--; }
        };
      };
      wrapSpawn('spawn', false);
      wrapSpawn('spawnSync', false);
      wrapSpawn('execFile', false);
      wrapSpawn('execFileSync', false);
      wrapSpawn('fork', false);
      wrapSpawn('exec', true);
      wrapSpawn('execSync', true);
    } catch (e) { internalError('patch-child', e); }
  }

  // ---- when built-in modules are patched ----
  // Node: at start (net, http, dns, child_process: 2–3 ms together), except https (see patchHttps).
  // Bun: loading net, http and https costs it ~12 ms, so each is patched when the program first
  // asks for it. A require() goes through Module.prototype.require (Bun does not call
  // Module._load), and an import of a built-in reaches a Bun.plugin resolver in the "node"
  // namespace before the importing module runs; both patch the module before the program gets it.
  if (isBun) {
    try {
      const Module = require('module');
      const protoRequire = Module.prototype.require;
      if (typeof protoRequire === 'function') {
        Module.prototype.require = function require(id) {
          if (typeof id === 'string') { try { onBuiltin(id); } catch (_) { /* the program's require goes on */ } }
          return protoRequire.apply(this, arguments);
        };
      }
    } catch (e) { internalError('patch-require', e); }
    try {
      globalThis.Bun.plugin({
        name: 'trustrun-sentinel',
        setup(build) {
          build.onResolve({ filter: /^(?:node:)?(?:net|tls|https?|http2|dns|child_process|_http_agent|_http_client|_tls_wrap|undici)$/, namespace: 'node' }, (args) => {
            try { onBuiltin(String(args.path)); } catch (e) { internalError('plugin', e); }
            return undefined;
          });
        },
      });
    } catch (e) {
      // No resolver hook: patch everything now, as start-up cost rather than a blind spot.
      internalError('patch-import', e);
      try { onBuiltin('https'); onBuiltin('child_process'); } catch (_) { /* reported by the patch */ }
    }
  } else {
    patchNet();
    patchHttp();
    patchChildProcess();
    try {
      const Module = require('module');
      const origLoad = Module._load;
      if (typeof origLoad === 'function') {
        Module._load = function _load(request) {
          const m = origLoad.apply(this, arguments);
          if (!httpsPatched && (request === 'https' || request === 'node:https')) patchHttps(m);
          return m;
        };
      }
    } catch (e) { internalError('patch-load', e); }
  }
  // process.getBuiltinModule (Node 22.3+, Bun) reaches built-ins past both hooks.
  try {
    const getBuiltin = process.getBuiltinModule;
    if (typeof getBuiltin === 'function') {
      process.getBuiltinModule = function getBuiltinModule(id) {
        if (typeof id === 'string') { try { onBuiltin(id); } catch (_) { /* the program's call goes on */ } }
        return getBuiltin.apply(this, arguments);
      };
    }
  } catch (e) { internalError('patch-builtin', e); }

  // ---- runtime integrity ----
  const nodeOptions = splitNodeOptions(own(env, 'NODE_OPTIONS') || '');
  // Our own --require/--preload is not an anomaly; anything else in the flags may be.
  function withoutOwn(list) {
    const out = [];
    for (let i = 0; i < list.length; i++) {
      const f = String(list[i]);
      if (f.indexOf(agentFile) >= 0) continue;
      if ((f === '--require' || f === '-r' || f === '--preload') && i + 1 < list.length && String(list[i + 1]).indexOf(agentFile) >= 0) { i++; continue; }
      out.push(f);
    }
    return out;
  }
  const userOptions = withoutOwn(nodeOptions);
  const execArgv = withoutOwn(process.execArgv || []);
  const flags = execArgv.slice();
  for (let i = 0; i < userOptions.length; i++) if (flags.indexOf(userOptions[i]) < 0) flags.push(userOptions[i]);
  let frozen = false;
  // Node freezes intrinsics after preloaded modules run, so the flag counts as much as the state.
  try { frozen = flags.indexOf('--frozen-intrinsics') >= 0 || (Object.isFrozen(Object.prototype) && Object.isFrozen(Array.prototype)); } catch (_) { frozen = false; }
  send({ t: 'hello', pid: pid, ts: dateNow(),
    ppid: process.ppid, runtime: isBun ? 'bun' : 'node', version: isBun ? globalThis.Bun.version : process.version,
    nodeVersion: process.version, execPath: process.execPath, argv: (process.argv || []).slice(0, 32), execArgv: execArgv,
    nodeOptions: userOptions,
    flagAnomalies: flagAnomalies(flags), frozenIntrinsics: frozen, cwd: safeCwd(), platform: process.platform, arch: process.arch,
  });
  function safeCwd() { try { return process.cwd(); } catch (_) { return null; } }

  const fnToString = Function.prototype.toString;
  const baseline = new SafeMap([
    ['fetch', null], // compared by fetchNow(): it may still be unread (lazy)
    ['JSON.parse', jsonParse],
    ['JSON.stringify', jsonStringify],
    ['Function.prototype.call', Function.prototype.call],
    ['Function.prototype.apply', Function.prototype.apply],
    ['Function.prototype.bind', Function.prototype.bind],
    ['Function.prototype.toString', fnToString],
    ['eval', globalThis.eval],
    ['Function', globalThis.Function],
    ['Promise.prototype.then', Promise.prototype.then],
    ['net.Socket.prototype.connect', sentinelConnect],
  ]);
  const protoKeys = new SafeSet(Object.getOwnPropertyNames(Object.prototype));
  const flagged = new SafeSet();
  function currentOf(name) {
    switch (name) {
      case 'fetch': return fetchNow();
      case 'JSON.parse': return JSON.parse;
      case 'JSON.stringify': return JSON.stringify;
      case 'Function.prototype.call': return Function.prototype.call;
      case 'Function.prototype.apply': return Function.prototype.apply;
      case 'Function.prototype.bind': return Function.prototype.bind;
      case 'Function.prototype.toString': return Function.prototype.toString;
      case 'eval': return globalThis.eval;
      case 'Function': return globalThis.Function;
      case 'Promise.prototype.then': return Promise.prototype.then;
      case 'net.Socket.prototype.connect': return netMod !== null ? netMod.Socket.prototype.connect : sentinelConnect;
      default: return undefined;
    }
  }
  // Without reading globalThis.fetch while it is lazy (a read would load undici at exit).
  const LAZY = {};
  function fetchNow() {
    const get = lazyGetters.get('fetch');
    if (get) {
      const desc = getOwnPropertyDescriptor(globalThis, 'fetch');
      if (desc && desc.get === get) return LAZY;
      return desc ? desc.value : undefined;
    }
    return globalThis.fetch;
  }
  function fetchExpected() {
    if (lazyGetters.has('fetch')) return LAZY;
    return sentinelFetch || origFetchSeen || undefined;
  }
  function checkIntegrity() {
    try {
      const changes = [];
      baseline.forEach((orig, name) => {
        if (name === 'fetch') orig = fetchExpected();
        if (currentOf(name) !== orig && !flagged.has(name)) { flagged.add(name); changes.push({ what: name, detail: 'replaced after start' }); }
      });
      const names = Object.getOwnPropertyNames(Object.prototype);
      for (let i = 0; i < names.length; i++) {
        const k = names[i];
        if (!protoKeys.has(k) && !flagged.has('proto:' + k)) { flagged.add('proto:' + k); changes.push({ what: 'Object.prototype.' + k.slice(0, 64), detail: 'Object.prototype polluted' }); }
      }
      if (changes.length) send({ t: 'integrity', pid: pid, ts: dateNow(), changes: changes });
    } catch (e) { internalError('integrity', e); }
  }

  // ---- event loop: delay percentiles and stalls, from one unref'd timer ----
  const TICK = 100;
  const every = Math.max(1000, +own(env, 'TRUSTRUN_SENTINEL_INTERVAL_MS') || 10000);
  const lags = [];
  let stalls = 0;
  let maxLag = 0;
  // process.hrtime: the global `performance` loads perf_hooks on first use in Node (~1 ms).
  const hrtime = process.hrtime;
  function performanceNow() { try { const t = hrtime(); return t[0] * 1e3 + t[1] / 1e6; } catch (_) { return dateNow(); } }
  let last = performanceNow();
  let sinceReport = 0;
  const ticker = setInterval(() => {
    ticks++;
    try {
      if (wsPending && undiciLoaded()) wrapWebSocketNow();
      const now = performanceNow();
      const lag = Math.max(0, now - last - TICK);
      last = now;
      if (lags.length < 1000) lags.push(lag);
      if (lag > maxLag) maxLag = lag;
      if (lag > 1000) stalls++;
      sinceReport += TICK + lag;
      if (sinceReport >= every) {
        sinceReport = 0;
        checkIntegrity();
        const sorted = lags.slice().sort((x, y) => x - y);
        const at = (q) => sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] * 100) / 100 : 0;
        send({ t: 'loop', pid: pid, ts: dateNow(), p50: at(0.5), p99: at(0.99), max: Math.round(maxLag * 100) / 100, stalls: stalls, samples: sorted.length });
        lags.length = 0;
        maxLag = 0;
        stalls = 0;
      }
    } catch (e) { internalError('loop', e); }
  }, TICK);
  if (ticker && typeof ticker.unref === 'function') ticker.unref();

  process.on('exit', () => {
    checkIntegrity();
    flush();
  });
}

try { start(); } catch (_) { /* never break the program */ }

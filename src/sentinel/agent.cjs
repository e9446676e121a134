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
function hasOwn(o, k) { return hasOwnProperty.call(o, k); }
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

/** Canonical IP text for an address literal, or null when the host is a name. */
function ipLiteral(host) {
  if (typeof host !== 'string') return null;
  let t = host;
  if (t.charCodeAt(0) === 91 && t.charCodeAt(t.length - 1) === 93) t = t.slice(1, -1);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(t);
  if (mapped) t = mapped[1];
  if (ipv4ToInt(t) !== null) return t;
  if (t.indexOf(':') >= 0 && /^[0-9a-f:.]+$/i.test(t)) return expandV6(t);
  return null;
}

function expandV6(t) {
  const halves = t.toLowerCase().split('::');
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
 * Returns { verdict: "allow"|"deny"|"ask"|"alert", rule, reason }.
 */
function decide(policy, host, port) {
  if (!policy || !policy.enforce) return { verdict: 'allow', rule: null, reason: 'observe only' };
  const ip = ipLiteral(host);
  const name = ip ? null : normalizeHost(host);
  const rules = arrayIsArray(policy.rules) ? policy.rules : [];
  let allowed = null;
  for (let pass = 0; pass < 2; pass++) {
    const kind = pass === 0 ? 'deny' : 'allow';
    for (let i = 0; i < rules.length; i++) {
      const r = rules[i];
      if (!r || r.kind !== kind || !ruleMatches(r, name, ip, port)) continue;
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
  if (arrayIsArray(r.hosts)) {
    if (!name) return false;
    let hit = false;
    for (let i = 0; i < r.hosts.length && !hit; i++) hit = hostMatches(r.hosts[i], name);
    if (!hit) return false;
    any = true;
  }
  if (arrayIsArray(r.cidrs)) {
    if (!ip) return false;
    let hit = false;
    for (let i = 0; i < r.cidrs.length && !hit; i++) hit = cidrContains(r.cidrs[i], ip);
    if (!hit) return false;
    any = true;
  }
  if (arrayIsArray(r.ports)) {
    let hit = false;
    for (let i = 0; i < r.ports.length && !hit; i++) {
      const pr = r.ports[i];
      hit = arrayIsArray(pr) && port >= pr[0] && port <= pr[1];
    }
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

/** Splits a NODE_OPTIONS string the way Node does (double quotes group, backslash escapes inside them). */
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
    if (!inQ && (c === ' ' || c === '\t' || c === '\n')) {
      if (has || cur) out.push(cur);
      cur = '';
      has = false;
      continue;
    }
    cur += c;
  }
  if (has || cur) out.push(cur);
  return out;
}

const SHELLS = new SafeSet(['sh', 'bash', 'dash', 'zsh', 'ksh', 'fish', 'csh', 'tcsh', 'ash', 'busybox', 'cmd.exe', 'powershell', 'pwsh']);
function baseName(file) {
  const s = String(file);
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i >= 0 ? s.slice(i + 1) : s;
}

module.exports = {
  normalizeHost, hostMatches, ipLiteral, cidrContains, decide, packageFromPath,
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
  const dir = env.TRUSTRUN_SENTINEL_DIR;
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
  let policy = null;
  try { policy = jsonParse(fs.readFileSync(dir + '/policy.json', 'utf8')); } catch (_) { policy = null; }
  function decisionFor(r, pkg) {
    if (r.d === null) {
      let d = decide(policy, r.host, r.port);
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
    const fallback = policy && policy.askFallback === 'deny'
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
          if (msg && msg.id === id) {
            if (msg.answer === 'deny') return { verdict: 'deny', rule: typeof msg.rule === 'string' ? msg.rule : 'prompt', reason: 'denied at the prompt' };
            return { verdict: 'allow', rule: typeof msg.rule === 'string' ? msg.rule : null, reason: 'allowed at the prompt' };
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
      r = { host: host, port: port, d: null, calls: 0, tick: -1, attr: null, carried: null, pkg: null, n: 0, counts: new SafeMap(), fact: null };
      dests.set(key, r);
    }
    lastDest = r;
    return r;
  }
  // A stack capture costs 20–70 µs in a running program (2–4 µs only in a tight loop), so calls to
  // a destination are sampled: the first 8 are attributed, then one in 64 but at most one per
  // 100 ms tick; the calls between reuse the last answer.
  function sampledAttribute(r, above) {
    const n = ++r.calls;
    if (r.attr === null || n <= 8 || ((n & 63) === 0 && r.tick !== ticks)) {
      r.attr = quickAttribute(above);
      r.tick = ticks;
    }
    return r.attr;
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
        let a = httpAbove !== null ? sampledAttribute(r, httpAbove) : attribute();
        if (!a[0] && r.carried !== null) a = r.carried;
        if (httpAbove !== null) httpAttr = a;
        d = decisionFor(r, a[0]);
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
  // Shapes are counted: the first 4 of each are sent, then one in 64 with the count. A repeated
  // request is recognised by comparing it with the last few seen on the same raw path, without
  // building its key; only a new combination is templated, sorted and keyed.
  const byPath = new SafeMap(); // raw path → { tpl, seen: [{ host, port, method, names, shape }] }
  const shapes = new SafeMap(); // shape key → { n, names, fact }
  let lastPath = null; // [raw path, its entry in byPath]
  function noteRequest(via, host, port, method, rawPath, headerNames, attr, above) {
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
      const seen = p.seen;
      let shape = null;
      for (let i = 0; i < seen.length && shape === null; i++) {
        const s = seen[i];
        if (s.port === port && s.host === host && s.method === method && sameNames(s.names, headerNames)) shape = s.shape;
      }
      if (shape === null) {
        const names = canonicalNames(headerNames);
        const key = host + ':' + port + ' ' + method + ' ' + p.tpl + ' ' + names.join(',');
        shape = shapes.get(key);
        if (shape === undefined) {
          if (shapes.size >= CACHE_MAX) shapes.clear();
          shape = { n: 0, names: names, fact: null };
          shapes.set(key, shape);
        }
        if (seen.length >= 8) seen.length = 0;
        seen.push({ host: host, port: port, method: method, names: headerNames, shape: shape });
      }
      const n = shape.n++;
      if (n < 4 || (n & 63) === 0) {
        const a = attr !== null ? attr : sampledAttribute(destOf(host, port), above);
        let f = shape.fact;
        if (f === null || f.pkg !== a[0] || f.via !== via) {
          f = { pkg: a[0], via: via, head: factHead({ t: 'request', pid: pid, via: via, host: host, port: port, method: method, path: p.tpl, headerNames: shape.names, pkg: a[0] || 'unknown' }) };
          shape.fact = f;
        }
        sendCounted(f.head, n + 1, false, n >= 4);
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
      httpAbove = wrapped;
      httpAttr = null;
      let req;
      let attr = null;
      try { req = orig.apply(this, arguments); } finally {
        depth--;
        attr = httpAttr;
        httpAbove = outerAbove;
        httpAttr = outerAttr;
      }
      try {
        if (req && typeof req.getHeaderNames === 'function') {
          const hp = hostPortFromHeader(req.getHeader('host'), secure || req.protocol === 'https:') || [req.host || 'localhost', secure ? 443 : 80];
          noteRequest('http', hp[0], hp[1], String(req.method || 'GET'), req.path, req.getHeaderNames(), attr, wrapped);
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
  let sentinelFetch = null;
  let origFetchSeen = null;
  const NO_NAMES = [];
  function wrapFetch(origFetch) {
    origFetchSeen = origFetch;
    sentinelFetch = function fetch(input, init) {
      if (wsPending) wrapWebSocketNow();
      let d = null;
      let r = null;
      try {
        let href = null;
        let method = 'GET';
        let headerNames = NO_NAMES;
        if (typeof input === 'string') href = input;
        else if (input && typeof input.href === 'string') href = input.href;
        else if (input && typeof input.url === 'string') { href = input.url; method = String(input.method || 'GET'); headerNames = headerKeys(input.headers); }
        if (init && typeof init === 'object') {
          if (typeof init.method === 'string') method = init.method.toUpperCase();
          if (init.headers) headerNames = headerNames.length ? headerNames.concat(headerKeys(init.headers)) : headerKeys(init.headers);
        }
        const target = href === null ? null : httpTarget(href);
        if (target !== null) {
          r = target.r;
          const a = sampledAttribute(r, sentinelFetch);
          if (isBun) {
            d = decisionFor(r, a[0]);
            const n = countFor(r, a[0] || 'unknown');
            if (shouldReport(d, n)) sendConnect(r, a, d, n, 'fetch', target.secure ? r.host : null);
          } else if (a[0]) r.carried = a;
          noteRequest('fetch', r.host, r.port, method, urlPath, headerNames, a, sentinelFetch);
        }
      } catch (e) { internalError('fetch', e); }
      if (d !== null && d.verdict === 'deny') {
        const err = new TypeError('fetch failed');
        try { err.cause = blockedError(d, r.host, r.port); } catch (_) { /* frozen */ }
        return Promise.reject(err);
      }
      return origFetch.apply(this, arguments);
    };
    return sentinelFetch;
  }
  installGlobal('fetch', wrapFetch);
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
        const a = sampledAttribute(r, SentinelWebSocket);
        if (!isBun && a[0]) r.carried = a;
        if (isBun) {
          const n = countFor(r, a[0] || 'unknown');
          if (shouldReport(ALLOWED, n)) sendConnect(r, a, ALLOWED, n, 'websocket', secure ? host : null);
        }
        noteRequest('websocket', host, r.port, 'GET', u.pathname + u.search, NO_NAMES, a, SentinelWebSocket);
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
            try {
              const file = String(arguments[0]);
              let args = arrayIsArray(arguments[1]) ? arguments[1] : [];
              const opts = arrayIsArray(arguments[1]) ? arguments[2] : (arguments[1] && typeof arguments[1] === 'object' ? arguments[1] : null);
              const shell = shellByDefault || !!(opts && typeof opts === 'object' && Object.prototype.hasOwnProperty.call(opts, 'shell') && opts.shell);
              const argv = [file];
              for (let i = 0; i < args.length && argv.length < 32; i++) argv.push(String(args[i]).slice(0, 200));
              const anomalies = [];
              const bin = baseName(shellByDefault ? 'sh' : file);
              if ((shell || SHELLS.has(bin)) && serving) anomalies.push('shell spawned by a process serving network requests');
              send({ t: 'child', pid: pid, ts: dateNow(), api: name, file: file.slice(0, 300), argv: argv, shell: shell || SHELLS.has(bin), pkg: currentPackage(), serving: serving, anomalies: anomalies });
            } catch (e) { internalError('child', e); }
            return orig.apply(this, arguments);
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
          build.onResolve({ filter: /^(?:node:)?(?:net|tls|https?|http2|dns|child_process|_http_agent|_http_client|_tls_wrap)$/, namespace: 'node' }, (args) => {
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
  const nodeOptions = splitNodeOptions(env.NODE_OPTIONS || '');
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
  const every = Math.max(1000, +env.TRUSTRUN_SENTINEL_INTERVAL_MS || 10000);
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

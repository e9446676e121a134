import type { HostSource } from "../core/types.ts";
import { chainNames, formatIpv6 } from "./dns.ts";

/**
 * The join table that gives an IP its hostname. Probes that see names (DNS answers, TLS SNI,
 * the proxy's CONNECT line, the in-process sentinel) feed it; the session asks it for the name
 * of each connection's destination. Bounded (LRU) so a long session cannot grow it without end.
 */

export interface HostMapOptions {
  /** Most entries kept; the least recently used go first. Default 20000. */
  maxEntries?: number;
  /**
   * Shortest lifetime of a DNS answer, whatever its TTL says: programs keep using an address
   * well past a short TTL. Default 5 minutes. Expired answers are still used, after fresh ones.
   */
  ttlFloorMs?: number;
}

export interface HostAnswer {
  name: string;
  type: string;
  data: string;
  ttl?: number;
}

export interface HostLookup {
  host: string;
  source: HostSource;
}

export interface HostMap {
  /** `name` is the name that was asked; answers may hold a CNAME chain. Bare strings are addresses of `name`. */
  learnDns(name: string, answers: ReadonlyArray<HostAnswer | string>, ts: number, pid?: number | null): void;
  learnSni(ip: string, port: number, host: string, ts: number): void;
  learnProxy(ip: string, port: number, host: string, ts: number, pid?: number | null): void;
  learnSentinel(ip: string, port: number, host: string, ts: number, pid?: number | null): void;
  /**
   * Best name for a destination at time `at` (the connect): SNI for that ip:port seen since, then
   * the sentinel's word for it (or the proxy's, for a request made through it at that time), then
   * a DNS answer asked by the same pid, then any DNS answer (fresh before expired, newest first),
   * then SNI of an earlier connection to that ip:port, then SNI seen for that ip on another port.
   */
  lookup(ip: string, port?: number | null, pid?: number | null, at?: number): HostLookup | null;
  readonly size: number;
  clear(): void;
}

interface Entry {
  key: string;
  ip: string;
  port: number | null;
  host: string;
  source: HostSource;
  pid: number | null;
  ts: number;
  expires: number;
}

function normalizeHost(h: string): string {
  return h.trim().toLowerCase().replace(/\.$/, "");
}

/** Canonical text of an IP so every probe's spelling meets: v4-mapped v6 → v4, v6 → RFC 5952. */
export function normalizeIp(ip: string): string {
  const t = ip.trim().toLowerCase().replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (mapped) return mapped[1];
  if (!t.includes(":")) return t;
  const bytes = parseIpv6(t);
  if (!bytes) return t;
  const s = formatIpv6(bytes);
  const m2 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  return m2 ? m2[1] : s;
}

function parseIpv6(t: string): Uint8Array | null {
  let text = t;
  const tail: number[] = [];
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const p = v4.slice(1).map(Number);
    if (p.some((x) => x > 255)) return null;
    tail.push((p[0] << 8) | p[1], (p[2] << 8) | p[3]);
    text = text.slice(0, -v4[0].length) + "0:0";
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(":") : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = halves.length === 2 ? 8 - head.length - rest.length : 0;
  if (fill < 0) return null;
  const groups = [...head, ...Array<string>(fill).fill("0"), ...rest];
  if (groups.length !== 8 || groups.some((g) => !/^[0-9a-f]{1,4}$/.test(g))) return null;
  const nums = groups.map((g) => parseInt(g, 16));
  if (tail.length) nums.splice(6, 2, ...tail);
  const out = new Uint8Array(16);
  nums.forEach((g, i) => { out[2 * i] = g >> 8; out[2 * i + 1] = g & 0xff; });
  return out;
}

export function createHostMap(opts: HostMapOptions = {}): HostMap {
  const maxEntries = Math.max(1, opts.maxEntries ?? 20000);
  const ttlFloorMs = Math.max(0, opts.ttlFloorMs ?? 5 * 60_000);
  /** Insertion order is recency order: a touched entry is deleted and re-inserted. */
  const entries = new Map<string, Entry>();
  const byIp = new Map<string, Set<string>>();
  let clock = 0;

  function put(e: Omit<Entry, "key">): void {
    const key = `${e.source}|${e.ip}|${e.port ?? ""}|${e.host}|${e.pid ?? ""}`;
    entries.delete(key);
    entries.set(key, { ...e, key });
    let set = byIp.get(e.ip);
    if (!set) byIp.set(e.ip, (set = new Set()));
    set.add(key);
    if (e.ts > clock) clock = e.ts;
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value as string;
      drop(oldest);
    }
  }

  function drop(key: string): void {
    const e = entries.get(key);
    if (!e) return;
    entries.delete(key);
    const set = byIp.get(e.ip);
    set?.delete(key);
    if (set && set.size === 0) byIp.delete(e.ip);
  }

  function learnDns(name: string, answers: ReadonlyArray<HostAnswer | string>, ts: number, pid?: number | null): void {
    const asked = normalizeHost(name);
    if (!asked) return;
    const list: HostAnswer[] = answers.map((a) =>
      typeof a === "string" ? { name: asked, type: a.includes(":") ? "AAAA" : "A", data: a, ttl: 0 } : a,
    );
    const chain = chainNames(asked, list);
    for (const a of list) {
      if (a.type !== "A" && a.type !== "AAAA") continue;
      const owner = normalizeHost(a.name);
      // An address for a name the chain reaches belongs to the name the program asked for.
      const host = chain.has(owner) ? asked : owner;
      if (!host || !a.data) continue;
      const ttlMs = Math.max((a.ttl ?? 0) * 1000, ttlFloorMs);
      put({ ip: normalizeIp(a.data), port: null, host, source: "dns", pid: pid ?? null, ts, expires: ts + ttlMs });
    }
  }

  function learnAt(source: HostSource) {
    return (ip: string, port: number, host: string, ts: number, pid?: number | null): void => {
      const h = normalizeHost(host);
      if (!h) return;
      put({ ip: normalizeIp(ip), port, host: h, source, pid: pid ?? null, ts, expires: Number.POSITIVE_INFINITY });
    };
  }
  const learnSni = learnAt("sni");
  const learnProxy = learnAt("proxy");
  const learnSentinel = learnAt("sentinel");

  function rank(e: Entry, port: number | null, pid: number | null, at: number): number {
    const samePort = port !== null && e.port === port;
    const samePid = pid !== null && e.pid === pid;
    // SNI is a fact about one connection: one seen at or after this connect is most likely its
    // own; one seen before belongs to an earlier connection, and one address can serve many
    // names (CDNs), so a fresh DNS answer (whose asker a wire capture may not know) is better
    // evidence then. The proxy's word is about requests made through it: it never names a
    // connection that did not go through it (one that bypassed it, under --jail say).
    if (e.source === "sni" && samePort) return e.ts >= at - 1 ? 100 : 68;
    if (e.source === "sentinel" && samePort) return samePid || e.pid === null || pid === null ? 90 : 85;
    if (e.source === "proxy") return samePort && (samePid || e.pid === null) && e.ts >= at - 1 ? 90 : -1;
    if (e.source === "dns") {
      const fresh = e.expires >= at;
      if (samePid) return fresh ? 80 : 60;
      return fresh ? 70 : 50;
    }
    return 40; // a name seen for this ip on another port
  }

  function lookup(ip: string, port?: number | null, pid?: number | null, at?: number): HostLookup | null {
    const set = byIp.get(normalizeIp(ip));
    if (!set || set.size === 0) return null;
    const now = at ?? clock;
    let best: Entry | null = null;
    let bestRank = -1;
    for (const key of set) {
      const e = entries.get(key);
      if (!e) continue;
      const r = rank(e, port ?? null, pid ?? null, now);
      if (r > bestRank || (r === bestRank && best !== null && e.ts >= best.ts)) {
        best = e;
        bestRank = r;
      }
    }
    if (!best) return null;
    entries.delete(best.key); // touch: most recently used
    entries.set(best.key, best);
    return { host: best.host, source: best.source };
  }

  return {
    learnDns,
    learnSni,
    learnProxy,
    learnSentinel,
    lookup,
    get size() { return entries.size; },
    clear() { entries.clear(); byIp.clear(); clock = 0; },
  };
}

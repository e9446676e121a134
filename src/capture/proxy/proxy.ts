// TrustRun's local proxy: HTTP forward proxy + CONNECT, with TLS interception for the
// headers/full capture levels. Every request is judged by the policy BEFORE anything is sent
// upstream: a blocked request gets a 403 naming the rule and the server never sees it.
// One request per upstream connection (Connection: close both ways) keeps framing simple and
// makes it impossible to pipeline a second, unjudged request behind an allowed one.
import { unrefSleep } from "../../core/timeout.ts";
import net from "node:net";
import tls from "node:tls";
import { lookup } from "node:dns/promises";
import { Duplex } from "node:stream";
import { existsSync, unlinkSync } from "node:fs";
import type { CaptureLevel, Decision, HttpFacts } from "../../core/types.ts";
import { needsRequestFacts, type CompiledPolicy } from "../../policy/types.ts";
import { evaluate } from "../../policy/evaluate.ts";
import { redactHeaders, redactText } from "../../core/redact.ts";
import {
  clientResponseHead, headerRecord, headerValue, isWebSocketUpgrade, parseAuthority, parseRequestHead, parseResponseHead,
  requestDestination, requestFraming, responseFraming, upstreamRequestHead, wantsClose, type Framing, type RequestHead,
} from "./http-head.ts";
import { createChunkedDecoder } from "./chunked.ts";
import { createReader, writeAll, type StreamReader } from "./stream-reader.ts";
import { createBodyCapture, DEFAULT_BODY_CAP, renderBody } from "./body.ts";
import type { LeafIssuer } from "./x509.ts";
import { pidForClient } from "./client-pid.ts";
import { tenantFacts } from "./tenant.ts";
import { inspectClientHello } from "../tls.ts";
import { hostLabelsMatch, normalizeHost, patternLabels } from "../../policy/hostname.ts";
import { tunnelThrough, type UpstreamProxy } from "./upstream-proxy.ts";

export interface ProxyRecord {
  ts: number;
  /** Client pid; null when it could not be found (see ProxyOptions.fallbackPid). */
  pid: number | null;
  host: string;
  ip: string | null;
  port: number;
  /** intercept: TLS opened and judged per request; plain: HTTP; passthrough: tunnel judged by host only. */
  mode: "intercept" | "plain" | "passthrough";
  http?: HttpFacts;
  decision: Decision;
  /** Refused by the proxy (403 or refused CONNECT): nothing reached the server. */
  refused: boolean;
  /** The decision is a learning-mode answer (ProxyOptions.ask), given before anything was sent. */
  asked?: boolean;
  error?: string;
}

export interface ProxyOptions {
  level: CaptureLevel;
  policy: CompiledPolicy;
  /** Needed for headers/full (TLS interception). */
  issuer?: LeafIssuer;
  /** Hosts never intercepted (pinned certificates, or not to be inspected). */
  passthrough?: (host: string) => boolean;
  onRecord: (rec: ProxyRecord) => void;
  onWarning?: (message: string) => void;
  /** Trust for upstream TLS (PEM strings); default: the runtime's roots. */
  upstreamCa?: string[];
  bodyCap?: number;
  /** Pids to search first when attributing a client (the target's tree). */
  candidates?: () => number[];
  /** The proxy this one goes out through, per destination (the user's HTTPS_PROXY/HTTP_PROXY), or null for direct. */
  upstreamProxy?: (host: string, tls: boolean) => UpstreamProxy | null;
  /** A decision that replaces the policy's for a destination (answers given in learning mode). */
  override?: (host: string, ip: string | null, port: number) => Decision | null;
  /**
   * Learning mode: asked when a decision is `prompt`. The request (or a tunnel judged by host only)
   * waits for the answer, so nothing reaches the destination before a person has said yes; the
   * answer holds for the rest of that client connection. Without it, `prompt` is forwarded.
   */
  ask?: (q: { pid: number | null; host: string; ip: string | null; port: number }) => Promise<Decision>;
  /** Also listen on this unix socket (the --jail relay connects here). */
  unixPath?: string;
  host?: string;
  port?: number;
  connectTimeoutMs?: number;
  /** How a hostname becomes an address; default the system resolver. */
  resolve?: (host: string) => Promise<string | null>;
}

export interface ProxyServer {
  port: number;
  url: string;
  unixPath: string | null;
  stats(): { connections: number; requests: number; refused: number; errors: number };
  close(): Promise<void>;
}

const MAX_CLIENTS = 1024;

function isIpLiteral(host: string): boolean {
  return net.isIP(host) !== 0;
}

async function defaultResolve(host: string): Promise<string | null> {
  if (isIpLiteral(host)) return host;
  try {
    return (await lookup(host)).address;
  } catch {
    return null;
  }
}

function blocking(d: Decision): boolean {
  return d.verdict === "block" || d.verdict === "kill";
}

export function refusalText(d: Decision): string {
  return `blocked by TrustRun policy: rule ${d.rule ?? "default"}\n${d.reason}\n`;
}

function simpleResponse(status: number, reason: string, body: string, extra = ""): string {
  const bytes = Buffer.byteLength(body);
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${bytes}\r\nConnection: close\r\nX-TrustRun: ${status === 403 ? "blocked" : "error"}\r\n${extra}\r\n${body}`;
}

/** A Duplex over a socket that first yields bytes already read from it (TLS wraps this). */
function replayDuplex(sock: net.Socket, buffered: Buffer[]): Duplex {
  const d = new Duplex({
    read() {
      sock.resume();
    },
    write(chunk, _enc, cb) {
      sock.write(chunk, cb);
    },
    final(cb) {
      sock.end();
      cb();
    },
    destroy(err, cb) {
      sock.destroy();
      cb(err);
    },
  });
  for (const b of buffered) d.push(b);
  sock.on("data", (c) => {
    if (!d.push(c)) sock.pause();
  });
  sock.on("end", () => d.push(null));
  sock.on("error", (e) => d.destroy(e));
  sock.resume();
  return d;
}

/** Whether some allow rule needs the method or path: then a host-level default cannot refuse a tunnel. */
/** Whether a deny rule with a method or path matcher could apply to host (rules without host matchers count). */
export function httpDenyApplies(policy: CompiledPolicy, host: string): boolean {
  const labels = normalizeHost(host)?.split(".") ?? null;
  return policy.rules.some((r) => r.kind === "deny" && needsRequestFacts(r) &&
    (!r.hosts || (labels !== null && r.hosts.some((p) => hostLabelsMatch(patternLabels(p), labels)))));
}

function hasHttpAllowRules(policy: CompiledPolicy): boolean {
  return policy.rules.some((r) => r.kind === "allow" && needsRequestFacts(r));
}

export async function startProxy(opts: ProxyOptions): Promise<ProxyServer> {
  const resolve = opts.resolve ?? defaultResolve;
  const intercepting = opts.level !== "metadata";
  if (intercepting && !opts.issuer) throw new Error(`capture level ${opts.level} needs the TrustRun CA`);
  const bodyCap = opts.bodyCap ?? DEFAULT_BODY_CAP;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 10000;
  const httpAllow = hasHttpAllowRules(opts.policy);
  const pinned = new Set<string>();
  const sockets = new Set<net.Socket>();
  const stats = { connections: 0, requests: 0, refused: 0, errors: 0 };
  let listenPort = 0;
  let closed = false;

  function record(rec: ProxyRecord): void {
    if (rec.refused) stats.refused++;
    if (rec.error) stats.errors++;
    try {
      opts.onRecord(rec);
    } catch (err) {
      opts.onWarning?.(`proxy: recording failed: ${(err as Error).message}`);
    }
  }

  async function connectUpstream(host: string, ip: string | null, port: number, useTls: boolean): Promise<net.Socket> {
    const via = opts.upstreamProxy?.(host, useTls) ?? null;
    const raw = via ? await tunnelThrough(via, host, port, connectTimeoutMs) : null;
    return new Promise((resolveSock, reject) => {
      const addr = ip ?? host;
      const tlsOptions = {
        servername: isIpLiteral(host) ? undefined : host, ALPNProtocols: ["http/1.1"],
        ...(opts.upstreamCa ? { ca: opts.upstreamCa } : {}),
      };
      const sock = useTls
        ? tls.connect(raw ? { socket: raw, ...tlsOptions } : { host: addr, port, ...tlsOptions })
        : raw ?? net.connect({ host: addr, port });
      if (raw && !useTls) return resolveSock(raw);
      const timer = setTimeout(() => {
        sock.destroy();
        reject(Object.assign(new Error(`${host}:${port} did not answer within ${connectTimeoutMs} ms`), { timeout: true }));
      }, connectTimeoutMs);
      sock.once(useTls ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        sock.off("error", onError);
        resolveSock(sock);
      });
      const onError = (err: Error) => {
        clearTimeout(timer);
        raw?.destroy();
        reject(err);
      };
      sock.once("error", onError);
    });
  }

  async function forwardBody(from: StreamReader, to: Duplex | null, framing: Framing, capture?: ReturnType<typeof createBodyCapture>): Promise<{ bytes: number; ok: boolean }> {
    if (framing.kind === "none") return { bytes: 0, ok: true };
    let bytes = 0;
    const decoder = framing.kind === "chunked" ? createChunkedDecoder() : null;
    let left = framing.kind === "length" ? framing.length : Infinity;
    for (;;) {
      const chunk = await from.read();
      if (!chunk) return { bytes, ok: framing.kind === "close" };
      let part = chunk;
      if (decoder) {
        const step = decoder.push(chunk);
        if (step.error) return { bytes, ok: false };
        part = chunk.subarray(0, step.consumed);
        for (const d of step.data) capture?.add(d);
        if (step.consumed < chunk.length) from.unshift(chunk.subarray(step.consumed));
      } else if (framing.kind === "length") {
        part = chunk.subarray(0, Math.min(chunk.length, left));
        left -= part.length;
        if (part.length < chunk.length) from.unshift(chunk.subarray(part.length));
        capture?.add(part);
      } else {
        capture?.add(part);
      }
      bytes += part.length;
      if (to && !(await writeAll(to, part))) return { bytes, ok: false };
      if ((decoder && decoder.done) || left === 0) return { bytes, ok: true };
    }
  }

  interface Tunnel {
    host: string;
    port: number;
    ip: string | null;
    tls: boolean;
  }

  /** A `prompt` decision answered through opts.ask (never throws: a failed question is an alert). */
  async function answered(decision: Decision, q: { pid: number | null; host: string; ip: string | null; port: number }): Promise<{ decision: Decision; asked: boolean }> {
    if (decision.verdict !== "prompt" || !opts.ask) return { decision, asked: false };
    try {
      return { decision: await opts.ask(q), asked: true };
    } catch (err) {
      return { decision: { verdict: "alert", rule: null, reason: `learning: the question failed (${(err as Error)?.message ?? err}); recorded as an alert` }, asked: true };
    }
  }

  // Idle upstream connections, reused for later requests to the same destination.
  interface Pooled { sock: net.Socket; reader: StreamReader; timer: ReturnType<typeof setTimeout> }
  const pool = new Map<string, Pooled[]>();
  const watched = new WeakSet<net.Socket>();
  const poolKey = (host: string, ip: string | null, port: number, useTls: boolean) => `${useTls ? "tls" : "tcp"}|${host}|${ip ?? ""}|${port}`;

  function takePooled(key: string): Pooled | null {
    const list = pool.get(key);
    while (list?.length) {
      const p = list.pop()!;
      clearTimeout(p.timer);
      if (!p.sock.destroyed && !p.reader.ended) return p;
    }
    return null;
  }

  function putPooled(key: string, p: { sock: net.Socket; reader: StreamReader }): void {
    const list = pool.get(key) ?? [];
    if (list.length >= 8 || closed) {
      p.sock.destroy();
      return;
    }
    const entry: Pooled = { ...p, timer: setTimeout(() => p.sock.destroy(), 30000) };
    entry.timer.unref?.(); // an idle connection never keeps TrustRun running
    if (!watched.has(p.sock)) {
      // Once per socket: a closed idle connection leaves the pool (takePooled skips it too).
      watched.add(p.sock);
      p.sock.once("close", () => {
        const l = pool.get(key);
        const i = l ? l.findIndex((x) => x.sock === p.sock) : -1;
        if (i >= 0) l!.splice(i, 1);
      });
    }
    list.push(entry);
    pool.set(key, list);
  }

  /**
   * One request from `client`: judge, forward, capture. Returns whether the client connection
   * can carry another request (each later request is parsed and judged the same way).
   */
  async function handleRequest(client: Duplex, reader: StreamReader, head: RequestHead, tunnel: Tunnel | null, pid: number | null, answers: Map<string, Decision>): Promise<boolean> {
    const ts = Date.now();
    const started = performance.now();
    stats.requests++;
    const mode: ProxyRecord["mode"] = tunnel?.tls ? "intercept" : "plain";
    const dest = requestDestination(head, tunnel ? { host: tunnel.host, port: tunnel.port, tls: tunnel.tls } : null);
    const framing = requestFraming(head);
    if (!dest || !framing) {
      await writeAll(client, simpleResponse(400, "Bad Request", !dest ? "TrustRun proxy: unsupported request target\n" : "TrustRun proxy: ambiguous message framing refused\n"));
      return false;
    }
    const named = headerValue(head.headers, "host");
    const target = tunnel ?? dest;
    if (named !== undefined && parseAuthority(named, target.port)?.host !== target.host) {
      // A Host other than the one judged (the tunnel's, or an absolute-form target's) could reach
      // another tenant behind the same front (domain fronting): it is never forwarded.
      await writeAll(client, simpleResponse(421, "Misdirected Request", `TrustRun proxy: Host ${JSON.stringify(named.slice(0, 100))} does not match ${tunnel ? "the tunnel to" : "the request's target"} ${target.host}\n`));
      return false;
    }
    const ip = tunnel ? tunnel.ip : await resolve(dest.host);
    const tenant = tenantFacts(dest.host, dest.path, head.headers);
    const judged = opts.override?.(dest.host, ip, dest.port)
      ?? evaluate({ host: dest.host, ip, port: dest.port, proto: "tcp", http: { method: head.method, path: dest.path, ...(tenant ? { tenant } : {}) } }, opts.policy);
    let decision = judged;
    let asked = false;
    // A learning-mode answer holds for the rest of this client connection, per destination.
    const answerKey = `${dest.host}:${dest.port}`;
    const earlier = judged.verdict === "prompt" ? answers.get(answerKey) : undefined;
    if (earlier) {
      decision = earlier;
      asked = true; // an answer, given earlier on this connection: the session must not ask again
    } else if (judged.verdict === "prompt") {
      ({ decision, asked } = await answered(judged, { pid, host: dest.host, ip, port: dest.port }));
      if (asked) answers.set(answerKey, decision);
    }
    const http: HttpFacts = {
      method: head.method,
      path: redactText(dest.path),
      headers: redactHeaders(headerRecord(head.headers)),
      ...(tenant ? { tenant } : {}),
    };
    const base = { ts, pid, host: dest.host, ip, port: dest.port, mode, decision, ...(asked ? { asked } : {}) };
    if (blocking(decision)) {
      await writeAll(client, simpleResponse(403, "Forbidden", refusalText(decision)));
      record({ ...base, http: { ...http, status: 403, durationMs: Math.round(performance.now() - started) }, refused: true });
      return false;
    }
    const key = poolKey(dest.host, ip, dest.port, dest.tls);
    // A WebSocket handshake was judged like any request; after its 101 the bytes are relayed as
    // they are (frames are not inspected), on a connection of its own.
    const websocket = isWebSocketUpgrade(head.headers);
    let reused = websocket ? null : takePooled(key);
    let upstream: net.Socket;
    let up: StreamReader;
    if (reused) {
      upstream = reused.sock;
      up = reused.reader;
    } else {
      try {
        upstream = await connectUpstream(dest.host, ip, dest.port, dest.tls);
      } catch (err) {
        const e = err as Error & { timeout?: boolean; code?: string };
        const status = e.timeout ? 504 : 502;
        const why = ip === null && !isIpLiteral(dest.host) ? `cannot resolve ${dest.host}` : e.message;
        await writeAll(client, simpleResponse(status, e.timeout ? "Gateway Timeout" : "Bad Gateway", `TrustRun proxy: ${why}\n`));
        record({ ...base, http: { ...http, status, durationMs: Math.round(performance.now() - started) }, refused: false, error: why });
        return false;
      }
      up = createReader(upstream);
    }
    sockets.add(upstream);
    const full = opts.level === "full";
    const reqBody = full ? createBodyCapture(bodyCap) : undefined;
    const resBody = full ? createBodyCapture(bodyCap) : undefined;
    let requestBytes = 0;
    let responseBytes = 0;
    let status: number | undefined;
    let responseHeaders: Record<string, string> | undefined;
    let resHeadList: RequestHead["headers"] = [];
    let error: string | undefined;
    let keepUpstream = false;
    let keepClient = false;
    let upgraded = false;
    const clientCloses = wantsClose(head.version, head.headers);
    try {
      const hostHeader = headerValue(head.headers, "host") ?? (dest.port === (dest.tls ? 443 : 80) ? dest.host : `${dest.host}:${dest.port}`);
      await writeAll(upstream, upstreamRequestHead(head, dest.path, hostHeader, false, websocket));
      let sent = { bytes: 0, ok: true };
      const sending = forwardBody(reader, upstream, framing, reqBody).then((r) => (sent = r));
      for (let interim = 0; interim < 10; interim++) {
        let got = await up.readHead();
        if (got === null && reused && interim === 0 && framing.kind === "none") {
          // The idle connection was closed by the server meanwhile: once more on a fresh one.
          upstream.destroy();
          sockets.delete(upstream);
          upstream = await connectUpstream(dest.host, ip, dest.port, dest.tls);
          sockets.add(upstream);
          up = createReader(upstream);
          reused = null;
          await writeAll(upstream, upstreamRequestHead(head, dest.path, hostHeader));
          got = await up.readHead();
        }
        if (got === null || got === "too-large") {
          error ??= got === null ? "the server closed without a response" : "response head too large";
          break;
        }
        const rh = parseResponseHead(got.head);
        if (!rh) {
          error ??= "malformed response head";
          break;
        }
        up.unshift(got.rest);
        if (rh.status === 101) {
          // Only the switch the client asked for: anything else is not a protocol we can relay.
          if (!websocket || !isWebSocketUpgrade(rh.headers)) {
            error ??= "the server switched protocols without a WebSocket upgrade";
            break;
          }
          await writeAll(client, clientResponseHead(rh, false, true));
          status = 101;
          responseHeaders = redactHeaders(headerRecord(rh.headers));
          upgraded = true;
          break;
        }
        const interimOnly = rh.status >= 100 && rh.status < 200;
        const resFraming = responseFraming(rh, head.method);
        const canKeep = !interimOnly && !clientCloses && resFraming.kind !== "close";
        await writeAll(client, clientResponseHead(rh, interimOnly || canKeep));
        if (interimOnly) continue; // 100 Continue: the real one follows
        status = rh.status;
        resHeadList = rh.headers;
        responseHeaders = redactHeaders(headerRecord(rh.headers));
        const r = await forwardBody(up, client, resFraming, resBody);
        responseBytes = r.bytes;
        if (!r.ok) error ??= "response body ended early or was malformed";
        keepUpstream = r.ok && resFraming.kind !== "close" && !wantsClose(rh.version, rh.headers);
        keepClient = r.ok && canKeep;
        break;
      }
      if (status === undefined && !error) error = "no final response";
      if (status === undefined) await writeAll(client, simpleResponse(502, "Bad Gateway", `TrustRun proxy: ${error}\n`));
      // The body must be fully sent before the connection carries anything else.
      await Promise.race([sending, unrefSleep(keepUpstream || keepClient ? 5000 : 50)]);
      requestBytes = sent.bytes;
      if (!sent.ok) {
        error ??= "request body ended early or was malformed";
        keepUpstream = keepClient = false;
      }
    } catch (err) {
      error = (err as Error).message;
      keepUpstream = keepClient = false;
    } finally {
      if (!upgraded || error) {
        upgraded = false;
        sockets.delete(upstream);
        if (keepUpstream && !error) putPooled(key, { sock: upstream, reader: up });
        else upstream.destroy();
      }
    }
    const facts: HttpFacts = {
      ...http, ...(status !== undefined ? { status } : {}), ...(responseHeaders ? { responseHeaders } : {}),
      durationMs: Math.round((performance.now() - started) * 10) / 10, requestBytes, responseBytes,
    };
    if (full) {
      facts.body = {
        request: renderBody(reqBody!.bytes(), reqBody!.size, reqBody!.truncated, head.headers),
        response: renderBody(resBody!.bytes(), resBody!.size, resBody!.truncated, resHeadList),
      };
    }
    record({ ...base, http: facts, refused: false, ...(error ? { error } : {}) });
    if (upgraded) {
      // Both directions as they are, until either side closes.
      await splice(client, upstream, reader.detach(), up.detach());
      return false;
    }
    return keepClient && !error;
  }

  /** Requests on one client connection (or tunnel), one after another, until one closes it. */
  async function serveRequests(client: Duplex, reader: StreamReader, first: RequestHead, tunnel: Tunnel | null, pid: number | null): Promise<void> {
    let head: RequestHead | null = first;
    const answers = new Map<string, Decision>();
    for (let i = 0; i < 100_000 && head; i++) {
      if (!(await handleRequest(client, reader, head, tunnel, pid, answers))) break;
      const got = await reader.readHead();
      if (got === null) break;
      if (got === "too-large") {
        await writeAll(client, simpleResponse(431, "Request Header Fields Too Large", "TrustRun proxy: request head too large\n"));
        break;
      }
      reader.unshift(got.rest);
      head = parseRequestHead(got.head);
      if (!head) await writeAll(client, simpleResponse(400, "Bad Request", "TrustRun proxy: malformed request\n"));
    }
    client.end();
  }

  async function rawTunnel(client: net.Socket, buffered: Buffer[], host: string, ip: string | null, port: number): Promise<string | null> {
    let upstream: net.Socket;
    try {
      upstream = await connectUpstream(host, ip, port, false);
    } catch (err) {
      client.destroy();
      return (err as Error).message;
    }
    void splice(client, upstream, buffered);
    return null;
  }

  /** Joins two sockets byte for byte (what either side sent already goes first); either end closing closes both, and then it resolves. */
  function splice(client: Duplex, upstream: net.Socket, toUpstream: Buffer[], toClient: Buffer[] = []): Promise<void> {
    sockets.add(upstream);
    return new Promise((resolve) => {
      let finished = false;
      const done = () => {
        if (finished) return;
        finished = true;
        client.destroy();
        upstream.destroy();
        sockets.delete(upstream);
        resolve();
      };
      for (const sock of [client, upstream]) {
        sock.on("close", done);
        sock.on("error", done);
      }
      for (const b of toClient) client.write(b);
      for (const b of toUpstream) upstream.write(b);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
      upstream.resume();
    });
  }

  async function handleConnect(client: net.Socket, reader: StreamReader, head: RequestHead, pid: number | null): Promise<void> {
    const ts = Date.now();
    const auth = parseAuthority(head.target, 443);
    if (!auth) {
      await writeAll(client, simpleResponse(400, "Bad Request", "TrustRun proxy: malformed CONNECT target\n"));
      client.end();
      return;
    }
    const { host, port } = auth;
    const ip = await resolve(host);
    const passthrough = !intercepting || pinned.has(host) || (opts.passthrough?.(host) ?? false);
    let decision = opts.override?.(host, ip, port) ?? evaluate({ host, ip, port, proto: "tcp" }, opts.policy);
    // A tunnel judged by host only asks now; an intercepted one asks per request (or below, for
    // bytes that are neither TLS nor HTTP).
    let asked = false;
    if (passthrough) ({ decision, asked } = await answered(decision, { pid, host, ip, port }));
    const how = asked ? { asked } : {};
    // An intercepted tunnel is judged again per request; only a deny rule, or a default with no
    // path-level allow that could still apply, refuses the tunnel itself.
    if (blocking(decision) && (passthrough || decision.rule !== null || !httpAllow)) {
      await writeAll(client, simpleResponse(403, "Forbidden", refusalText(decision)));
      client.end();
      record({ ts, pid, host, ip, port, mode: passthrough ? "passthrough" : "intercept", decision, refused: true, ...how });
      return;
    }
    // Inspection is what enforces method/path deny rules: a tunnel that would skip them is refused
    // (fail closed) rather than passed through, whether pinned or named with --passthrough.
    if (passthrough && intercepting && httpDenyApplies(opts.policy, host)) {
      const closed: Decision = { verdict: "block", rule: null, reason: `${host} must be inspected: the policy has method/path deny rules for it, and the client refuses TrustRun's certificate or the host is set to pass through` };
      await writeAll(client, simpleResponse(403, "Forbidden", refusalText(closed)));
      client.end();
      record({ ts, pid, host, ip, port, mode: "passthrough", decision: closed, refused: true });
      return;
    }
    // Behind an upstream proxy the name may only resolve there.
    if (ip === null && !opts.upstreamProxy?.(host, true)) {
      await writeAll(client, simpleResponse(502, "Bad Gateway", `TrustRun proxy: cannot resolve ${host}\n`));
      client.end();
      record({ ts, pid, host, ip, port, mode: passthrough ? "passthrough" : "intercept", decision, refused: false, error: `cannot resolve ${host}`, ...how });
      return;
    }
    if (passthrough) {
      // Connect first so a dead destination is a 502/504 answer, not an accepted tunnel that hangs.
      let upstream: net.Socket;
      try {
        upstream = await connectUpstream(host, ip, port, false);
      } catch (err) {
        const e = err as Error & { timeout?: boolean };
        await writeAll(client, simpleResponse(e.timeout ? 504 : 502, e.timeout ? "Gateway Timeout" : "Bad Gateway", `TrustRun proxy: ${e.message}\n`));
        client.end();
        record({ ts, pid, host, ip, port, mode: "passthrough", decision, refused: false, error: e.message, ...how });
        return;
      }
      await writeAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
      void splice(client, upstream, reader.detach());
      record({ ts, pid, host, ip, port, mode: "passthrough", decision, refused: false, ...how });
      return;
    }
    await writeAll(client, "HTTP/1.1 200 Connection established\r\n\r\n");
    let first = await reader.read();
    if (!first) return;
    // A TLS client: read its whole ClientHello first (bounded), so that a genuine client refusing
    // our certificate can be told from garbage, which must never switch a host to pass-through.
    let hello = inspectClientHello(first);
    for (let i = 0; i < 16 && hello.state === "need-more" && first.length < 65536; i++) {
      const more = await reader.read();
      if (!more) break;
      first = Buffer.concat([first, more]);
      hello = inspectClientHello(first);
    }
    reader.unshift(first);
    if (first[0] === 0x16) {
      if (hello.state !== "complete" || !hello.hello) {
        client.destroy(); // not a ClientHello we can answer
        return;
      }
      const buffered = reader.detach();
      const secure = new tls.TLSSocket(replayDuplex(client, buffered) as unknown as net.Socket, {
        isServer: true,
        secureContext: tls.createSecureContext({ key: opts.issuer!.keyPem, cert: opts.issuer!.certFor(host) }),
        ALPNProtocols: ["http/1.1"],
      });
      let established = false;
      secure.on("error", (err) => {
        if (!established && !pinned.has(host)) {
          // The client refused our certificate: treat the host as pinned from now on.
          pinned.add(host);
          opts.onWarning?.(`proxy: the client rejected TrustRun's certificate for ${host} (${err.message}); later connections to it pass through uninspected`);
        }
        secure.destroy();
      });
      secure.on("secure", async () => {
        established = true;
        const r = createReader(secure);
        const rq = await readFirstRequest(secure, r);
        if (rq) await serveRequests(secure, r, rq, { host, port, ip, tls: true }, pid);
      });
      return;
    }
    if (/[A-Z]/.test(String.fromCharCode(first[0]!))) {
      const got = await reader.readHead();
      const rq = got && got !== "too-large" ? parseRequestHead(got.head) : null;
      if (!got || got === "too-large" || !rq) return void client.destroy();
      reader.unshift(got.rest);
      await serveRequests(client, reader, rq, { host, port, ip, tls: false }, pid);
      return;
    }
    // Neither TLS nor HTTP: judged by host only, like a pass-through tunnel.
    ({ decision, asked } = await answered(decision, { pid, host, ip, port }));
    if (blocking(decision)) {
      client.destroy(); // the tunnel is open already: no 403 can be said in a protocol we do not know
      record({ ts, pid, host, ip, port, mode: "passthrough", decision, refused: true, ...(asked ? { asked } : {}) });
      return;
    }
    const err = await rawTunnel(client, reader.detach(), host, ip, port);
    record({ ts, pid, host, ip, port, mode: "passthrough", decision, refused: false, ...(asked ? { asked } : {}), ...(err ? { error: err } : {}) });
  }

  /** The first request head on a connection; answers 431/400 itself (or drops the socket) and returns null. */
  async function readFirstRequest(socket: net.Socket | tls.TLSSocket, reader: ReturnType<typeof createReader>) {
    const got = await reader.readHead();
    if (got === null) {
      socket.destroy();
      return null;
    }
    if (got === "too-large") {
      await writeAll(socket, simpleResponse(431, "Request Header Fields Too Large", "TrustRun proxy: request head too large\n"));
      socket.end();
      return null;
    }
    const head = parseRequestHead(got.head);
    reader.unshift(got.rest);
    if (!head) {
      await writeAll(socket, simpleResponse(400, "Bad Request", "TrustRun proxy: malformed request\n"));
      socket.end();
      return null;
    }
    return head;
  }

  async function handleClient(client: net.Socket, viaUnix: boolean): Promise<void> {
    stats.connections++;
    const reader = createReader(client);
    let pid: number | null = null;
    if (viaUnix) {
      // The jail relay says which process (in its namespace) the connection came from.
      const line = await reader.readLine(64);
      const m = line ? /^TRUSTRUN-RELAY (\d{1,10})$/.exec(line) : null;
      if (!m) return void client.destroy();
      pid = Number(m[1]) || null;
    } else if (client.remotePort) {
      pid = pidForClient(client.remotePort, listenPort, opts.candidates, { client: client.remoteAddress ?? "127.0.0.1", server: client.localAddress ?? "127.0.0.1" });
    }
    const head = await readFirstRequest(client, reader);
    if (!head) return;
    if (head.method === "CONNECT") return handleConnect(client, reader, head, pid);
    return serveRequests(client, reader, head, null, pid);
  }

  function onConnection(viaUnix: boolean) {
    return (client: net.Socket) => {
      if (sockets.size >= MAX_CLIENTS * 2) {
        client.end(simpleResponse(503, "Service Unavailable", "TrustRun proxy: too many connections\n"));
        return;
      }
      sockets.add(client);
      client.setTimeout(120000, () => client.destroy());
      client.on("error", () => client.destroy());
      client.on("close", () => sockets.delete(client));
      handleClient(client, viaUnix).catch((err) => {
        stats.errors++;
        opts.onWarning?.(`proxy: ${(err as Error).message}`);
        client.destroy();
      });
    };
  }

  const server = net.createServer(onConnection(false));
  await new Promise<void>((res, rej) => {
    server.once("error", rej);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => res());
  });
  listenPort = (server.address() as net.AddressInfo).port;
  let unixServer: net.Server | null = null;
  if (opts.unixPath) {
    if (existsSync(opts.unixPath)) unlinkSync(opts.unixPath);
    unixServer = net.createServer(onConnection(true));
    await new Promise<void>((res, rej) => {
      unixServer!.once("error", rej);
      unixServer!.listen(opts.unixPath, () => res());
    });
  }
  const host = opts.host ?? "127.0.0.1";
  return {
    port: listenPort,
    url: `http://${host}:${listenPort}`,
    unixPath: opts.unixPath ?? null,
    stats: () => ({ ...stats }),
    async close() {
      closed = true;
      for (const list of pool.values()) {
        for (const p of list) {
          clearTimeout(p.timer);
          p.sock.destroy();
        }
      }
      pool.clear();
      for (const s of sockets) s.destroy();
      await Promise.all([server, unixServer].filter(Boolean).map((s) => new Promise<void>((r) => s!.close(() => r()))));
      if (opts.unixPath) {
        try {
          unlinkSync(opts.unixPath);
        } catch {
          /* gone */
        }
      }
    },
  };
}

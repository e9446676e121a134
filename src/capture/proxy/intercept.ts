// What `trustrun run` starts for the headers/full levels and for --jail: the proxy (with the
// TrustRun CA when it intercepts), the target's environment, the jail wrapper, and the link
// that turns every proxied request into an observed connection of the capture session.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { CaptureLevel, Decision, ObservedConnection, Verdict } from "../../core/types.ts";
import type { CompiledPolicy } from "../../policy/types.ts";
import { caPaths, ensureCa, extraCaPem, writeBundle } from "./ca-store.ts";
import { createLeafIssuer } from "./x509.ts";
import { startProxy, type ProxyRecord, type ProxyServer } from "./proxy.ts";
import { proxyEnv } from "./env.ts";
import { jailPlan, jailUnavailable } from "./jail.ts";
import { treePids } from "./client-pid.ts";
import { upstreamProxyChooser } from "./upstream-proxy.ts";
import { normalizeHost, hostLabelsMatch, patternLabels } from "../../policy/hostname.ts";
import { answerDecision, learnedDecision } from "../session.ts";

export interface InterceptionOptions {
  level: CaptureLevel;
  policy: CompiledPolicy;
  jail: boolean;
  /** Host patterns (as in policy rules) never intercepted: pinned clients, or not to be inspected. */
  passthrough: string[];
  /** How to start `trustrun jail relay` (the binary, or bun + entry script in development). */
  relayCommand: string[];
  caDir?: string;
  env: Record<string, string | undefined>;
  isRoot: boolean;
}

export interface SessionLink {
  observe(conn: ObservedConnection, extra?: { enforcedBy?: string; decided?: Decision }): void;
  exempt(ep: { ip: string; port: number }): void;
  learnedVerdict?(host: string | null, ip: string, port: number, proto: "tcp" | "udp"): Verdict | undefined;
  /** Learning mode: asks about a destination now (the proxy holds the request meanwhile). */
  decide?(q: { pid: number | null; host: string; ip: string | null; port: number }): Promise<Decision>;
}

/** Answers given during this session (learning mode) override the policy in the proxy too. */
export function learnedOverride(link: () => SessionLink | null): (host: string, ip: string | null, port: number) => Decision | null {
  return (host, ip, port) => {
    const verdict = link()?.learnedVerdict?.(host, ip ?? "", port, "tcp");
    return verdict ? learnedDecision(verdict) : null;
  };
}

export interface Interception {
  level: CaptureLevel;
  proxy: ProxyServer;
  /** Lines to tell the user (what is intercepted, where the CA is, PHI warning). */
  notes: string[];
  env(base: Record<string, string | undefined>): Record<string, string>;
  /** Wraps the target argv (the jail); identity without --jail. */
  wrap(argv: string[]): string[];
  /** Sends proxied requests to this session; rootPid stands in when the client pid is unknown. */
  bind(session: SessionLink, rootPid: () => number | null, warn?: (message: string) => void): void;
  close(): Promise<void>;
}

export class InterceptionError extends Error {}

export function passthroughMatcher(patterns: string[]): (host: string) => boolean {
  const compiled = patterns.map((p) => patternLabels(normalizeHost(p) ?? p.toLowerCase()));
  return (host) => {
    const h = normalizeHost(host);
    if (!h) return false;
    const labels = h.split(".");
    return compiled.some((p) => hostLabelsMatch(p, labels));
  };
}

export function toObserved(rec: ProxyRecord, fallbackPid: number): ObservedConnection {
  return {
    ts: rec.ts, pid: rec.pid ?? fallbackPid, ppid: null, exe: null, argv: null, proto: "tcp",
    dst: { ip: rec.ip ?? "", port: rec.port }, host: rec.host, hostSource: "proxy", probe: "proxy",
    ...(rec.http ? { http: rec.http } : {}),
  };
}

export async function startInterception(opts: InterceptionOptions): Promise<Interception> {
  if (opts.jail) {
    const why = jailUnavailable(opts.isRoot);
    if (why) throw new InterceptionError(why);
  }
  const intercepting = opts.level !== "metadata";
  const dir = mkdtempSync(join(tmpdir(), "trustrun-proxy-"));
  const notes: string[] = [];
  let bundle: string | null = null;
  let issuer;
  try {
    if (intercepting) {
      const paths = caPaths(opts.caDir);
      const { ca, created } = ensureCa(paths);
      if (created) notes.push(`created the TrustRun CA in ${paths.dir} (see 'trustrun ca show')`);
      issuer = createLeafIssuer(ca);
      // Per session: system CAs + what the user already trusts + TrustRun's CA, so pass-through hosts keep working.
      bundle = join(dir, "ca-bundle.pem");
      writeBundle(bundle, ca.certPem, extraCaPem(opts.env));
    }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new InterceptionError(`cannot prepare TLS interception: ${(err as Error).message}`);
  }
  let link: SessionLink | null = null;
  let rootPid: () => number | null = () => null;
  let warn: (message: string) => void = (m) => notes.push(m);
  const queued: ProxyRecord[] = [];
  const deliver = (rec: ProxyRecord) => {
    if (!link) {
      if (queued.length < 10000) queued.push(rec);
      return;
    }
    const pid = rootPid();
    link.observe(toObserved(rec, pid ?? 0), {
      ...(rec.refused ? { enforcedBy: rec.http ? "refused by the TrustRun proxy (403)" : "CONNECT refused by the TrustRun proxy" } : {}),
      // Asked already while the request waited: the session records the answer, it does not ask again.
      ...(rec.asked ? { decided: rec.decision } : {}),
    });
  };
  const upstreamExtra = extraCaPem(opts.env);
  const upstream = upstreamProxyChooser(opts.env);
  const { rootCertificates } = await import("node:tls");
  let proxy: ProxyServer;
  try {
    proxy = await startProxy({
      level: opts.level,
      policy: opts.policy,
      issuer,
      passthrough: passthroughMatcher(opts.passthrough),
      onRecord: deliver,
      onWarning: (m) => warn(m),
      upstreamCa: upstreamExtra ? [...rootCertificates, upstreamExtra] : undefined,
      unixPath: opts.jail ? join(dir, "proxy.sock") : undefined,
      candidates: () => treePids(rootPid()),
      override: learnedOverride(() => link),
      ask: async (q) => (link?.decide ? link.decide(q) : answerDecision("no-ui", opts.policy.unanswered)),
      upstreamProxy: upstream ?? undefined,
    });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new InterceptionError(`cannot start the proxy: ${(err as Error).message}`);
  }
  notes.push(intercepting
    ? `proxy on ${proxy.url}: HTTPS intercepted with the TrustRun CA, capture level ${opts.level}${opts.passthrough.length ? `; passed through uninspected: ${opts.passthrough.join(", ")}` : ""}`
    : `proxy on ${proxy.url}: tunnels judged by host only (capture level metadata)`);
  if (upstream) notes.push(`the proxy goes out through the proxy in HTTPS_PROXY/HTTP_PROXY (NO_PROXY honoured)`);
  if (opts.level === "full") notes.push("capture level full: request and response bodies (which may contain PHI) are stored, redacted and cut at 64 KiB, in the event database");
  if (opts.jail) notes.push("jail: the command runs in its own network namespace; its only way out is the proxy");
  const jail = opts.jail
    ? jailPlan({
      isRoot: opts.isRoot,
      readyFile: join(dir, "relay.ready"),
      relayArgv: [...opts.relayCommand, "--unix", join(dir, "proxy.sock"), "--port", String(proxy.port), "--ready", join(dir, "relay.ready")],
    })
    : null;
  return {
    level: opts.level,
    proxy,
    notes,
    env(base) {
      return proxyEnv(base, proxy.url, bundle);
    },
    wrap(argv) {
      return jail ? jail.wrap(argv) : argv;
    },
    bind(session, root, onWarn) {
      link = session;
      rootPid = root;
      if (onWarn) warn = onWarn;
      for (const ip of ["127.0.0.1", "::1"]) session.exempt({ ip, port: proxy.port });
      for (const rec of queued.splice(0)) deliver(rec);
    },
    async close() {
      await proxy.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

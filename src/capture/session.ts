import type {
  AlertEvent, ConnectionEvent, Decision, DefaultAction, SignalEvent, DecisionEvent, DnsEvent, Endpoint, HttpFacts, ObservedConnection, PromptAnswer, PromptRequest,
  ProbeStatus, TrustRunEvent, Verdict,
} from "../core/types.ts";
import { needsRequestFacts, type CompiledPolicy } from "../policy/types.ts";
import { evaluate } from "../policy/evaluate.ts";
import { parseDnsMessage } from "./dns.ts";
import { createHostMap } from "./hostmap.ts";
import { createProcessTable } from "./process-table.ts";
import type { Enforcer } from "./enforce/index.ts";
import type { Probe, ProbeSink, ProbeTarget, RawConnect, RawDns } from "./probe.ts";
import { alertFor } from "./alerts.ts";
import { signalAction } from "./signal-policy.ts";
import { pollStep } from "./proc/poller.ts";
import { readProcNetSockets } from "./proc/proc-probe.ts";
import { readParentMap, socketInodes } from "./procinfo/procinfo.ts";
import { redactArgv } from "../core/redact.ts";

export interface CaptureSessionOptions {
  id: string;
  policy: CompiledPolicy;
  probes: Probe[];
  enforcer: Enforcer;
  /** Every event, in order. The caller stores it before showing it. */
  emit: (event: TrustRunEvent) => void;
  /** Learning mode: asks a person. Without it, `prompt` decisions are recorded for review. */
  prompt?: (req: PromptRequest) => Promise<PromptAnswer | "timeout">;
  promptTimeoutMs?: number;
  /** How long a connect waits for the DNS/SNI facts that explain it (pcap runs on its own timer). */
  joinDelayMs?: number;
  onWarning?: (message: string) => void;
}

const severityOf: Record<Verdict, AlertEvent["severity"]> = { allow: "low", alert: "medium", block: "high", kill: "critical" };

/**
 * A connect as queued for judging; the proxy adds what it saw at the HTTP level, and the decision
 * when it already asked (learning mode: the request waited for the answer, which is not asked twice).
 */
type PendingConnect = RawConnect & { host?: string; http?: HttpFacts; enforcedBy?: string; package?: string; decided?: Decision };

/** An "always" answer given earlier in the session, as the decision it stands for. */
export function learnedDecision(verdict: Verdict): Decision {
  return { verdict, rule: "learned (this session)", reason: `answered '${verdict}' earlier in this session` };
}

/**
 * A learning-mode answer as the verdict it stands for. No answer (a timeout, no terminal) gets
 * `unanswered`: the policy's own default (see learningPolicy), an alert when it has none.
 */
export function answerDecision(answer: PromptAnswer | "timeout" | "no-ui", unanswered: DefaultAction = "alert"): Decision {
  if (answer === "timeout" || answer === "no-ui") {
    const verdict: Verdict = unanswered === "allow" || unanswered === "block" || unanswered === "kill" ? unanswered : "alert";
    const why = answer === "no-ui" ? "no terminal to ask on" : "no answer before the timeout";
    return { verdict, rule: null, reason: `learning: ${why}; ${verdict === "alert" ? "recorded as an alert for review" : `the policy default (${verdict}) applies`}` };
  }
  const verdict: Verdict = answer === "allow-once" || answer === "allow-always" ? "allow"
    : answer === "kill" ? "kill"
    : "block";
  return { verdict, rule: null, reason: `learning: answered ${answer}` };
}

/** Joins probe reports into attributed, judged, enforced connection events. */
export function createCaptureSession(opts: CaptureSessionOptions) {
  const processes = createProcessTable();
  const hosts = createHostMap({ maxEntries: 50000 });
  const joinDelayMs = opts.joinDelayMs ?? 25;
  const warned = new Set<string>();
  const destinations = new Set<string>();
  const promptsByDest = new Map<string, Promise<PromptAnswer | "timeout" | "no-ui">>();
  const learnedOnce = new Map<string, Verdict>(); // answers that hold for the whole session
  const queryPid = new Map<string, number>(); // DNS name → pid that asked, to attribute answers
  let pending: PendingConnect[] = [];
  // In-process attribution from the sentinel: (pid, destination) → npm package that made the call.
  const packages = new Map<string, Array<{ ts: number; pkg: string }>>();
  /** The package whose call at or just before `ts` went to this destination: facts are per call. */
  function packageAt(key: string, ts: number): string | undefined {
    const facts = packages.get(key);
    if (!facts?.length) return undefined;
    let best: { ts: number; pkg: string } | undefined;
    for (const f of facts) if (f.ts <= ts + 2 && (!best || f.ts >= best.ts)) best = f;
    return (best ?? facts[0]).pkg;
  }
  const exempt = new Set<string>(); // TrustRun's own endpoints (the proxy): a connect there is not the target's traffic
  let timer: ReturnType<typeof setTimeout> | null = null;
  // Names told to the probes as allowed (their lookups leave decided addresses unheld).
  const allowedNames = new Set<string>();
  // Firewall rules this session added, by address, with the destination (name) each was added for.
  const firewallFor = new Map<string, string>();
  // Deny rules of addresses only, refused by the firewall from the start (preblock()).
  const preblocked = new Set<string>();
  let inFlight = 0;
  // Questions open at once each hold the tree; it runs again when the last is answered.
  let holds = 0;
  const holdTree = (on: boolean) => {
    if (!target) return;
    if (on ? holds++ === 0 : --holds === 0) opts.enforcer.hold(target.rootPid, on);
  };
  let target: ProbeTarget | null = null;
  let connections = 0;
  let violations = 0;
  let stopped = false;
  const recent = new Map<string, { ts: number; probe: string }>(); // when two complete probes see one connect

  function warn(message: string): void {
    if (warned.has(message)) return;
    warned.add(message);
    opts.onWarning?.(message);
  }

  function onDns(ev: RawDns): void {
    let name = ev.name ?? null;
    let answers = ev.answers ?? [];
    let isResponse = answers.length > 0;
    if (ev.payload) {
      const msg = parseDnsMessage(ev.payload);
      if (!msg) return;
      name = msg.questions[0]?.name ?? name;
      isResponse = msg.isResponse;
      answers = msg.answers.filter((a) => a.type === "A" || a.type === "AAAA").map((a) => a.data);
      // An answer seen on the wire (pcap) has no pid: the process that asked is the one it is for.
      const asked = msg.questions[0]?.name ?? "";
      if (isResponse && msg.answers.length) hosts.learnDns(asked, msg.answers, ev.ts, ev.pid ?? queryPid.get(asked.toLowerCase()));
    } else if (name && answers.length) {
      hosts.learnDns(name, answers.map((ip) => ({ name: name!, type: ip.includes(":") ? "AAAA" : "A", data: ip, ttl: 0 })), ev.ts, ev.pid ?? queryPid.get(name.toLowerCase()));
    }
    if (!name) return;
    if (!isResponse) noteLookup(name);
    const key = name.toLowerCase();
    if (!isResponse && ev.pid !== null) {
      queryPid.set(key, ev.pid);
      if (queryPid.size > 10000) queryPid.delete(queryPid.keys().next().value!);
    }
    const dns: DnsEvent = {
      type: "dns", ts: ev.ts, session: opts.id, pid: ev.pid ?? queryPid.get(key) ?? null, name, answers, probe: ev.probe,
    };
    opts.emit(dns);
  }

  /**
   * One address can serve many names (CDNs): the eBPF probe holds decided addresses again after a
   * lookup of a name it was not told is allowed, so a connect meant for a blocked name sharing an
   * allowed name's address is judged before it proceeds. Names the policy allows are told here,
   * so their lookups cost nothing.
   */
  function noteLookup(name: string): void {
    const host = name.toLowerCase().replace(/\.$/, "");
    if (allowedNames.has(host) || allowedNames.size > 10000) return;
    // Judged as HTTPS, by far the usual case: a name allowed only on other ports keeps bumping (the safe side).
    if (evaluate({ host, ip: null, port: 443, proto: "tcp" }, opts.policy).verdict !== "allow") return;
    allowedNames.add(host);
    for (const probe of opts.probes) probe.allowName?.(host);
  }

  /**
   * Deny rules that name only addresses (ip/cidr, ports, proto) with block or kill become firewall
   * rules before the program starts: deny beats allow, so nothing the policy could decide later
   * contradicts them, and traffic no probe can hold (io_uring, TCP Fast Open) is refused too.
   */
  function preblock(): void {
    if (!opts.enforcer.canBlock || opts.enforcer.jailed) return;
    for (const rule of opts.policy.rules) {
      if (rule.kind !== "deny" || (rule.action !== "block" && rule.action !== "kill")) continue;
      if (!rule.cidrs?.length || rule.hosts || needsRequestFacts(rule)) continue;
      let ok = true;
      for (const cidr of rule.cidrs) {
        for (const ports of rule.ports ?? [null]) {
          for (const proto of rule.protos?.length ? rule.protos : [null]) ok = opts.enforcer.blockStatic(cidr, ports, proto) && ok;
        }
      }
      if (ok) preblocked.add(rule.id);
      else warn(`${rule.id}: its firewall rule could not be added before the start; connections it denies are blocked when seen`);
    }
  }

  /**
   * `watch` attaches to a running tree: the probes see what it opens from now on, so what it has
   * open already (a pool of keep-alive connections) is listed once from /proc and judged too.
   */
  function reportExisting(t: ProbeTarget): void {
    try {
      const state = { tracked: new Set([t.rootPid, ...t.initialPids]), seen: new Set<string>() };
      const found = pollStep(state, readParentMap(), socketInodes, readProcNetSockets(t.rootPid));
      const now = Date.now();
      for (const c of found.connects.slice(0, 10_000)) {
        pending.push({ ts: now, pid: c.pid, ppid: c.ppid, proto: c.proto, dst: c.dst, probe: "proc", existing: true });
      }
      if (found.connects.length && !timer) timer = setTimeout(drain, joinDelayMs);
    } catch (err) {
      warn(`listing the connections already open failed: ${(err as Error).message}`);
    }
  }

  /** Adds the firewall rule for a blocked connection and says, truthfully, what it achieved. */
  function enforceBlock(conn: ObservedConnection, key: string, wasHeld: boolean, ruleId: string | null): string {
    const fwKey = `${conn.dst.ip}|${conn.dst.port}|${conn.proto}`;
    const ruleBefore = firewallFor.has(fwKey);
    const done = opts.enforcer.block(conn.dst.ip, conn.dst.port, conn.proto);
    if (!done) {
      // A missing capability was said once at start; a failure of a working one is news.
      if (opts.enforcer.canBlock) warn(`block of ${conn.dst.ip}:${conn.dst.port} failed; recorded as an alert`);
      return "not enforced: recorded as an alert";
    }
    if (opts.enforcer.jailed) return done;
    if (!ruleBefore) firewallFor.set(fwKey, key);
    if (opts.enforcer.inScope(conn.pid) === false) {
      warn(`pid ${conn.pid} left the session's cgroup: the firewall rules, scoped to that cgroup, do not apply to it`);
      return `not enforced for pid ${conn.pid}: it left the session's cgroup, which the firewall rule applies to`;
    }
    if (ruleId && preblocked.has(ruleId)) return `${done}; its rule (${ruleId}) was in place before the program started`;
    if (wasHeld || ruleBefore) return done;
    return `${done}, added after this connection was made (it was not held): what it sent before the rule may have gone out; its later packets and connections are refused`;
  }

  /** An allowed connection to an address the firewall blocks: lift a rule added for this same destination, or say it is refused. */
  function enforceAllow(conn: ObservedConnection, key: string): string | undefined {
    const fwKey = `${conn.dst.ip}|${conn.dst.port}|${conn.proto}`;
    const blockedFor = firewallFor.get(fwKey);
    if (blockedFor === undefined) return undefined;
    if (blockedFor === key) {
      // Blocked once for this very destination (a "deny once" answer): allowed now, the rule goes.
      // This connection met the rule, though: it was refused, and the record says so.
      if (opts.enforcer.unblock(conn.dst.ip, conn.dst.port, conn.proto)) {
        firewallFor.delete(fwKey);
        return "refused: the rule of an earlier 'deny' for it was still in place when it connected; lifted now for its next connections";
      }
      return "refused anyway: the firewall rule added earlier for it could not be removed";
    }
    return `refused anyway: ${conn.dst.ip}:${conn.dst.port} is blocked for ${blockedFor.replace(/:\d+\/\w+$/, "")}, which shares this address (the firewall sees addresses, not names)`;
  }

  const sink: ProbeSink = {
    connect(ev) {
      if (stopped) return;
      if (exempt.has(`${ev.dst.ip}|${ev.dst.port}`)) {
        if (ev.held) opts.probes.find((p) => p.name === ev.probe)?.release?.(ev.pid); // never leave it stopped
        return;
      }
      const key = `${ev.pid}|${ev.dst.ip}|${ev.dst.port}|${ev.proto}`;
      const seen = recent.get(key);
      // Only a report of the same connect by a different probe is a duplicate; one probe's repeats are real.
      if (seen && seen.probe !== ev.probe && Math.abs(seen.ts - ev.ts) < 5 && !ev.held) return;
      recent.set(key, { ts: ev.ts, probe: ev.probe });
      if (recent.size > 4096) recent.clear();
      pending.push(ev);
      if (!timer) timer = setTimeout(drain, joinDelayMs);
    },
    dns: (ev) => {
      try {
        onDns(ev);
      } catch (err) {
        warn(`dns: ${(err as Error).message}`);
      }
    },
    sni(ev) {
      hosts.learnSni(ev.dst.ip, ev.dst.port, ev.host, ev.ts);
    },
    process(ev) {
      processes.observe(ev);
    },
    warn,
  };

  function drain(): void {
    timer = null;
    const batch = pending;
    pending = [];
    for (const ev of batch) {
      inFlight++;
      handleConnect(ev)
        .catch((err) => warn(`connection handling failed: ${(err as Error).message}`))
        .finally(() => inFlight--);
    }
  }

  function destKey(host: string | null, ip: string, port: number, proto: string): string {
    return `${host ?? ip}:${port}/${proto}`;
  }

  async function ask(conn: ObservedConnection, key: string): Promise<PromptAnswer | "timeout" | "no-ui"> {
    const open = promptsByDest.get(key);
    if (open) return open; // one prompt per destination; later connections wait on the same answer
    const timeoutMs = opts.promptTimeoutMs ?? 30000;
    const req: PromptRequest = {
      id: crypto.randomUUID(), ts: Date.now(), session: opts.id, pid: conn.pid, exe: conn.exe, argv: conn.argv,
      proto: conn.proto, dst: conn.dst, host: conn.host, deadline: Date.now() + timeoutMs,
    };
    const answer = (async () => {
      if (!opts.prompt) return "no-ui" as const;
      let timeout: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<"timeout">((resolve) => (timeout = setTimeout(() => resolve("timeout"), timeoutMs)));
      try {
        return await Promise.race([opts.prompt(req), timedOut]);
      } catch {
        return "timeout" as const;
      } finally {
        clearTimeout(timeout);
      }
    })();
    promptsByDest.set(key, answer);
    const result = await answer;
    const ev: DecisionEvent = {
      type: "decision", ts: Date.now(), session: opts.id, prompt: req.id, host: conn.host, dst: conn.dst,
      answer: result, by: result === "timeout" || result === "no-ui" ? "default" : "tui",
    };
    opts.emit(ev);
    if (result === "allow-always" || result === "deny-always" || result === "kill") {
      learnedOnce.set(key, result === "allow-always" ? "allow" : result === "kill" ? "kill" : "block");
    }
    promptsByDest.delete(key);
    return result;
  }

  async function handleConnect(raw: PendingConnect): Promise<void> {
    const proc = processes.lookup(raw.pid, { ppid: raw.ppid, comm: raw.comm, at: raw.ts });
    const known = raw.host ? { host: raw.host, source: raw.probe === "sentinel" ? "sentinel" as const : "proxy" as const } : hosts.lookup(raw.dst.ip, raw.dst.port, raw.pid, raw.ts);
    const conn: ObservedConnection = {
      ts: raw.ts, pid: raw.pid, ppid: proc.ppid ?? raw.ppid ?? null, exe: proc.exe, argv: proc.argv, proto: raw.proto,
      dst: raw.dst, host: known?.host ?? null, hostSource: known?.source ?? null, probe: raw.probe,
    };
    conn.package = raw.package ?? packageAt(`${raw.pid}|${conn.dst.ip}|${conn.dst.port}`, raw.ts)
      ?? (conn.host ? packageAt(`${raw.pid}|host:${conn.host.toLowerCase()}|${conn.dst.port}`, raw.ts) : undefined);
    const key = destKey(conn.host, conn.dst.ip, conn.dst.port, conn.proto);
    const http = raw.http ? { method: raw.http.method, path: raw.http.path, headers: raw.http.headers, ...(raw.http.tenant ? { tenant: raw.http.tenant } : {}) } : undefined;
    let decision = raw.decided ?? evaluate({ host: conn.host, ip: conn.dst.ip, port: conn.dst.port, proto: conn.proto, ...(http ? { http } : {}) }, opts.policy);
    // The tree stays held until the answer is enforced: released earlier, a client retrying
    // during the gap would get through before the firewall rule exists.
    let held = false;
    const sessionAnswer = raw.decided ? undefined : learnedOnce.get(key);
    if (sessionAnswer) {
      decision = learnedDecision(sessionAnswer);
    } else if (decision.verdict === "prompt") {
      held = !raw.held && target !== null && opts.prompt !== undefined;
      if (held) holdTree(true);
      decision = answerDecision(await ask(conn, key), opts.policy.unanswered);
    }
    const verdict: Verdict = decision.verdict === "prompt" ? "alert" : decision.verdict;

    let enforced: string | undefined;
    if (verdict === "block" && raw.enforcedBy) {
      enforced = raw.enforcedBy;
    } else if (verdict === "block") {
      enforced = enforceBlock(conn, key, raw.held === true, decision.rule);
    } else if (verdict === "allow" && !raw.enforcedBy) {
      enforced = enforceAllow(conn, key);
    }
    if (verdict === "kill" && target) {
      enforced = opts.enforcer.killTree(target.rootPid) ?? "not enforced: the tree was already gone";
    }
    const holder = opts.probes.find((p) => p.name === raw.probe);
    // Decided once, not held again: a blocked destination is refused by the firewall from now on,
    // an allowed one until a name not known to be allowed is looked up (see noteLookup).
    if (verdict !== "kill") holder?.allowDestination?.(conn.dst.ip, conn.dst.port);
    if (raw.atSyn) warn(`pid ${raw.pid} opened a TCP connection without connect() (io_uring or TCP Fast Open): it is seen and judged, but cannot be held before its first bytes`);
    // Resumed only after enforcement; a killed process is gone and SIGCONT to it is harmless.
    if (raw.held) holder?.release?.(raw.pid);
    if (held) holdTree(false);

    connections++;
    if (verdict !== "allow") violations++;
    destinations.add(key);
    const event: ConnectionEvent = {
      type: "connection", ts: conn.ts, session: opts.id, pid: conn.pid, ppid: conn.ppid, exe: conn.exe, argv: redactArgv(conn.argv),
      proto: conn.proto, dst: conn.dst, host: conn.host, hostSource: conn.hostSource, probe: conn.probe,
      verdict, rule: decision.rule, reason: decision.reason,
      ...(conn.package ? { package: conn.package } : {}),
      ...(raw.http ? { http: raw.http } : {}),
      ...(enforced ? { enforced } : {}),
      ...(raw.existing ? { existing: true as const } : {}),
    };
    opts.emit(event);
    if (verdict !== "allow") opts.emit(alertFor(event, severityOf[verdict]));
  }

  return {
    sink,
    /** Reports from probes that sit outside the probe list (proxy, sentinel). */
    observe(conn: ObservedConnection, extra: { enforcedBy?: string; decided?: Decision } = {}): void {
      if (conn.probe === "proxy" || conn.probe === "sentinel") {
        // Each proxied request is its own event (no dedupe), carrying its host and HTTP facts.
        if (stopped) return;
        pending.push({
          ts: conn.ts, pid: conn.pid, ppid: conn.ppid, proto: conn.proto, dst: conn.dst, probe: conn.probe,
          ...(conn.host ? { host: conn.host } : {}), ...(conn.http ? { http: conn.http } : {}),
          ...(conn.package ? { package: conn.package } : {}), ...extra,
        });
        if (conn.host && conn.dst.ip) hosts.learnProxy(conn.dst.ip, conn.dst.port, conn.host, conn.ts, conn.pid);
        if (!timer) timer = setTimeout(drain, joinDelayMs);
        return;
      }
      if (conn.host && conn.dst.ip && conn.dst.ip !== "0.0.0.0") {
        const learn = conn.hostSource === "sentinel" ? hosts.learnSentinel : hosts.learnProxy;
        learn(conn.dst.ip, conn.dst.port, conn.host, conn.ts, conn.pid);
      }
      sink.connect({ ts: conn.ts, pid: conn.pid, ppid: conn.ppid, proto: conn.proto, dst: conn.dst, probe: conn.probe });
    },
    /** The sentinel saw pid call host:port from an npm package: the kernel probe's event gets it. */
    attribute(fact: { pid: number; host: string; ip?: string; port: number; package: string; ts: number }): void {
      if (packages.size > 50000) packages.clear();
      const remember = (key: string) => {
        const list = packages.get(key) ?? [];
        list.push({ ts: fact.ts, pkg: fact.package });
        if (list.length > 32) list.shift();
        packages.set(key, list);
      };
      remember(`${fact.pid}|host:${fact.host.toLowerCase()}|${fact.port}`);
      if (fact.ip) {
        remember(`${fact.pid}|${fact.ip}|${fact.port}`);
        hosts.learnSentinel(fact.ip, fact.port, fact.host, fact.ts, fact.pid);
      }
    },
    /**
     * A request the sentinel saw inside a Node/Bun program, as it was sent: rules on method, path
     * or tenant (which the connection alone cannot match) are checked now. It cannot be held any
     * more, so a match is an alert that says so; blocking by method or path needs the proxy.
     */
    request(fact: { pid: number; host: string; port: number; method: string; path: string; package?: string; ts: number }): void {
      if (stopped) return;
      const http = { method: fact.method, path: fact.path };
      const decision = evaluate({ host: fact.host, ip: null, port: fact.port, proto: "tcp", http }, opts.policy);
      const rule = decision.rule ? opts.policy.rules.find((r) => r.id === decision.rule) : undefined;
      if (!rule || !needsRequestFacts(rule) || decision.verdict === "allow" || decision.verdict === "prompt") return;
      violations++;
      const where = `${fact.method} ${fact.host}:${fact.port}${fact.path}`;
      opts.emit({
        type: "alert", ts: fact.ts, session: opts.id, severity: decision.verdict === "alert" ? "medium" : "high", pid: fact.pid,
        dst: null, host: fact.host, rule: decision.rule,
        message: `${fact.package ? `package ${fact.package} in ` : ""}pid ${fact.pid} sent ${where}: ${decision.reason}${decision.verdict === "alert" ? "" : ". Seen by the sentinel as it was sent: not blocked (blocking by method or path needs --level headers, the proxy)"}.`,
        suggestion: `If this request is expected, narrow rule '${decision.rule}'; to block such requests before they leave, run with --level headers.`,
      });
    },
    /** A sentinel signal: stored, and alerted or acted on as the policy's `signals` says. */
    signal(ev: SignalEvent): void {
      opts.emit(ev);
      const action = signalAction(opts.policy, ev.kind);
      if (action === "ignore") return;
      let enforced = "";
      if (action === "kill" && target) enforced = ` ${opts.enforcer.killTree(target.rootPid) ?? "the tree was already gone"}.`;
      violations++;
      opts.emit({
        type: "alert", ts: ev.ts, session: opts.id, severity: action === "kill" ? "critical" : "medium", pid: ev.pid, dst: null, host: null,
        rule: `signals.${ev.kind}`, message: `sentinel signal '${ev.kind}' from pid ${ev.pid ?? "?"}: ${JSON.stringify(ev.detail).slice(0, 300)}.${enforced}`,
        suggestion: `If this is expected for this program, set 'signals: { ${ev.kind}: ignore }' in the policy; otherwise investigate what changed.`,
      });
    },
    /**
     * For a judge outside the session that can hold what it judges (the proxy holds the request):
     * a `prompt` decision asked now, as connections are asked (one question per destination, the
     * tree held while it is open). Record the result with `decided` so it is not asked again.
     */
    async decide(q: { pid: number | null; host: string; ip: string | null; port: number }): Promise<Decision> {
      const key = destKey(q.host, q.ip ?? "", q.port, "tcp");
      const learned = learnedOnce.get(key);
      if (learned) return learnedDecision(learned);
      const pid = q.pid ?? target?.rootPid ?? 0;
      const proc = processes.lookup(pid, { at: Date.now() });
      const conn: ObservedConnection = {
        ts: Date.now(), pid, ppid: proc.ppid ?? null, exe: proc.exe, argv: proc.argv, proto: "tcp",
        dst: { ip: q.ip ?? "", port: q.port }, host: q.host, hostSource: "proxy", probe: "proxy",
      };
      const held = target !== null && opts.prompt !== undefined && !stopped;
      if (held) holdTree(true);
      try {
        return answerDecision(await ask(conn, key), opts.policy.unanswered);
      } finally {
        if (held) holdTree(false);
      }
    },
    /** A destination answered for the whole session (learning mode), for judges outside it (the proxy). */
    learnedVerdict(host: string | null, ip: string, port: number, proto: "tcp" | "udp"): Verdict | undefined {
      return learnedOnce.get(destKey(host, ip, port, proto));
    },
    /** Connects to this endpoint are TrustRun's own (the proxy), not the target's destinations. */
    exempt(ep: Endpoint): void {
      exempt.add(`${ep.ip}|${ep.port}`);
    },
    async start(t: ProbeTarget): Promise<ProbeStatus[]> {
      target = t;
      preblock();
      if (t.mode === "watch") reportExisting(t);
      const statuses: ProbeStatus[] = [];
      for (const probe of opts.probes) {
        try {
          await probe.start(t, sink);
          statuses.push({ name: probe.name, complete: probe.complete });
        } catch (err) {
          statuses.push({ name: probe.name, complete: false, note: `failed to start: ${(err as Error).message}` });
        }
      }
      return statuses;
    },
    /**
     * Stops probes (they flush what they buffered), then judges what is still pending. With
     * keepEnforcement the firewall rules stay (processes of the tree outlive the session; the
     * release guard removes them once those are gone).
     */
    async stop(how: { keepEnforcement?: boolean } = {}): Promise<void> {
      for (const probe of opts.probes) {
        try {
          await probe.stop();
        } catch (err) {
          warn(`${probe.name}: stop failed: ${(err as Error).message}`);
        }
      }
      drain();
      for (let i = 0; i < 500 && inFlight > 0; i++) await Bun.sleep(2);
      stopped = true;
      if (!how.keepEnforcement) opts.enforcer.stop();
    },
    counts() {
      return { connections, violations, destinations: destinations.size };
    },
    processes,
  };
}

export type CaptureSession = ReturnType<typeof createCaptureSession>;

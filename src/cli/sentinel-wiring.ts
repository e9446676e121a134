import { join } from "node:path";
import type { OptionSpec, ParsedArgs } from "./command.ts";
import { flag, UsageError } from "./command.ts";
import type { CompiledPolicy } from "../policy/types.ts";
import type { CaptureSession } from "../capture/session.ts";
import { isJsRuntimeCommand, prepareSentinel, type PreparedSentinel } from "../sentinel/inject.ts";
import { sentinelPolicyFromCompiled } from "../sentinel/policy.ts";
import { trustrunHome } from "../store/index.ts";
import { redactDetail, redactPath } from "../core/redact.ts";

export const sentinelOptionSpecs: Record<string, OptionSpec> = {
  sentinel: { type: "boolean", description: "Inject the in-process sentinel even when CMD does not look like Node or Bun" },
  "no-sentinel": { type: "boolean", description: "Do not inject the sentinel into Node/Bun targets" },
};

export interface SentinelWiring {
  runtime: "node" | "bun";
  /** The target's environment with the agent's NODE_OPTIONS/BUN_OPTIONS added. */
  env(base: Record<string, string | undefined>): Record<string, string>;
  /** Sends the agent's facts and signals into the session. */
  bind(session: CaptureSession, sessionId: string): void;
  close(): Promise<void>;
}

/**
 * The sentinel for Node/Bun targets: package attribution, pre-connect refusal, runtime signals.
 * Returns null when CMD is not a JS runtime (or --no-sentinel).
 */
export async function openSentinel(values: ParsedArgs["values"], argv: string[], policy: CompiledPolicy): Promise<SentinelWiring | null> {
  if (flag(values, "sentinel") && flag(values, "no-sentinel")) throw new UsageError("--sentinel and --no-sentinel contradict each other");
  if (flag(values, "no-sentinel")) return null;
  const runtime = isJsRuntimeCommand(argv) ?? (flag(values, "sentinel") ? "node" : null);
  if (!runtime) return null;
  let prepared: PreparedSentinel;
  try {
    prepared = await prepareSentinel({
      runtime,
      policy: sentinelPolicyFromCompiled(policy),
      stateDir: join(trustrunHome(), "sentinel"),
      commandKey: argv.join(" "),
      argv,
    });
  } catch (err) {
    // Also when the program runs under Node's permission model: loading the agent would break it.
    process.stderr.write(`trustrun: sentinel not injected: ${(err as Error).message}\n`);
    return null;
  }
  const unsubscribe: Array<() => void> = [];
  return {
    runtime,
    env(base) {
      // prepareSentinel put the agent first in the NODE_OPTIONS/BUN_OPTIONS it saw; keep the rest of base.
      return { ...(base as Record<string, string>), ...prepared.env };
    },
    bind(session, sessionId) {
      unsubscribe.push(prepared.channel.onSignal((msg) => {
        if ("type" in msg) {
          // Signal details carry argv, paths and headers of the program: hidden like every other output.
          session.signal({ ...msg, detail: redactDetail(msg.detail) as Record<string, unknown>, session: sessionId });
          return;
        }
        if (msg.kind === "request") {
          session.request({ pid: msg.pid, host: msg.host, port: msg.port, method: msg.method, path: redactPath(msg.path), package: msg.package, ts: msg.ts });
          return;
        }
        if (msg.kind === "dns") {
          // A name the program resolved without a DNS packet (hosts file, custom lookup) still names its connections.
          if (msg.answers.length) session.sink.dns({ ts: msg.ts, pid: msg.pid, name: msg.name, answers: msg.answers.slice(0, 64), probe: "sentinel" });
          return;
        }
        if (msg.kind !== "connect") return;
        const out = msg;
        session.attribute({ pid: out.pid, host: out.host, ip: out.ip, port: out.port, package: out.package, ts: out.ts });
        // Refused inside the program: no packet left, so no kernel probe will report it.
        if (out.verdict === "block") {
          session.observe(
            { ts: out.ts, pid: out.pid, ppid: null, exe: null, argv: null, proto: "tcp", dst: { ip: out.ip ?? "", port: out.port }, host: out.host, hostSource: "sentinel", probe: "sentinel", package: out.package },
            { enforcedBy: `refused inside the process by the sentinel before any packet (${out.rule ?? "policy"})` },
          );
        }
      }));
    },
    async close() {
      for (const u of unsubscribe) u();
      await prepared.cleanup();
    },
  };
}

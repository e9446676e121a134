import type { Command, CommandIO } from "../command.ts";
import { CliError, UsageError } from "../command.ts";
import { policyFromArgs } from "./policy.ts";
import { monitorArgs, monitorOptionSpecs } from "./monitor-options.ts";
import type { Monitor } from "../monitor.ts";
import { launchTarget, LaunchError, resolveCommand, type LaunchedTarget } from "../../capture/launch.ts";
import type { TuiController } from "../../tui/controller.tsx";
import { openCommandOutputLog, type CommandOutputLog } from "../command-output.ts";
import { trustrunHome } from "../../store/db.ts";
import { learnedFile, learningPolicy, reportLearning } from "./policy-learn.ts";
import { interceptOptionSpecs, openInterception } from "./ca.ts";
import { openSentinel, sentinelOptionSpecs } from "../sentinel-wiring.ts";

const forwarded: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2"];

export const runCommand: Command = {
  name: "run",
  summary: "Launch a command under supervision: every connection it and its children make, judged",
  usage: "trustrun run [options] -- CMD [ARGS...]",
  description: `
Starts CMD with every probe attached before its first instruction runs, follows all its
descendants, and checks each connection against the policy. CMD keeps stdin, stdout and stderr,
receives the signals sent to trustrun, and trustrun exits with CMD's exit code (126/127 when
CMD cannot start, 3 with --fail-on-violation when a connection was not allowed).
Live lines go to stderr so that CMD's stdout stays clean; --log FILE keeps an NDJSON copy.
As root the eBPF probe sees every connection and blocking works through a cgroup-scoped
firewall; without root the ptrace probe (strace) sees every connection but block degrades to alert.`,
  options: { ...monitorOptionSpecs, ...interceptOptionSpecs, ...sentinelOptionSpecs },
  positionals: { min: 0, max: Infinity },
  acceptsRest: true,
  examples: [
    "trustrun run -- curl -s https://example.com",
    "trustrun run --preset public-ai-apis --fail-on-violation -- python3 app.py",
    "trustrun run --policy trustrun.yaml --output ndjson --log run.ndjson -- npm test",
    "trustrun run --probe ptrace -- ./job.sh",
  ],
  async run(args, io) {
    const argv = args.rest.length ? args.rest : args.positionals;
    if (!argv.length) throw new UsageError("no command given: put it after --, e.g. trustrun run -- curl https://example.com");
    if (args.rest.length && args.positionals.length) {
      throw new UsageError(`unexpected argument '${args.positionals[0]}' before --`);
    }
    const stream = process.stderr;
    const m = monitorArgs(args.values, stream);
    const loaded = policyFromArgs(args.values, process.cwd());
    const policy = m.learn ? learningPolicy(loaded) : loaded;
    try {
      resolveCommand(argv[0]);
    } catch (err) {
      if (err instanceof LaunchError) throw new CliError(err.message, err.exitCode);
      throw err;
    }
    const auto = m.probes.length === 0 || m.probes.includes("auto");
    const exclude: string[] = [];
    // With auto, a probe that fails to attach (e.g. the kernel refuses the eBPF object) gives way to
    // the next best; the command waits at the gate meanwhile and never runs unobserved.
    // The live screen (a terminal and --output tui): it answers learning questions too.
    // Capture levels headers/full and --jail: the proxy (and CA) the command is pointed at.
    const intercept = await openInterception(args.values, policy);
    // Node/Bun targets: the in-process sentinel (package attribution, pre-connect refusal, signals).
    const sentinel = await openSentinel(args.values, argv, policy);
    // Loaded on use: the monitor and the screen (Ink, React) are most of the start-up of every other command.
    const { createMonitor } = await import("../monitor.ts");
    const tui = m.output === "tui" ? (await import("../../tui/controller.tsx")).startTui({ mode: "run", learn: m.learn, stdout: stream, defaultAction: loaded.defaultAction }) : null;
    try {
      for (let attempt = 0; ; attempt++) {
        const monitor = await createMonitor({
          mode: "run", policy, probes: m.probes, output: m.output, logFile: m.logFile, dbPath: m.dbPath, stream, exclude,
          prompt: tui?.prompt, ui: tui, promptTimeoutMs: m.promptTimeoutMs, jailed: args.values.jail === true,
        });
        tui?.setProcessLookup((pid) => monitor.session.processes.lookup(pid));
        const wrapper = monitor.probes.find((p) => p.wrapLaunch);
        // The screen keeps the terminal: the command's output goes to a file of the session.
        const outputLog = tui ? openCommandOutputLog(trustrunHome(), monitor.id) : null;
        if (outputLog) monitor.output.note(`${argv[0]}'s output: press 4 or o; all of it goes to ${outputLog.path}, and its last lines are printed at the end`);
        let target;
        try {
          target = launchTarget({
            ...(outputLog ? { stdio: ["ignore", outputLog.fd, outputLog.fd] as ["ignore", number, number] } : {}),
            argv,
            env: ((base) => (sentinel ? sentinel.env(base) : base))(intercept ? intercept.env(process.env) : process.env as Record<string, string>),
            cgroupProcs: monitor.cgroup?.procsFile,
            wrap: wrapper || intercept ? (a) => {
              const jailed = intercept ? intercept.wrap(a) : a;
              return wrapper ? wrapper.wrapLaunch!(jailed) : jailed;
            } : undefined,
          });
        } catch (err) {
          outputLog?.discardIfEmpty();
          await monitor.finish(null);
          if (err instanceof LaunchError) throw new CliError(err.message, err.exitCode);
          throw err;
        } finally {
          outputLog?.closeOurs();
        }
        if (intercept) {
          const rootPid = target.pid;
          intercept.bind(monitor.session, () => rootPid, (msg) => monitor.output.note(msg));
          if (attempt === 0) for (const n of intercept.notes) monitor.output.note(n);
        }
        sentinel?.bind(monitor.session, monitor.id);
        const started = await monitor.start({ mode: "run", rootPid: target.pid, initialPids: [] }, { mode: "run", pid: target.pid, argv });
        if (!started) {
          target.signal("SIGKILL");
          await target.exited;
          target.cleanup();
          outputLog?.discardIfEmpty();
          await monitor.finish(null);
          const failed = monitor.failedProbes();
          if (auto && attempt < 3 && failed.length) {
            exclude.push(...failed);
            continue;
          }
          throw new CliError("no probe could attach; the command was not started", 1);
        }
        const report = (decisions: ReturnType<TuiController["decisions"]> | null) => reportLearning({
          sessionId: monitor.id, decisions, learn: m.learn, learnedFile: learnedFile(args.values, m.learnOutput, process.cwd()),
          learnOutput: m.learnOutput, dbPath: m.dbPath, cwd: process.cwd(), stderr: io.stderr,
        });
        return await supervise(target, monitor, m.failOnViolation, io, tui, report, outputLog);
      }
    } catch (err) {
      await tui?.close(); // the terminal first, so the error is readable
      throw err;
    } finally {
      await intercept?.close();
      await sentinel?.close();
    }
  },
};

async function supervise(
  target: LaunchedTarget, monitor: Monitor, failOnViolation: boolean, io: CommandIO,
  tui: TuiController | null = null, report?: (decisions: ReturnType<TuiController["decisions"]> | null) => void,
  outputLog: CommandOutputLog | null = null,
): Promise<number> {
  const handlers = forwarded.map((sig) => {
    // Ctrl-C on a terminal already reaches CMD (same process group); forwarding would send it twice.
    const h = () => (sig === "SIGINT" && process.stdin.isTTY ? undefined : target.signal(sig));
    process.on(sig, h);
    return [sig, h] as const;
  });
  await target.release();
  const stopFollowing = tui && outputLog ? outputLog.follow((text) => tui.output(text)) : null;
  const code = tui ? await withScreen(target, monitor, tui) : await target.exited;
  stopFollowing?.();
  for (const [sig, h] of handlers) process.off(sig, h);
  if (outputLog) {
    const tail = outputLog.tail(20);
    // Cleaned as on the screen: no escape sequences, secrets hidden (the file keeps every byte).
    const { cleanOutputLines } = await import("../../tui/state/live-model.ts");
    if (tail) io.stderr(`── the command's last output lines (all of it: ${outputLog.path}) ──\n${cleanOutputLines(tail.split("\n")).join("\n")}\n──\n`);
    else outputLog.discardIfEmpty();
  }
  target.cleanup();
  const { violations } = await monitor.finish(code);
  report?.(tui ? tui.decisions() : null);
  if (failOnViolation && violations > 0) {
    io.stderr(`trustrun: ${violations} connection${violations === 1 ? "" : "s"} not allowed by the policy (--fail-on-violation)\n`);
    return 3;
  }
  return code;
}

/**
 * Waits for CMD while the live screen is up. Leaving the screen: y stops CMD (SIGTERM), n keeps
 * it running with plain text lines, Ctrl-C interrupts it as it would without trustrun. When CMD
 * exits first the screen stays for review until q (when keys can be read).
 */
async function withScreen(target: LaunchedTarget, monitor: Monitor, tui: TuiController): Promise<number> {
  const first = await Promise.race([target.exited.then((code) => ({ code })), tui.exited.then((reason) => ({ reason }))]);
  if ("code" in first) {
    tui.targetExited(first.code);
    if (tui.interactive) await tui.exited; // without keys nobody could leave: close at once
  } else if (first.reason === "stop-target") target.signal("SIGTERM");
  else if (first.reason === "quit") target.signal("SIGINT");
  await tui.close();
  monitor.attachUi(null);
  return "code" in first ? first.code : await target.exited;
}

import type { Command, CommandIO } from "../command.ts";
import { CliError, UsageError } from "../command.ts";
import { policyFromArgs } from "./policy.ts";
import { monitorArgs, monitorOptionSpecs } from "./monitor-options.ts";
import { createMonitor, type Monitor } from "../monitor.ts";
import { launchTarget, LaunchError, resolveCommand, type LaunchedTarget } from "../../capture/launch.ts";

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
  options: monitorOptionSpecs,
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
    const policy = policyFromArgs(args.values, process.cwd());
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
    for (let attempt = 0; ; attempt++) {
      const monitor = await createMonitor({ mode: "run", policy, probes: m.probes, output: m.output, logFile: m.logFile, dbPath: m.dbPath, stream, exclude });
      const wrapper = monitor.probes.find((p) => p.wrapLaunch);
      let target;
      try {
        target = launchTarget({
          argv,
          env: process.env as Record<string, string>,
          cgroupProcs: monitor.cgroup?.procsFile,
          wrap: wrapper ? (a) => wrapper.wrapLaunch!(a) : undefined,
        });
      } catch (err) {
        await monitor.finish(null);
        if (err instanceof LaunchError) throw new CliError(err.message, err.exitCode);
        throw err;
      }
      const started = await monitor.start({ mode: "run", rootPid: target.pid, initialPids: [] }, { mode: "run", pid: target.pid, argv });
      if (!started) {
        target.signal("SIGKILL");
        await target.exited;
        target.cleanup();
        await monitor.finish(null);
        const failed = monitor.failedProbes();
        if (auto && attempt < 3 && failed.length) {
          exclude.push(...failed);
          continue;
        }
        throw new CliError("no probe could attach; the command was not started", 1);
      }
      return await supervise(target, monitor, m.failOnViolation, io);
    }
  },
};

async function supervise(target: LaunchedTarget, monitor: Monitor, failOnViolation: boolean, io: CommandIO): Promise<number> {
  const handlers = forwarded.map((sig) => {
    // Ctrl-C on a terminal already reaches CMD (same process group); forwarding would send it twice.
    const h = () => (sig === "SIGINT" && process.stdin.isTTY ? undefined : target.signal(sig));
    process.on(sig, h);
    return [sig, h] as const;
  });
  await target.release();
  const code = await target.exited;
  for (const [sig, h] of handlers) process.off(sig, h);
  target.cleanup();
  const { violations } = await monitor.finish(code);
  if (failOnViolation && violations > 0) {
    io.stderr(`trustrun: ${violations} connection${violations === 1 ? "" : "s"} not allowed by the policy (--fail-on-violation)\n`);
    return 3;
  }
  return code;
}

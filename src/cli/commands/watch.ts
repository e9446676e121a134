import { existsSync } from "node:fs";
import type { Command } from "../command.ts";
import { CliError, UsageError } from "../command.ts";
import { policyFromArgs } from "./policy.ts";
import { monitorArgs, monitorOptionSpecs } from "./monitor-options.ts";
import { descendants, readProcessInfo } from "../../capture/procinfo/procinfo.ts";
import { learnedFile, learningPolicy, reportLearning } from "./policy-learn.ts";

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export const watchCommand: Command = {
  name: "watch",
  summary: "Attach to a running process and its children, existing and future",
  usage: "trustrun watch PID [options]",
  description: `
Follows PID and every descendant until PID exits or you stop trustrun (Ctrl-C); the process
itself is never stopped by trustrun leaving. As root the eBPF probe sees every new connection;
without root the ptrace probe attaches where the system allows it, otherwise polling probes
(sock_diag, /proc) run and say that connections shorter than the poll interval can be missed.
Live lines go to stdout.`,
  options: monitorOptionSpecs,
  positionals: { min: 1, max: 1 },
  examples: [
    "trustrun watch 4242",
    "trustrun watch $(pgrep -f 'uvicorn app:api') --preset azure-openai --output ndjson",
    "trustrun watch 4242 --probe sockdiag --log watch.ndjson",
  ],
  async run(args, io) {
    const raw = args.positionals[0];
    const pid = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(pid) || pid <= 0) throw new UsageError(`PID must be a positive whole number, not '${raw}'`);
    if (!existsSync(`/proc/${pid}`) || !alive(pid)) throw new CliError(`no process with PID ${pid}`, 1);
    if (pid === process.pid) throw new CliError("trustrun cannot watch itself", 1);
    const info = readProcessInfo(pid);
    if (!info || (info.exe === null && process.getuid?.() !== 0 && info.uid !== process.getuid?.())) {
      throw new CliError(`cannot inspect PID ${pid}: it belongs to another user (run as root or as that user)`, 1);
    }
    const stream = process.stdout;
    const m = monitorArgs(args.values, stream);
    const loaded = policyFromArgs(args.values, process.cwd());
    const policy = m.learn ? learningPolicy(loaded) : loaded;
    // The live screen (a terminal and --output tui); q leaves it and the process keeps running.
    // Loaded on use, as in run.
    const { createMonitor } = await import("../monitor.ts");
    const tui = m.output === "tui" ? (await import("../../tui/controller.tsx")).startTui({ mode: "watch", learn: m.learn, stdout: stream, defaultAction: loaded.defaultAction }) : null;
    let monitor;
    try {
      monitor = await createMonitor({
        mode: "watch", policy, probes: m.probes, output: m.output, logFile: m.logFile, dbPath: m.dbPath, stream,
        prompt: tui?.prompt, ui: tui, promptTimeoutMs: m.promptTimeoutMs,
      });
      tui?.setProcessLookup((p) => monitor!.session.processes.lookup(p));
      const started = await monitor.start(
        { mode: "watch", rootPid: pid, initialPids: descendants(pid) },
        { mode: "watch", pid, argv: info.argv.length ? info.argv : undefined },
      );
      if (!started) {
        await monitor.finish(null);
        throw new CliError(`no probe could attach to PID ${pid}`, 1);
      }
    } catch (err) {
      await tui?.close(); // the terminal first, so the error is readable
      throw err;
    }
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const onSignal = () => stop();
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, onSignal);
    const poll = setInterval(() => {
      if (!alive(pid)) stop();
    }, 200);
    void tui?.exited.then(() => stop());
    await stopped;
    await tui?.close();
    monitor.attachUi(null);
    clearInterval(poll);
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.off(sig, onSignal);
    const { violations } = await monitor.finish(null);
    reportLearning({
      sessionId: monitor.id, decisions: tui ? tui.decisions() : null, learn: m.learn,
      learnedFile: learnedFile(args.values, m.learnOutput, process.cwd()), learnOutput: m.learnOutput, dbPath: m.dbPath,
      cwd: process.cwd(), stderr: io.stderr,
    });
    if (m.failOnViolation && violations > 0) {
      io.stderr(`trustrun: ${violations} connection${violations === 1 ? "" : "s"} not allowed by the policy (--fail-on-violation)\n`);
      return 3;
    }
    return 0;
  },
};

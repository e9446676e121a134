import type { Command } from "../command.ts";
import { str, UsageError } from "../command.ts";

/** argv that starts the guard: the binary itself, or bun with the entry script in development. */
export function releaseGuardCommand(): string[] {
  const compiled = import.meta.url.includes("$bunfs");
  return compiled ? [process.execPath, "release-guard"] : [process.execPath, Bun.main, "release-guard"];
}

export const releaseGuardCliCommand: Command = {
  name: "release-guard",
  summary: "(internal) Resume a held process tree if the monitor that held it dies",
  usage: "trustrun release-guard --root PID [--cgroup DIR]",
  description:
    "Started by 'trustrun run' and 'watch' when the policy can hold the target; not meant to be run by hand. Reads standard input to its end: unless the monitor wrote 'done' first, it adds firewall rules refusing the destinations of connects still held (not yet judged; with a session cgroup), thaws the session cgroup and sends SIGCONT to PID and its descendants; then, once the cgroup is empty, removes it and the session's firewall rules (which block until then).",
  options: {
    root: { type: "string", arg: "PID", description: "Root of the held tree" },
    cgroup: { type: "string", arg: "DIR", description: "The session cgroup (a trustrun/ID directory)" },
  },
  examples: [],
  async run(args) {
    const rootPid = Number(str(args.values, "root"));
    if (!Number.isInteger(rootPid) || rootPid < 2) throw new UsageError("--root PID is required (a pid above 1)");
    const cgroupPath = str(args.values, "cgroup");
    // Only a session cgroup of TrustRun's: the guard writes its freezer file and nothing else.
    if (cgroupPath !== undefined && !/\/trustrun\/[A-Za-z0-9_-]{1,64}$/.test(cgroupPath)) throw new UsageError("--cgroup must be a trustrun/ID cgroup directory");
    for (const sig of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(sig, () => {});
    const { cleanUpAfterTree, runReleaseGuard } = await import("../../capture/enforce/release-guard.ts");
    const outcome = await runReleaseGuard(Bun.stdin.stream(), { rootPid, ...(cgroupPath ? { cgroupPath } : {}) }, async () => {
      // Fail closed for what the monitor had not judged: a connect it held gets a reject rule
      // before the tree runs again (only where the session's cgroup scopes the firewall).
      if (!cgroupPath) return;
      const { heldConnects } = await import("../../capture/enforce/held-connects.ts");
      const { appendCgroupReject } = await import("../../capture/enforce/firewall.ts");
      const id = cgroupPath.slice(cgroupPath.lastIndexOf("/") + 1);
      const done = new Set<string>();
      for (const h of heldConnects(rootPid)) {
        const key = `${h.ip}|${h.port}`;
        if (done.has(key)) continue;
        done.add(key);
        appendCgroupReject(id, `trustrun/${id}`, h.ip, h.port);
      }
    });
    if ((outcome === "released" || outcome === "handed-over") && cgroupPath) {
      const { removeCgroupFirewall } = await import("../../capture/enforce/firewall.ts");
      await cleanUpAfterTree(cgroupPath, (id, rel) => removeCgroupFirewall(id, rel));
    }
    return 0;
  },
};

// --jail: the target runs in a new network namespace whose only way out is TrustRun's proxy.
// As a normal user this is an unprivileged user namespace (`unshare -r -n`); as root `unshare -n`.
// Inside, loopback is brought up and a relay listens on 127.0.0.1:PORT, forwarding each
// connection to the proxy's unix socket (unix socket paths cross network namespaces). Anything
// that ignores the proxy variables finds no route and fails instead of leaking.

export interface JailPlan {
  /** Wraps the (gated) target argv. */
  wrap(argv: string[]): string[];
}

// $1 ready file, $2 relay argv as one NUL-free line split on tabs, then the target.
const JAIL_SCRIPT = [
  'ready=$1; relay=$2; shift 2',
  'ip link set dev lo up 2>/dev/null || { echo "trustrun: --jail: cannot bring up loopback inside the namespace (is iproute2 installed?)" >&2; exit 126; }',
  'IFS="$(printf "\\t")"; set -f; $relay & set +f; unset IFS',
  'i=0; while [ ! -e "$ready" ]; do i=$((i+1)); if [ $i -gt 1000 ]; then echo "trustrun: --jail: the relay to the proxy did not start" >&2; exit 126; fi; sleep 0.01; done',
  'exec "$@"',
].join("\n");

/** Why --jail cannot run here, or null. Tries the namespace for real: sysctls alone do not tell. */
export function jailUnavailable(isRoot: boolean, path = process.env.PATH ?? "/usr/bin:/bin"): string | null {
  const unshare = Bun.which("unshare", { PATH: path });
  if (!unshare) return "--jail needs unshare (util-linux)";
  if (!Bun.which("ip", { PATH: path })) return "--jail needs ip (iproute2) to bring up loopback inside the namespace";
  const argv = isRoot ? [unshare, "-n", "true"] : [unshare, "-r", "-n", "true"];
  const r = Bun.spawnSync(argv, { stdout: "ignore", stderr: "pipe", env: { ...process.env, PATH: path } });
  if (r.exitCode === 0) return null;
  const err = r.stderr.toString().trim();
  if (isRoot) return `--jail: cannot create a network namespace: ${err}`;
  return `--jail: unprivileged user namespaces are disabled on this system (${err}); ` +
    "enable them (sysctl kernel.unprivileged_userns_clone=1, or user.max_user_namespaces > 0; on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0) or run as root";
}

export function jailPlan(opts: { isRoot: boolean; relayArgv: string[]; readyFile: string }): JailPlan {
  if (opts.relayArgv.some((a) => a.includes("\t") || a.includes("\n"))) throw new Error("relay arguments must not contain tabs or newlines");
  const unshare = opts.isRoot ? ["unshare", "-n", "--"] : ["unshare", "-r", "-n", "--"];
  return {
    wrap(argv) {
      return [...unshare, "/bin/sh", "-c", JAIL_SCRIPT, "trustrun-jail", opts.readyFile, opts.relayArgv.join("\t"), ...argv];
    },
  };
}

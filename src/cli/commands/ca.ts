import type { Command, OptionSpec, ParsedArgs } from "../command.ts";
import { CliError, flag, ioError, list, oneOf, str, UsageError } from "../command.ts";
import type { CompiledPolicy } from "../../policy/types.ts";
import type { Interception } from "../../capture/proxy/intercept.ts";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
// The CA and proxy code loads when a ca command or an intercepting run needs it: the x509 and TLS
// modules are a noticeable part of the start-up of every other command.
const caStore = () => import("../../capture/proxy/ca-store.ts");

const dirOption = { type: "string" as const, arg: "DIR", description: "CA directory (default $TRUSTRUN_HOME/ca, ~/.trustrun/ca)" };

async function pathsFrom(values: Record<string, unknown>) {
  const { caPaths, defaultCaDir } = await caStore();
  // Absolute: the paths are printed for use elsewhere (trust-env's export lines).
  return caPaths(resolve(str(values as never, "dir") ?? defaultCaDir()));
}

async function load(values: Record<string, unknown>) {
  const paths = await pathsFrom(values);
  const { loadCa, CaError } = await caStore();
  try {
    return { paths, ca: loadCa(paths) };
  } catch (err) {
    if (err instanceof CaError) throw new CliError(err.message, 1);
    throw err;
  }
}

export const caInitCommand: Command = {
  name: "ca init",
  summary: "Create the local CA used to inspect HTTPS at capture levels headers and full",
  usage: "trustrun ca init [--force] [--dir DIR]",
  description: `
Creates a CA certificate and key in $TRUSTRUN_HOME/ca (key mode 0600) and a bundle of the system
CAs plus this CA. Nothing is added to the system trust store: 'trustrun run' points only the
command it launches at the bundle. 'trustrun run' creates the CA on first use; run this to make it
ahead of time or, with --force, to replace it (programs that trusted the old one stop trusting).`,
  options: { force: { type: "boolean", description: "Replace an existing CA" }, dir: dirOption },
  examples: ["trustrun ca init", "trustrun ca init --force"],
  async run(args, io) {
    const paths = await pathsFrom(args.values);
    const existed = existsSync(paths.cert);
    const { ensureCa, CaError } = await caStore();
    let created: boolean;
    try {
      ({ created } = ensureCa(paths, { force: flag(args.values, "force") }));
    } catch (err) {
      if (err instanceof CaError) throw new CliError(err.message, 1);
      throw ioError(`cannot create the CA in ${paths.dir}`, err);
    }
    io.stdout(created ? `created ${paths.cert}\n  key: ${paths.key} (mode 0600)\n  bundle: ${paths.bundle}\n` : `the CA already exists: ${paths.cert} (use --force to replace it)\n`);
    if (created && existed) io.stderr("trustrun: the previous CA was replaced; anything that trusted it must be given the new one\n");
    return 0;
  },
};

export const caShowCommand: Command = {
  name: "ca show",
  summary: "Show the TrustRun CA: subject, validity, SHA-256 fingerprint, files",
  usage: "trustrun ca show [--dir DIR]",
  options: { dir: dirOption },
  examples: ["trustrun ca show"],
  async run(args, io) {
    const { paths, ca } = await load(args.values);
    const d = (await import("../../capture/proxy/x509.ts")).describeCertificate(ca.certPem);
    io.stdout([
      `subject:     ${d.subject}`,
      `valid:       ${d.notBefore.toISOString()} to ${d.notAfter.toISOString()}`,
      `sha256:      ${d.sha256}`,
      `certificate: ${paths.cert}`,
      `key:         ${paths.key}`,
      `bundle:      ${paths.bundle}`,
      "",
    ].join("\n"));
    return 0;
  },
};

export const caExportCommand: Command = {
  name: "ca export",
  summary: "Print the CA certificate (PEM), or the bundle of system CAs plus it with --bundle",
  usage: "trustrun ca export [--bundle] [--out FILE] [--dir DIR]",
  options: {
    bundle: { type: "boolean", description: "Export the system CAs followed by the TrustRun CA" },
    out: { type: "string", arg: "FILE", description: "Write to FILE instead of stdout" },
    dir: dirOption,
  },
  examples: ["trustrun ca export > trustrun-ca.pem", "trustrun ca export --bundle --out /tmp/bundle.pem"],
  async run(args, io) {
    const { paths, ca } = await load(args.values);
    let text = ca.certPem;
    if (flag(args.values, "bundle")) {
      try {
        (await caStore()).writeBundle(paths.bundle, ca.certPem); // refreshed: the system store may have changed
        text = readFileSync(paths.bundle, "utf8");
      } catch (err) {
        throw ioError(`cannot write the bundle ${paths.bundle}`, err);
      }
    }
    const out = str(args.values, "out");
    if (out) {
      try {
        writeFileSync(out, text);
      } catch (err) {
        throw ioError(`cannot write ${out}`, err);
      }
    } else io.stdout(text);
    return 0;
  },
};

export const caTrustEnvCommand: Command = {
  name: "ca trust-env",
  summary: "Print shell lines that make curl, Python, Node and git trust the TrustRun CA",
  usage: "trustrun ca trust-env [--dir DIR]",
  description: `
Prints export lines for SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, NODE_EXTRA_CA_CERTS and
GIT_SSL_CAINFO, pointing at a bundle of the system CAs plus the TrustRun CA, so other HTTPS keeps
working. Use it to send a program you start yourself through a TrustRun proxy; 'trustrun run'
sets these for its command already.`,
  options: { dir: dirOption },
  examples: ['eval "$(trustrun ca trust-env)"'],
  async run(args, io) {
    const { paths, ca } = await load(args.values);
    const { writeBundle, trustEnv } = await caStore();
    try {
      writeBundle(paths.bundle, ca.certPem);
    } catch (err) {
      throw ioError(`cannot write the bundle ${paths.bundle}`, err);
    }
    const quote = (s: string) => `'${s.replace(/'/g, "'\\''")}'`;
    io.stdout(Object.entries(trustEnv(paths.bundle)).map(([k, v]) => `export ${k}=${quote(v)}\n`).join(""));
    return 0;
  },
};

export const jailRelayCommand: Command = {
  name: "jail relay",
  summary: "(internal) Inside a 'run --jail' namespace: forward 127.0.0.1:PORT to the proxy",
  usage: "trustrun jail relay --unix PATH --port PORT --ready FILE",
  description: "Started by 'trustrun run --jail' inside the command's network namespace; not meant to be run by hand.",
  options: {
    unix: { type: "string", arg: "PATH", description: "The proxy's unix socket" },
    port: { type: "string", arg: "PORT", description: "Port to listen on at 127.0.0.1" },
    ready: { type: "string", arg: "FILE", description: "File created once listening" },
  },
  examples: [],
  async run(args) {
    const unixPath = str(args.values, "unix");
    const port = Number(str(args.values, "port"));
    const readyFile = str(args.values, "ready");
    if (!unixPath || !readyFile || !Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError("--unix, --port and --ready are required");
    try {
      const { runRelay } = await import("../../capture/proxy/relay.ts");
      await runRelay({ unixPath, port, readyFile });
    } catch (err) {
      throw new CliError(`jail relay: ${(err as Error).message}`, 1);
    }
    return 0;
  },
};

export const caCommands: Command[] = [caInitCommand, caShowCommand, caExportCommand, caTrustEnvCommand, jailRelayCommand];

// ---- `run` options for capture levels and the jail, and starting the interception for it ----

export const interceptOptionSpecs: Record<string, OptionSpec> = {
  level: { type: "string", arg: "LEVEL", description: "Capture level for this session: metadata, headers or full (default: the policy's capture:)" },
  jail: { type: "boolean", description: "Run CMD in its own network namespace whose only way out is TrustRun's proxy (fails closed)" },
  passthrough: { type: "string", multiple: true, arg: "HOST", description: "Never intercept HOST (pattern as in policy rules; for pinned certificates)" },
};

/** Starts the proxy when the level or --jail needs it; null otherwise. */
export async function openInterception(values: ParsedArgs["values"], policy: CompiledPolicy): Promise<Interception | null> {
  const level = oneOf(values, "level", ["metadata", "headers", "full"] as const) ?? policy.capture;
  const jail = flag(values, "jail");
  if (level === "metadata" && !jail) return null;
  // The relay runs this same program: the compiled binary, or bun with the entry script.
  const compiled = Bun.main.startsWith("/$bunfs/") || Bun.main.startsWith("B:/~BUN/");
  const relayCommand = compiled ? [process.execPath, "jail", "relay"] : [process.execPath, Bun.main, "jail", "relay"];
  const { InterceptionError, startInterception } = await import("../../capture/proxy/intercept.ts");
  try {
    return await startInterception({
      level, policy, jail, passthrough: list(values, "passthrough"), relayCommand,
      env: process.env, isRoot: process.getuid?.() === 0,
    });
  } catch (err) {
    if (err instanceof InterceptionError) throw new CliError(err.message, 1);
    throw err;
  }
}

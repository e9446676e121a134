// `trustrun policy ...`: validate, check, presets, show, schema, plus the policy options and
// loader every command that takes a policy shares.
import { CliError, UsageError, flag, list, oneOf, str, type Command, type CommandIO, type OptionSpec, type ParsedArgs } from "../command.ts";
import { evaluate } from "../../policy/evaluate.ts";
import { loadPolicy } from "../../policy/load.ts";
import { listPresets } from "../../policy/presets.ts";
import { policyToYaml } from "../../policy/show.ts";
import type { CompiledPolicy, PolicyError } from "../../policy/types.ts";
import { addressFromHost, normalizeIp } from "../../policy/ip.ts";
import { normalizePath } from "../../policy/http-path.ts";

/** The options every policy-taking command declares (`run`, `watch`, `scan`, `policy check`, ...). */
export const policyOptionSpecs: Record<string, OptionSpec> = {
  policy: { type: "string", multiple: true, arg: "FILE", description: "Policy file (default: ./trustrun.yaml, else observe-only)" },
  preset: {
    type: "string",
    multiple: true,
    arg: "NAME[=RES,...]",
    description: "Add a built-in preset; azure presets take resource names: NAME=RES,... or NAME.PARAMETER=RES,...",
  },
};

export function formatPolicyError(e: PolicyError): string {
  return e.line > 0 ? `${e.file}:${e.line}:${e.column}: ${e.message}` : `${e.file}: ${e.message}`;
}

/**
 * Loads the policy named by --policy/--preset (or the default). Throws CliError (exit 2) listing
 * the positioned errors; with `io`, prints the notice and warnings to stderr.
 */
export function policyFromArgs(values: ParsedArgs["values"], cwd: string = process.cwd(), io?: CommandIO): CompiledPolicy {
  const r = loadPolicy({ files: list(values, "policy"), presets: list(values, "preset"), cwd });
  if (!r.ok) {
    throw new CliError(`invalid policy:\n${r.errors.map((e) => `  ${formatPolicyError(e)}`).join("\n")}`, 2);
  }
  if (io) {
    if (r.policy.notice) io.stderr(`${r.policy.notice}\n`);
    for (const w of r.policy.warnings) io.stderr(`warning: ${w}\n`);
  }
  return r.policy;
}

const validate: Command = {
  name: "policy validate",
  summary: "Check policy files; errors name file:line:column",
  usage: "trustrun policy validate FILE... [--json]",
  description: "Exit status 0 when every file is a valid policy, 1 when any is not.",
  options: { json: { type: "boolean", description: "Print results as JSON" } },
  positionals: { min: 1, max: 1000 },
  examples: ["trustrun policy validate trustrun.yaml", "trustrun policy validate policies/*.yaml --json"],
  run(args, io) {
    const results = args.positionals.map((file) => {
      const r = loadPolicy({ files: [file], presets: [], cwd: process.cwd() });
      return r.ok
        ? { file, ok: true, errors: [] as PolicyError[], warnings: r.policy.warnings, rules: r.policy.rules.length, default: r.policy.defaultAction }
        : { file, ok: false, errors: r.errors, warnings: [] as string[], rules: 0, default: null };
    });
    if (flag(args.values, "json")) {
      io.stdout(JSON.stringify(results.map(({ file, ok, errors, warnings }) => ({ file, ok, errors, warnings })), null, 2) + "\n");
    } else {
      for (const r of results) {
        if (r.ok) {
          io.stdout(`${r.file}: valid (${r.rules} rule${r.rules === 1 ? "" : "s"}, default ${r.default})\n`);
          for (const w of r.warnings) io.stdout(`${r.file}: warning: ${w}\n`);
        } else for (const e of r.errors) io.stderr(`${formatPolicyError(e)}\n`);
      }
    }
    return results.every((r) => r.ok) ? 0 : 1;
  },
};

const schemePorts: Record<string, number> = { "http:": 80, "https:": 443, "ws:": 80, "wss:": 443 };

/**
 * HOST, HOST:PORT, IP, IP:PORT, [IPv6]:PORT, a bare IPv6 address, or an http(s)/ws(s) URL (its
 * port defaults by scheme; its path is returned). An IP in any form a URL parser or inet_aton reads
 * ("2852039166", "0xA9FEA9FE", "10.0.0.1.") is the address it stands for.
 */
export function parseTarget(text: string): { host: string | null; ip: string | null; port: number | null; path?: string } {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UsageError(`'${text}' is not a valid URL`);
    }
    const defaultPort = schemePorts[url.protocol];
    if (defaultPort === undefined) throw new UsageError(`'${url.protocol}//' URLs are not supported: give HOST[:PORT], or an http, https, ws or wss URL`);
    if (!url.hostname) throw new UsageError("missing host");
    const host = url.hostname;
    const ip = addressFromHost(host);
    // The path as it was written (URL parsing already resolves dot segments; ';' and escapes stay).
    const path = url.pathname || "/";
    return { host: ip ? null : host, ip, port: url.port ? Number(url.port) : defaultPort, path };
  }
  let hostPart = text;
  let portText: string | null = null;
  const bracket = text.match(/^\[([^\]]+)\](?::(.*))?$/);
  if (bracket) {
    hostPart = bracket[1];
    portText = bracket[2] ?? null;
  } else if ((text.match(/:/g) ?? []).length === 1) {
    [hostPart, portText] = text.split(":");
  }
  let port: number | null = null;
  if (portText !== null) {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) throw new UsageError(`'${portText}' is not a port (0-65535)`);
    port = Number(portText);
  }
  if (!hostPart) throw new UsageError("missing host");
  const ip = addressFromHost(hostPart);
  return ip ? { host: null, ip, port } : { host: hostPart, ip: null, port };
}

const check: Command = {
  name: "policy check",
  summary: "Show the verdict a policy gives a destination",
  usage: "trustrun policy check HOST[:PORT]|URL [--ip IP] [--proto tcp|udp] [--method M] [--path P] [--aws-account ID] [--azure-tenant ID] [--policy FILE]... [--preset NAME]... [--json]",
  description:
    "The port defaults to 443 (for a URL, to its scheme's port) and the protocol to tcp. A URL's path is checked against path rules unless --path is given. Exit status 0 when the destination is allowed, 1 for any other verdict (alert, block, kill, prompt).",
  options: {
    ...policyOptionSpecs,
    ip: { type: "string", arg: "IP", description: "The address the host resolved to (checks IP/CIDR rules too)" },
    proto: { type: "string", arg: "tcp|udp", description: "Protocol (default tcp)" },
    method: { type: "string", arg: "METHOD", description: "HTTP method, for method rules" },
    path: { type: "string", arg: "PATH", description: "HTTP path starting with '/', for path rules" },
    "aws-account": { type: "string", arg: "ID", description: "AWS account the request is for (12 digits), for tenant rules" },
    "azure-tenant": { type: "string", arg: "ID", description: "Entra ID tenant of the request's token (a GUID), for tenant rules" },
    json: { type: "boolean", description: "Print {verdict, rule, reason} as JSON" },
  },
  positionals: { min: 1, max: 1 },
  examples: [
    "trustrun policy check api.openai.com --preset public-ai-apis",
    "trustrun policy check contoso.openai.azure.com:443 --preset azure-openai=contoso",
    "trustrun policy check 10.1.2.3:5432 --policy trustrun.yaml --json",
    "trustrun policy check https://upload.example.org/v1/upload --method POST --policy trustrun.yaml",
    "trustrun policy check bedrock-runtime.us-east-1.amazonaws.com --aws-account 123456789012 --policy trustrun.yaml",
  ],
  run(args, io) {
    const target = parseTarget(args.positionals[0]);
    const ipArg = str(args.values, "ip");
    let ip = target.ip;
    if (ipArg !== undefined) {
      ip = normalizeIp(ipArg);
      if (!ip) throw new UsageError(`--ip: '${ipArg}' is not an IPv4 or IPv6 address`);
    }
    const proto = oneOf(args.values, "proto", ["tcp", "udp"] as const, "tcp")!;
    const json = flag(args.values, "json");
    // Every argument is checked before the policy is loaded (and its warnings printed).
    const method = str(args.values, "method");
    if (method !== undefined && !/^[A-Za-z]{1,16}$/.test(method)) throw new UsageError(`--method: '${method}' is not an HTTP method (letters only, such as GET or POST)`);
    const pathArg = str(args.values, "path");
    if (pathArg !== undefined) {
      if (/^[a-z][a-z0-9+.-]*:\/\//i.test(pathArg)) {
        throw new UsageError(`--path takes a path such as /v1/upload, not a URL; to check a URL, give it as the destination: trustrun policy check '${pathArg}'`);
      }
      if (!pathArg.startsWith("/")) throw new UsageError(`--path: '${pathArg}' is not a URL path: it must start with '/' (/${pathArg.replace(/^\/*/, "")})`);
      if (normalizePath(pathArg) === null) throw new UsageError(`--path: '${pathArg.slice(0, 80)}' is not a URL path (too long)`);
    }
    const path = pathArg ?? target.path;
    const awsAccount = str(args.values, "aws-account");
    if (awsAccount !== undefined && !/^\d{12}$/.test(awsAccount)) throw new UsageError(`--aws-account: '${awsAccount}' is not an AWS account id (12 digits)`);
    const azureTenant = str(args.values, "azure-tenant");
    if (azureTenant !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(azureTenant)) {
      throw new UsageError(`--azure-tenant: '${azureTenant}' is not an Entra ID tenant id (a GUID)`);
    }
    const policy = policyFromArgs(args.values, process.cwd(), io);
    const tenant = awsAccount || azureTenant ? { ...(awsAccount ? { awsAccount } : {}), ...(azureTenant ? { azureTenant } : {}) } : undefined;
    const http = method || path || tenant ? { method, path, ...(tenant ? { tenant } : {}) } : undefined;
    const decision = evaluate({ host: target.host, ip, port: target.port ?? 443, proto, http }, policy);
    if (json) io.stdout(JSON.stringify({ verdict: decision.verdict, rule: decision.rule, reason: decision.reason }) + "\n");
    else io.stdout(`${decision.verdict}\n  rule:   ${decision.rule ?? "(none: policy default)"}\n  reason: ${decision.reason}\n  policy: ${policy.name}\n`);
    return decision.verdict === "allow" ? 0 : 1;
  },
};

const presets: Command = {
  name: "policy presets",
  summary: "List the built-in presets",
  usage: "trustrun policy presets [--json]",
  options: { json: { type: "boolean", description: "Print as JSON (with source links)" } },
  examples: ["trustrun policy presets", "trustrun policy presets --json"],
  run(args, io) {
    const all = listPresets();
    if (flag(args.values, "json")) {
      io.stdout(JSON.stringify(all, null, 2) + "\n");
      return 0;
    }
    const width = Math.max(...all.map((p) => p.name.length)) + 2;
    for (const p of all) {
      const params = p.parameters.length ? ` [takes ${p.parameters.join(", ")}]` : "";
      io.stdout(`${p.name.padEnd(width)}${p.kind.padEnd(6)} ${p.description}${params}\n`);
    }
    io.stdout(`\nUse with --preset NAME, or 'extends: [preset:NAME]' in a policy. Sources: trustrun policy presets --json\n`);
    return 0;
  },
};

const show: Command = {
  name: "policy show",
  summary: "Print the merged effective policy as YAML",
  usage: "trustrun policy show [--policy FILE]... [--preset NAME]... [--json]",
  description: "Every file and preset is inlined; each rule carries a comment with its id and origin.",
  options: { ...policyOptionSpecs, json: { type: "boolean", description: "Print the compiled policy as JSON" } },
  examples: ["trustrun policy show", "trustrun policy show --policy trustrun.yaml --preset public-ai-apis"],
  run(args, io) {
    const policy = policyFromArgs(args.values, process.cwd());
    if (policy.notice) io.stderr(`${policy.notice}\n`);
    io.stdout(flag(args.values, "json") ? JSON.stringify(policy, null, 2) + "\n" : policyToYaml(policy));
    return 0;
  },
};

const schema: Command = {
  name: "policy schema",
  summary: "Print the JSON Schema of the policy format (for editors)",
  usage: "trustrun policy schema",
  options: {},
  examples: ["trustrun policy schema > trustrun.schema.json"],
  async run(_args, io) {
    // zod's JSON Schema support is a large module only this command needs.
    const { policyJsonSchema } = await import("../../policy/schema-json.ts");
    io.stdout(JSON.stringify(policyJsonSchema(), null, 2) + "\n");
    return 0;
  },
};

export const policyCommands: Command[] = [validate, check, presets, show, schema];

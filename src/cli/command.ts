import { parseArgs, type ParseArgsConfig } from "node:util";

/** Bad input from the user: printed as one line plus usage, exit 2. */
export class UsageError extends Error {
  constructor(message: string, readonly command?: Command) {
    super(message);
  }
}

/** A failure to report plainly (no stack trace), with its exit code. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

const ioReasons: Record<string, string> = {
  ENOENT: "no such file or directory",
  ENOTDIR: "a part of the path is not a directory",
  EISDIR: "it is a directory",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  EROFS: "read-only file system",
  ENOSPC: "no space left on the device",
  EEXIST: "it already exists",
};

/** A file-system failure as one plain line: "cannot write /x/y.pem: no such file or directory". */
export function ioError(what: string, err: unknown): CliError {
  const e = err as NodeJS.ErrnoException;
  const reason = (e?.code && ioReasons[e.code]) || (e?.message ?? String(err)).replace(/^[A-Z]+: /, "");
  return new CliError(`${what}: ${reason}`);
}

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  multiple?: boolean;
  default?: string | boolean | string[];
  /** Placeholder shown in help, e.g. FILE. */
  arg?: string;
  description: string;
}

export interface CommandIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** Everything after a literal `--`, untouched (for `run -- CMD ...`). */
  rest: string[];
}

export interface Command {
  name: string; // "scan" or "policy validate"
  summary: string;
  usage: string; // "trustrun scan DIR [options]"
  description?: string;
  options: Record<string, OptionSpec>;
  examples: string[];
  /** Minimum/maximum positionals; checked before run. */
  positionals?: { min?: number; max?: number };
  /** Whether `--` and what follows are accepted. */
  acceptsRest?: boolean;
  run(args: ParsedArgs, io: CommandIO): Promise<number> | number;
}

export const globalOptions: Record<string, OptionSpec> = {
  help: { type: "boolean", short: "h", description: "Show help for this command" },
};

export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs {
  const dashdash = argv.indexOf("--");
  const head = dashdash >= 0 ? argv.slice(0, dashdash) : argv;
  const rest = dashdash >= 0 ? argv.slice(dashdash + 1) : [];
  if (dashdash >= 0 && !command.acceptsRest) {
    throw new UsageError(`'${command.name}' does not take arguments after --`, command);
  }
  const all = { ...command.options, ...globalOptions };
  const config: ParseArgsConfig = {
    args: head,
    strict: true,
    allowPositionals: true,
    options: Object.fromEntries(
      Object.entries(all).map(([name, spec]) => {
        // node:util rejects keys present with an undefined value.
        const o: Record<string, unknown> = { type: spec.type };
        if (spec.short !== undefined) o.short = spec.short;
        if (spec.multiple !== undefined) o.multiple = spec.multiple;
        if (spec.default !== undefined) o.default = spec.default;
        return [name, o];
      }),
    ) as unknown as ParseArgsConfig["options"],
  };
  let parsed;
  try {
    parsed = parseArgs(config);
  } catch (err) {
    throw new UsageError(cleanParseError((err as Error).message), command);
  }
  const values = parsed.values as ParsedArgs["values"];
  if (!values.help) {
    const { min = 0, max = Infinity } = command.positionals ?? { max: 0 };
    if (parsed.positionals.length < min) throw new UsageError(`missing argument: ${command.usage}`, command);
    if (parsed.positionals.length > max) {
      throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`, command);
    }
  }
  return { values, positionals: parsed.positionals, rest };
}

/** node:util's messages are long and mention its own API; keep the part a user needs. */
function cleanParseError(message: string): string {
  const unknown = message.match(/Unknown option '([^']+)'/);
  if (unknown) return `unknown option '${unknown[1]}'`;
  const missing = message.match(/Option '([^']+)' argument missing/);
  if (missing) return `option '${missing[1].replace(/^-\w, /, "")}' needs a value`;
  const noValue = message.match(/Option '([^']+)' does not take an argument/);
  if (noValue) return `option '${noValue[1].replace(/^-\w, /, "")}' does not take a value`;
  return message.split(". ")[0];
}

export function str(values: ParsedArgs["values"], name: string): string | undefined {
  const v = values[name];
  return typeof v === "string" ? v : undefined;
}

export function list(values: ParsedArgs["values"], name: string): string[] {
  const v = values[name];
  if (Array.isArray(v)) return v;
  return typeof v === "string" ? [v] : [];
}

export function flag(values: ParsedArgs["values"], name: string): boolean {
  return values[name] === true;
}

export function intOption(values: ParsedArgs["values"], name: string, min = 0, max = Number.MAX_SAFE_INTEGER): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not '${raw}'`);
  }
  return n;
}

const sizeUnits: Record<string, number> = { "": 1, b: 1, k: 1e3, kb: 1e3, kib: 1024, m: 1e6, mb: 1e6, mib: 1024 ** 2, g: 1e9, gb: 1e9, gib: 1024 ** 3 };

/** A size in bytes: a whole number, or a number with a unit (500k, 5M, 5MB, 2.5MiB, 1G). */
export function parseSize(raw: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(raw);
  const unit = m ? sizeUnits[m[2].toLowerCase()] : undefined;
  if (!m || unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : null;
}

export function sizeOption(values: ParsedArgs["values"], name: string, min = 1): number | undefined {
  const raw = str(values, name);
  if (raw === undefined) return undefined;
  const n = parseSize(raw);
  if (n === null || n < min) {
    throw new UsageError(`--${name} takes a size in bytes of at least ${min}, such as 5000000, 500k, 5M or 2MiB; not '${raw}'`);
  }
  return n;
}

export function oneOf<T extends string>(values: ParsedArgs["values"], name: string, allowed: readonly T[], fallback?: T): T | undefined {
  const raw = str(values, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new UsageError(`--${name} must be one of ${allowed.join(", ")}; got '${raw}'`);
  }
  return raw as T;
}

// Build-artifact drift across sessions of the same command: the runtime binary's hash, lock
// files and node_modules package manifests, compared with the previous session's snapshot kept
// in a small JSON file per command under the state directory.
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface ArtifactSnapshot {
  runtime: { execPath: string; version: string; sha256: string | null } | null;
  lockfiles: Record<string, string>; // file name → sha256
  packages: Record<string, string>; // package name → "version sha256(package.json)"
  binaries: string[]; // child-process binaries seen
  takenAt: number;
}

export interface DriftChange {
  what: "runtime" | "lockfile" | "package";
  name: string;
  before: string | null;
  after: string | null;
}

const LOCKFILES = ["package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb"];
const MAX_PACKAGES = 5000;

export async function sha256File(path: string): Promise<string | null> {
  try {
    const h = createHash("sha256");
    for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
    return h.digest("hex");
  } catch {
    return null;
  }
}

function sha256Text(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

async function packageManifests(cwd: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const root = join(cwd, "node_modules");
  let names: string[];
  try {
    names = await readdir(root);
  } catch {
    return out;
  }
  const dirs: string[] = [];
  for (const n of names.sort()) {
    if (n.startsWith(".")) continue;
    if (n.startsWith("@")) {
      try {
        for (const s of (await readdir(join(root, n))).sort()) dirs.push(`${n}/${s}`);
      } catch {
        /* not a directory */
      }
    } else dirs.push(n);
    if (dirs.length >= MAX_PACKAGES) break;
  }
  await Promise.all(
    dirs.slice(0, MAX_PACKAGES).map(async (d) => {
      try {
        const text = await readFile(join(root, d, "package.json"));
        let version = "?";
        try {
          const v = (JSON.parse(text.toString("utf8")) as { version?: unknown }).version;
          if (typeof v === "string") version = v.slice(0, 64);
        } catch {
          /* malformed manifest: its hash still counts */
        }
        out[d] = `${version} ${sha256Text(text)}`;
      } catch {
        /* no manifest */
      }
    }),
  );
  return out;
}

export async function snapshotArtifacts(opts: { execPath: string | null; version: string; cwd: string | null }): Promise<ArtifactSnapshot> {
  const lockfiles: Record<string, string> = {};
  let packages: Record<string, string> = {};
  if (opts.cwd) {
    for (const f of LOCKFILES) {
      const h = await sha256File(join(opts.cwd, f));
      if (h) lockfiles[f] = h;
    }
    packages = await packageManifests(opts.cwd);
  }
  const runtime = opts.execPath ? { execPath: opts.execPath, version: opts.version, sha256: await sha256File(opts.execPath) } : null;
  return { runtime, lockfiles, packages, binaries: [], takenAt: Date.now() };
}

/** What changed between two snapshots. Pure. */
export function compareSnapshots(prev: ArtifactSnapshot, next: ArtifactSnapshot): DriftChange[] {
  const out: DriftChange[] = [];
  if (prev.runtime && next.runtime) {
    const a = `${prev.runtime.version} ${prev.runtime.sha256 ?? "?"}`;
    const b = `${next.runtime.version} ${next.runtime.sha256 ?? "?"}`;
    if (prev.runtime.execPath !== next.runtime.execPath || a !== b) {
      out.push({ what: "runtime", name: next.runtime.execPath, before: `${prev.runtime.execPath} ${a}`, after: `${next.runtime.execPath} ${b}` });
    }
  }
  const diff = (what: "lockfile" | "package", x: Record<string, string>, y: Record<string, string>) => {
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const before = Object.hasOwn(x, k) ? x[k] : null;
      const after = Object.hasOwn(y, k) ? y[k] : null;
      if (before !== after) out.push({ what, name: k, before, after });
    }
  };
  diff("lockfile", prev.lockfiles, next.lockfiles);
  diff("package", prev.packages, next.packages);
  return out;
}

export function stateFileFor(stateDir: string, commandKey: string): string {
  return join(stateDir, `${sha256Text(commandKey).slice(0, 16)}.json`);
}

function isSnapshot(v: unknown): v is ArtifactSnapshot {
  if (!v || typeof v !== "object") return false;
  const s = v as Record<string, unknown>;
  return typeof s.lockfiles === "object" && s.lockfiles !== null && typeof s.packages === "object" && s.packages !== null && Array.isArray(s.binaries);
}

export async function loadSnapshot(file: string): Promise<ArtifactSnapshot | null> {
  try {
    const v: unknown = JSON.parse(await readFile(file, "utf8"));
    return isSnapshot(v) ? v : null;
  } catch {
    return null;
  }
}

export async function saveSnapshot(file: string, snap: ArtifactSnapshot): Promise<void> {
  await mkdir(join(file, ".."), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(snap), { mode: 0o600 });
  await rename(tmp, file);
}

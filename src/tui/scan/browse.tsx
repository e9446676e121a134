// `trustrun scan` on a terminal: the interactive result browser. Resolves when the user quits.
import { readFileSync, realpathSync } from "node:fs";
import { isAbsolute, relative, resolve } from "node:path";
import { render } from "ink";
import type { Finding } from "../../core/types.ts";
import { ScanBrowser } from "./ScanBrowser.tsx";

export interface BrowseOptions {
  stdout?: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
}

/** Reads files under root only (a finding's path never leads the browser outside the scanned tree). */
export function fileReader(root: string, maxBytes = 5_000_000): (file: string) => string | null {
  let base: string;
  try {
    base = realpathSync(root);
  } catch {
    return () => null;
  }
  return (file) => {
    try {
      const real = realpathSync(resolve(base, file));
      const rel = relative(base, real);
      if (rel.startsWith("..") || isAbsolute(rel)) return null;
      const buf = readFileSync(real);
      return buf.length > maxBytes ? null : buf.toString("utf8");
    } catch {
      return null;
    }
  };
}

/** Shows the browser until q; false (nothing shown) when stdin or stdout is not a terminal. */
export async function browseScan(result: { root: string; findings: Finding[] }, opts: BrowseOptions = {}): Promise<boolean> {
  const stdout = opts.stdout ?? process.stdout;
  const stdin = opts.stdin ?? process.stdin;
  if (!stdout.isTTY || !stdin.isTTY || typeof stdin.setRawMode !== "function") return false;
  let quit!: () => void;
  const done = new Promise<void>((r) => (quit = r));
  const restore = () => stdout.write("\x1b[?1049l\x1b[?25h\x1b[0m");
  process.on("exit", restore);
  const app = render(<ScanBrowser root={result.root} findings={result.findings} readFile={fileReader(result.root)} onQuit={() => quit()} />, {
    stdout, stdin, exitOnCtrlC: false, patchConsole: false, interactive: true, alternateScreen: true,
  });
  await done;
  app.unmount();
  let t: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([app.waitUntilExit().catch(() => undefined), new Promise((r) => (t = setTimeout(r, 1000)))]);
  clearTimeout(t);
  process.off("exit", restore);
  return true;
}

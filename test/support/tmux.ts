// A private tmux server for terminal tests: commands, pane text, and a bounded wait that shows the
// pane when it gives up.

export interface TmuxServer {
  /** Runs `tmux -L SOCKET ARGS...`; returns its stdout. */
  run(...args: string[]): string;
  /** The visible text of a session's pane. */
  pane(session: string): string;
  /** Polls fn every 100 ms until it returns something truthy; throws (with the pane) after timeoutMs. */
  waitFor<T>(what: string, fn: () => T | null | undefined | false, opts?: { timeoutMs?: number; show?: string }): Promise<T>;
  kill(): void;
}

export function tmuxServer(socket: string): TmuxServer {
  const run = (...args: string[]) => Bun.spawnSync(["tmux", "-L", socket, ...args], { stdout: "pipe", stderr: "pipe" }).stdout.toString();
  const pane = (session: string) => run("capture-pane", "-p", "-t", session);
  return {
    run,
    pane,
    async waitFor(what, fn, opts = {}) {
      const until = Date.now() + (opts.timeoutMs ?? 20000);
      while (Date.now() < until) {
        const v = fn();
        if (v) return v;
        await Bun.sleep(100);
      }
      throw new Error(`timed out waiting for ${what}${opts.show ? `\n${pane(opts.show)}` : ""}`);
    },
    kill() {
      Bun.spawnSync(["tmux", "-L", socket, "kill-server"], { stderr: "ignore" });
    },
  };
}

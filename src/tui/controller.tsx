// Starts the live screen and hands back what the CLI needs: push events in, ask questions,
// learn how the user left, and always give the terminal back the way it was.
import { render, type Instance } from "ink";
import type { DefaultAction, PromptAnswer, PromptRequest, TrustRunEvent } from "../core/types.ts";
import { TuiRoot } from "./components/TuiRoot.tsx";
import type { TuiActions, TuiExitReason } from "./contexts/actions-context.ts";
import { createLiveModel } from "./state/live-model.ts";
import { createControlStore } from "./state/ui-store.ts";
import { enqueuePrompt, takeExpired, takeHead, answerLabels, timeoutAnswerFor } from "./state/prompts.ts";
import { destinationLabel, type LearnedDecision } from "./state/learned.ts";
import type { ProcessLookup } from "./state/detail.ts";

export type { TuiExitReason } from "./contexts/actions-context.ts";

export interface TuiOptions {
  mode: "run" | "watch";
  learn: boolean;
  /** Where the screen is drawn (run: stderr, the target owns stdout). */
  stdout: NodeJS.WriteStream;
  stdin?: NodeJS.ReadStream;
  flushHz?: number;
  lookup?: ProcessLookup;
  /** The policy's default before learning made it `prompt`: what an unanswered question becomes. */
  defaultAction?: DefaultAction;
  /** How the countdown names what happens at the deadline ("deny", "alert", ...). */
  timeoutLabel?: string;
  alternateScreen?: boolean;
  /** SIGTERM/SIGHUP close the screen (the caller's own handlers still run). Default true. */
  handleSignals?: boolean;
}

export interface TuiController {
  push(events: TrustRunEvent[]): void;
  note(message: string): void;
  /** Text the command wrote (run under the screen), shown in the output view. */
  output(text: string): void;
  /** Learning mode's question; resolves when answered, at the deadline, or when the screen closes. */
  prompt(req: PromptRequest): Promise<PromptAnswer | "timeout">;
  targetExited(code: number | null): void;
  /** How the user left the screen. */
  exited: Promise<TuiExitReason>;
  /** Unmounts and restores the terminal; safe to call more than once. */
  close(): Promise<void>;
  decisions(): LearnedDecision[];
  /** Where the detail panel finds parent processes (set once the capture session exists). */
  setProcessLookup(lookup: ProcessLookup | undefined): void;
  /** Whether keys can be read (a TTY on stdin). */
  interactive: boolean;
}

const RESTORE = "\x1b[?1049l\x1b[?25h\x1b[0m";
/** Answer a little before the capture session's own timer, so the chosen default is what applies. */
const EARLY_MS = 300;

export function startTui(opts: TuiOptions): TuiController {
  const stdin = opts.stdin ?? process.stdin;
  const interactive = stdin.isTTY === true && typeof stdin.setRawMode === "function";
  const model = createLiveModel();
  const fallback = opts.defaultAction ? timeoutAnswerFor(opts.defaultAction) : { answer: null, label: "policy default" };
  const timeoutLabel = opts.timeoutLabel ?? fallback.label;
  let lookup = opts.lookup;
  const lookupRef: ProcessLookup = (pid) => lookup?.(pid) ?? null;
  const control = createControlStore();
  const waiting = new Map<string, (a: PromptAnswer | "timeout") => void>();
  const decisions: LearnedDecision[] = [];
  let instance: Instance | null = null;
  let closed = false;
  let leave!: (reason: TuiExitReason) => void;
  const exited = new Promise<TuiExitReason>((resolve) => (leave = resolve));

  // After `k` the tree is gone: what it still asks (connections reported late) is not asked.
  let treeKilled = false;

  /** Resolves the waiting requests with `answer`; the summary records `recorded` (default: the answer). */
  function settle(reqs: PromptRequest[], answer: PromptAnswer | "timeout", recorded: LearnedDecision["answer"] = answer): void {
    for (const r of reqs) {
      decisions.push({ ts: Date.now(), answer: recorded, req: r });
      waiting.get(r.id)?.(answer);
      waiting.delete(r.id);
    }
  }

  /** Questions of a tree that has ended: nobody needs their answer. They leave the screen at once. */
  function dropAll(answer: PromptAnswer | "timeout", status: (dropped: string) => string): void {
    const open = control.get().prompts;
    if (!open.length) return;
    const n = `${open.length} question${open.length === 1 ? "" : "s"} dropped`;
    control.set((s) => ({ ...s, prompts: [], status: status(n) }));
    settle(open, answer, "dropped");
  }

  const actions: TuiActions = {
    answer(answer) {
      const { answered, rest } = takeHead(control.get().prompts);
      if (!answered.length) return;
      control.set((s) => ({ ...s, prompts: rest, status: `${destinationLabel(answered[0])}: ${answerLabels[answer]}` }));
      settle(answered, answer);
      if (answer === "kill") {
        // Every question came from the tree just killed; a "kill" answer makes sure of anything left of it.
        treeKilled = true;
        dropAll("kill", (n) => `${destinationLabel(answered[0])}: ${answerLabels.kill}; ${n}`);
      }
    },
    exit(reason) {
      leave(reason);
    },
  };

  const expiry = setInterval(() => {
    const { expired, rest } = takeExpired(control.get().prompts, Date.now() + EARLY_MS);
    if (!expired.length) return;
    control.set((s) => ({ ...s, prompts: rest, status: `${destinationLabel(expired[0])}: no answer, ${timeoutLabel}` }));
    settle(expired, "timeout", "timeout");
  }, 200);

  function restoreNow(): void {
    if (closed || !instance) return;
    try {
      if (interactive) stdin.setRawMode?.(false);
      opts.stdout.write(RESTORE);
    } catch {
      /* the terminal is gone */
    }
  }
  const onSignal = () => {
    leave("signal");
    void close();
  };
  const onCrash = () => restoreNow();
  process.on("exit", restoreNow);
  process.prependListener("uncaughtException", onCrash);
  if (opts.handleSignals !== false) for (const s of ["SIGTERM", "SIGHUP"] as const) process.on(s, onSignal);

  async function close(): Promise<void> {
    if (closed) return;
    clearInterval(expiry);
    // Nobody can answer any more: every open question takes the default now.
    const open = control.get().prompts;
    control.set((s) => ({ ...s, prompts: [] }));
    settle(open, "timeout", "timeout");
    const inst = instance;
    instance = null;
    if (inst) {
      inst.unmount();
      // Bounded: a stream that never confirms its last write must not keep trustrun from exiting.
      let t: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([inst.waitUntilExit().catch(() => undefined), new Promise((r) => (t = setTimeout(r, 1000)))]);
      clearTimeout(t);
    }
    closed = true;
    process.off("exit", restoreNow);
    process.off("uncaughtException", onCrash);
    for (const s of ["SIGTERM", "SIGHUP"] as const) process.off(s, onSignal);
    leave("quit");
  }

  instance = render(
    <TuiRoot
      model={model} control={control} actions={actions} mode={opts.mode} learn={opts.learn} flushHz={opts.flushHz}
      lookup={lookupRef} timeoutAction={timeoutLabel}
    />,
    {
      stdout: opts.stdout, stdin, stderr: opts.stdout, exitOnCtrlC: false, patchConsole: false,
      interactive: true, alternateScreen: opts.alternateScreen ?? true, maxFps: 10,
    },
  );

  return {
    push: (events) => model.push(events),
    note: (m) => model.note(m),
    output: (text) => model.appendOutput(text),
    prompt(req) {
      if (closed || !interactive) return Promise.resolve("timeout");
      if (treeKilled) {
        settle([req], "kill", "dropped");
        return Promise.resolve("kill");
      }
      return new Promise((resolve) => {
        waiting.set(req.id, resolve);
        control.set((s) => ({ ...s, prompts: enqueuePrompt(s.prompts, req) }));
      });
    },
    targetExited(code) {
      control.set((s) => ({ ...s, targetExit: code }));
      dropAll("timeout", (n) => `${n}: the command exited`);
    },
    exited,
    close,
    decisions: () => decisions.slice(),
    setProcessLookup(fn) {
      lookup = fn;
    },
    interactive,
  };
}

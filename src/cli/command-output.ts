// Under the live screen the command's own output would land on the screen and garble it; it goes
// to a file of the session instead (never lost), and its last lines are shown once the screen has
// given the terminal back.
import { closeSync, mkdirSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { dirname } from "node:path";
import { commandOutputPath } from "../store/retention.ts";

export interface CommandOutputLog {
  path: string;
  /** The descriptor the command writes its stdout and stderr to. */
  fd: number;
  /** Closes this process's descriptor (the command keeps its own). */
  closeOurs(): void;
  /** The last `lines` lines (from the last 64 KB), or "" when the command wrote nothing. */
  tail(lines?: number): string;
  /** Removes the file when the command never ran (a failed probe attach). */
  discardIfEmpty(): void;
  /** Calls onText with what the command writes, as it writes it (read every `intervalMs`); returns stop. */
  follow(onText: (text: string) => void, intervalMs?: number): () => void;
}

export function openCommandOutputLog(home: string, sessionId: string): CommandOutputLog {
  const path = commandOutputPath(sessionId, home);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // 0600: the command's output can hold anything, PHI included.
  const fd = openSync(path, "a", 0o600);
  let open = true;
  return {
    path,
    fd,
    closeOurs() {
      if (!open) return;
      open = false;
      closeSync(fd);
    },
    tail(lines = 20) {
      let size = 0;
      try {
        size = statSync(path).size;
      } catch {
        return "";
      }
      if (size === 0) return "";
      const want = Math.min(size, 64 * 1024);
      const buf = Buffer.alloc(want);
      const rfd = openSync(path, "r");
      try {
        readSync(rfd, buf, 0, want, size - want);
      } finally {
        closeSync(rfd);
      }
      const text = buf.toString("utf8").replace(/\n$/, "");
      return text.split("\n").slice(-lines).join("\n");
    },
    follow(onText, intervalMs = 250) {
      let offset = 0;
      const decoder = new TextDecoder();
      const chunk = Buffer.alloc(256 * 1024);
      const read = () => {
        let rfd: number;
        try {
          rfd = openSync(path, "r");
        } catch {
          return;
        }
        try {
          // Bounded per tick: a command writing very fast is shown a little behind, never all at once.
          for (let i = 0; i < 4; i++) {
            const n = readSync(rfd, chunk, 0, chunk.length, offset);
            if (n <= 0) break;
            offset += n;
            onText(decoder.decode(chunk.subarray(0, n), { stream: true }));
          }
        } catch {
          /* a read error: try again next tick */
        } finally {
          closeSync(rfd);
        }
      };
      const timer = setInterval(read, intervalMs);
      (timer as { unref?: () => void }).unref?.();
      return () => {
        clearInterval(timer);
        read();
      };
    },
    discardIfEmpty() {
      try {
        if (statSync(path).size === 0) rmSync(path, { force: true });
      } catch {
        /* gone already */
      }
    },
  };
}

// Pull-style reading over a socket (or TLS socket): the proxy reads a head, decides, and only
// then forwards, so nothing reaches a server before the policy has answered.
import type { Duplex } from "node:stream";
import { findHeadEnd, MAX_HEAD_BYTES } from "./http-head.ts";

export interface StreamReader {
  /** The next chunk, or null at end of stream (or error). */
  read(): Promise<Buffer | null>;
  unshift(buf: Buffer): void;
  /** The head up to and including the blank line, and the bytes after it; null at EOF, "too-large" past the limit. */
  readHead(): Promise<{ head: string; rest: Buffer } | null | "too-large">;
  /** One line (for the relay preamble); null at EOF or past max bytes. */
  readLine(max: number): Promise<string | null>;
  /** Stops listening and returns what was buffered. */
  detach(): Buffer[];
  readonly ended: boolean;
}

export function createReader(stream: Duplex): StreamReader {
  const queue: Buffer[] = [];
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const w = wake;
    wake = null;
    w?.();
  };
  const onData = (c: Buffer) => {
    queue.push(c);
    if (queue.length > 8) stream.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  stream.on("data", onData);
  stream.on("end", onEnd);
  stream.on("close", onEnd);
  stream.on("error", onEnd);
  stream.resume(); // a socket paused by an earlier reader (detach) flows again

  async function read(): Promise<Buffer | null> {
    while (queue.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
    const c = queue.shift();
    if (queue.length < 2) stream.resume();
    return c ?? null;
  }

  async function readUntil(find: (buf: Buffer, from: number) => number, max: number): Promise<{ upTo: Buffer; rest: Buffer } | null | "too-large"> {
    let buf: Buffer = Buffer.alloc(0);
    for (;;) {
      const chunk = await read();
      if (!chunk) return null;
      const from = buf.length;
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      const end = find(buf, from);
      if (end >= 0) return { upTo: buf.subarray(0, end), rest: buf.subarray(end) };
      if (buf.length > max) return "too-large";
    }
  }

  return {
    read,
    unshift(buf) {
      if (buf.length) queue.unshift(buf);
    },
    async readHead() {
      const r = await readUntil((b, from) => findHeadEnd(b, from), MAX_HEAD_BYTES);
      if (r === null || r === "too-large") return r;
      return { head: r.upTo.toString("latin1"), rest: r.rest };
    },
    async readLine(max) {
      const r = await readUntil((b, from) => {
        const i = b.indexOf(10, from);
        return i < 0 ? -1 : i + 1;
      }, max);
      if (r === null || r === "too-large") return null;
      if (r.rest.length) queue.unshift(r.rest);
      return r.upTo.toString("latin1").replace(/\r?\n$/, "");
    },
    detach() {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("close", onEnd);
      stream.off("error", onEnd);
      stream.pause();
      return queue.splice(0);
    },
    get ended() {
      return ended;
    },
  };
}

/** Writes and waits for the buffer to drain, so a slow reader slows the writer instead of filling memory. */
export async function writeAll(stream: Duplex, data: Uint8Array | string): Promise<boolean> {
  if (stream.destroyed || stream.writableEnded) return false;
  if (stream.write(data)) return true;
  return await new Promise<boolean>((resolve) => {
    const done = (ok: boolean) => {
      stream.off("drain", onDrain);
      stream.off("close", onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    stream.on("drain", onDrain);
    stream.on("close", onClose);
  });
}

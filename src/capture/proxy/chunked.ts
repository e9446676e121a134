// A streaming decoder for HTTP/1.1 chunked bodies. The proxy needs to know exactly where a
// request body ends (so nothing after it slips upstream unjudged) and wants the decoded bytes for
// full capture. Untrusted input: malformed framing yields an error state, never an exception.

export interface ChunkedStep {
  /** Bytes of this push that belong to the body (framing included); the rest is not ours. */
  consumed: number;
  /** Decoded payload bytes found in this push. */
  data: Uint8Array[];
  done: boolean;
  error?: string;
}

const MAX_LINE = 4096;

export function createChunkedDecoder() {
  let state: "size" | "data" | "data-crlf" | "trailer" | "done" | "error" = "size";
  let line = "";
  let remaining = 0;
  let error: string | undefined;

  function fail(message: string): void {
    state = "error";
    error = message;
  }

  function push(buf: Uint8Array): ChunkedStep {
    const data: Uint8Array[] = [];
    let i = 0;
    while (i < buf.length && state !== "done" && state !== "error") {
      if (state === "data") {
        const n = Math.min(remaining, buf.length - i);
        data.push(buf.subarray(i, i + n));
        i += n;
        remaining -= n;
        if (remaining === 0) state = "data-crlf";
        continue;
      }
      const c = buf[i++]!;
      if (c !== 10) {
        line += String.fromCharCode(c);
        if (line.length > MAX_LINE) fail("chunk line too long");
        continue;
      }
      if (!line.endsWith("\r")) {
        fail("bare LF in chunk framing");
        break;
      }
      const text = line.slice(0, -1);
      line = "";
      if (state === "size") {
        const m = /^([0-9A-Fa-f]{1,12})(?:;.*)?$/.exec(text);
        if (!m) {
          fail("malformed chunk size");
          break;
        }
        remaining = parseInt(m[1]!, 16);
        state = remaining === 0 ? "trailer" : "data";
      } else if (state === "data-crlf") {
        if (text !== "") {
          fail("chunk data longer than its size");
          break;
        }
        state = "size";
      } else if (state === "trailer") {
        if (text === "") state = "done";
        else if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+:/.test(text)) {
          fail("malformed trailer");
          break;
        }
      }
    }
    return { consumed: i, data, done: state === "done", ...(state === "error" ? { error } : {}) };
  }

  return { push, get done() { return state === "done"; } };
}

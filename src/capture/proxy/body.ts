// Body capture for the `full` level: at most `cap` bytes kept, decompressed when complete,
// decoded as text when it is text, and passed through redaction before it is stored.
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { redactText } from "../../core/redact.ts";
import { headerValue, type HeaderList } from "./http-head.ts";

export const DEFAULT_BODY_CAP = 64 * 1024;

export function createBodyCapture(cap: number) {
  const chunks: Uint8Array[] = [];
  let kept = 0;
  let seen = 0;
  return {
    add(chunk: Uint8Array): void {
      seen += chunk.length;
      if (kept >= cap) return;
      const part = chunk.subarray(0, cap - kept);
      chunks.push(Uint8Array.from(part));
      kept += part.length;
    },
    get size() {
      return seen;
    },
    get truncated() {
      return seen > kept;
    },
    bytes(): Uint8Array {
      return Buffer.concat(chunks);
    },
  };
}

const textual = /^(text\/|application\/(?:[\w.+-]*\+)?(?:json|xml|x-www-form-urlencoded|javascript|graphql|x-ndjson|ndjson|yaml)|application\/(?:json|xml))/i;
const secretJsonKey = /("(?:[\w.-]*(?:pass(?:word|wd)?|secret|token|api[_-]?key|apikey|access[_-]?key|auth(?:orization)?|credential|private[_-]?key|session[_-]?id|cookie|signature)[\w.-]*)"\s*:\s*)("(?:[^"\\]|\\.)*"|[^\s,}\]]+)/gi;

/** Secrets in a text body hidden: JSON fields named like secrets, then the shared text redaction. */
export function redactBodyText(text: string): string {
  return redactText(text.replace(secretJsonKey, (_m, key) => `${key}"[REDACTED]"`));
}

function decompress(bytes: Uint8Array, encoding: string): Uint8Array | null {
  try {
    if (encoding === "gzip" || encoding === "x-gzip") return gunzipSync(bytes);
    if (encoding === "deflate") return inflateSync(bytes);
    if (encoding === "br") return brotliDecompressSync(bytes);
  } catch {
    return null;
  }
  return encoding === "identity" || encoding === "" ? bytes : null;
}

/** What is stored for one body: redacted text, or a short description of what it was. */
export function renderBody(bytes: Uint8Array, total: number, truncated: boolean, headers: HeaderList): string {
  if (total === 0) return "";
  const encoding = (headerValue(headers, "content-encoding") ?? "").trim().toLowerCase();
  const type = headerValue(headers, "content-type") ?? "";
  let plain: Uint8Array | null = bytes;
  if (encoding && encoding !== "identity") {
    plain = truncated ? null : decompress(bytes, encoding);
    if (!plain) return `[${total} bytes, content-encoding ${encoding.slice(0, 40)}${truncated ? ", truncated before it could be decoded" : ", not decodable"}]`;
  }
  const looksText = type ? textual.test(type) : true;
  if (!looksText) return `[${total} bytes of ${type.slice(0, 80)}]`;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: !truncated }).decode(plain);
  } catch {
    return `[${total} bytes, not UTF-8 text]`;
  }
  return redactBodyText(text) + (truncated ? `\n[truncated: ${total} bytes in all]` : "");
}

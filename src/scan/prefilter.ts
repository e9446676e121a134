// Cheap tests for "might this file call the network through a library we analyze?". Files that
// fail never get parsed (their URLs and secrets still come from the regex pass).
import type { Grammar } from "./languages.ts";

const pyModules = String.raw`(?:requests|httpx|urllib3?|aiohttp|openai|anthropic|boto3|aioboto3|azure|websockets?|websocket|http\.client|langchain_openai|langchain_anthropic|(?:langchain_community|langchain)\.(?:chat_models|llms|embeddings)|llama_index\.(?:core\.|legacy\.)?(?:llms|embeddings))\b`;
// `import os, sys, openai` and `import os as o, openai` (with `\` continuations), `from openai
// import ...`, `from http import client` and `from http import (\n    server,\n    client,\n)`.
const python = new RegExp(
  String.raw`\bimport\s+(?:[\w.]+(?:\s+as\s+\w+)?\s*,[\s\\]*)*${pyModules}` +
    String.raw`|\bfrom\s+${pyModules}` +
    String.raw`|\bfrom\s+http\s+import[\s(\\]+(?:\w+(?:\s+as\s+\w+)?\s*,[\s\\]*)*client\b` +
    String.raw`|\burllib\.request\b`,
);
const javascript = /\bfetch\s*\(|\baxios\b|\bgot\b|['"](?:node:)?https?['"]|\bhttps?\.(?:request|get)\b|\bWebSocket\b|\bEventSource\b|['"](?:openai|@anthropic-ai\/sdk|@azure\/openai|undici|node-fetch|cross-fetch|isomorphic-fetch|ky|superagent|needle|ws|isomorphic-ws|eventsource|@langchain\/(?:openai|anthropic)|langchain\/(?:chat_models|llms|embeddings)\/(?:openai|anthropic))['"]|@aws-sdk\/client-/;
const r = /\bhttr2?\b|\bcurl\b|download\.file|RCurl|getURL|redcap|dbConnect|dbPool|entrez_|chat_\w+\(|\bmongo\(|\b(?:GET|POST|PUT|PATCH|DELETE|VERB)\(|:\/\//;

const byGrammar: Record<Grammar, RegExp> = { python, javascript, typescript: javascript, tsx: javascript, r };

export function mightCallNetwork(text: string, grammar: Grammar): boolean {
  return byGrammar[grammar].test(text);
}

/** A line longer than this is long. */
const longLine = 5000;
/** How much of a long line is looked at to tell code from data: this much at its start, middle and end. */
const sample = 1024;
const codePunctuation = /[;{}()]/g;

/**
 * A long line of data (a base64 logo, a long prompt, a key) holds almost none of `;{}()`; a
 * minified line of code is full of them (10-20% of its characters).
 */
function longCodeLine(text: string, start: number, end: number): boolean {
  const mid = (start + end - sample) >> 1;
  const part = text.slice(start, start + sample) + text.slice(mid, mid + sample) + text.slice(end - sample, end);
  return (part.match(codePunctuation)?.length ?? 0) > part.length * 0.02;
}

/**
 * Minified or generated: long lines of code make most of the file (a bundle on one line), or its
 * lines are long on average (over 300 characters). A long line of data in ordinary source (a base64
 * image, a prompt) counts for neither: the rest of the file is parsed as usual.
 */
export function looksMinified(text: string): boolean {
  if (text.length < longLine) return false;
  let lines = 0;
  let codeLong = 0; // characters in long lines of code
  let dataLong = 0; // characters and lines in long lines of data
  let dataLines = 0;
  for (let start = 0; start <= text.length; ) {
    let end = text.indexOf("\n", start);
    if (end === -1) end = text.length;
    lines++;
    const len = end - start;
    if (len > longLine) {
      if (longCodeLine(text, start, end)) codeLong += len;
      else {
        dataLong += len;
        dataLines++;
      }
    }
    start = end + 1;
  }
  if (codeLong > text.length / 2) return true;
  const restLines = lines - dataLines;
  return restLines > 0 && (text.length - dataLong) / restLines > 300;
}

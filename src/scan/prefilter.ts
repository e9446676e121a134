// Cheap tests for "might this file call the network through a library we analyze?". Files that
// fail never get parsed (their URLs and secrets still come from the regex pass).
import type { Grammar } from "./languages.ts";

const python = /\b(?:import|from)\s+(?:requests|httpx|urllib3?|aiohttp|openai|anthropic|boto3|aioboto3|azure|websockets?|websocket|http\.client|http\s+import\s+client)\b|\burllib\.request\b/;
const javascript = /\bfetch\s*\(|\baxios\b|\bgot\b|['"](?:node:)?https?['"]|\bhttps?\.(?:request|get)\b|\bWebSocket\b|\bEventSource\b|['"](?:openai|@anthropic-ai\/sdk|@azure\/openai|undici|node-fetch|cross-fetch|isomorphic-fetch|ky|superagent|needle|ws|isomorphic-ws|eventsource)['"]|@aws-sdk\/client-/;
const r = /\bhttr2?\b|\bcurl\b|download\.file|RCurl|getURL|redcap|dbConnect|dbPool|entrez_|chat_\w+\(|\bmongo\(|\b(?:GET|POST|PUT|PATCH|DELETE|VERB)\(|:\/\//;

const byGrammar: Record<Grammar, RegExp> = { python, javascript, typescript: javascript, tsx: javascript, r };

export function mightCallNetwork(text: string, grammar: Grammar): boolean {
  return byGrammar[grammar].test(text);
}

/** Minified or generated: very long lines make parsing slow and findings useless. */
export function looksMinified(text: string): boolean {
  if (text.length < 5000) return false;
  let lines = 1;
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) {
    lines++;
    if (i - start > longest) longest = i - start;
    start = i + 1;
  }
  if (text.length - start > longest) longest = text.length - start;
  return longest > 5000 || text.length / lines > 300;
}

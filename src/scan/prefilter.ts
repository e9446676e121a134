// Cheap test for "might this file call the network?": files without any of these never get parsed.
const networkish = /:\/\/|requests|httpx|urllib|aiohttp|openai|OpenAI|anthropic|Anthropic|boto3|azure|Azure|fetch|axios|\bgot\b|https?\.(?:request|get)|http\.client|WebSocket|websocket|EventSource|@aws-sdk|Client\(|httr|curl|download\.file|RCurl|request\(|redcap|dbConnect|base_url|baseURL|endpoint|hostname|entrez/;

export function mightCallNetwork(text: string): boolean {
  return networkish.test(text);
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

// Worker entry: parses and analyzes one file per message.
import { analyzeSource } from "./analyze.ts";
import type { ParseAnswer, ParseJob } from "./job.ts";

declare const self: Worker;

self.onmessage = async (ev: MessageEvent<ParseJob>) => {
  const { id, text, grammar, language } = ev.data;
  let answer: ParseAnswer;
  try {
    answer = { id, findings: await analyzeSource(text, grammar, language) };
  } catch (err) {
    answer = { id, findings: [], error: (err as Error)?.message ?? String(err) };
  }
  self.postMessage(answer);
};

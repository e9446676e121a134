// Worker entry: scans one file per message (regex pass, secrets, tree-sitter).
import { scanFile, type FileAnswer, type FileJob } from "../file-scan.ts";

declare const self: Worker;

self.onmessage = async (ev: MessageEvent<FileJob>) => {
  let answer: FileAnswer;
  try {
    answer = await scanFile(ev.data);
  } catch (err) {
    answer = { id: ev.data.id, findings: [], parsed: false, skipped: `scan failed: ${(err as Error)?.message ?? err}` };
  }
  self.postMessage(answer);
};

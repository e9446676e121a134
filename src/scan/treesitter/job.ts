// A parse job as sent to a worker (or run inline), and its answer.
import type { Grammar } from "../languages.ts";
import type { RawFinding } from "../types.ts";

export interface ParseJob {
  id: number;
  text: string;
  grammar: Grammar;
  language: string;
}

export interface ParseAnswer {
  id: number;
  findings: RawFinding[];
  error?: string;
}

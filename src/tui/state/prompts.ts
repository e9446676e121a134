// The queue of open learning-mode questions. The head is on screen; answering it answers every
// queued request for the same destination (the capture session asks once per destination, but
// a request may be re-asked after a once-only answer).
import type { DefaultAction, PromptAnswer, PromptRequest } from "../../core/types.ts";
import { destinationKey } from "./destinations.ts";

export function promptKey(req: PromptRequest): string {
  return destinationKey(req.host, req.dst.ip, req.dst.port, req.proto);
}

export function enqueuePrompt(queue: PromptRequest[], req: PromptRequest): PromptRequest[] {
  if (queue.some((q) => q.id === req.id)) return queue;
  return [...queue, req];
}

/** Splits off the head and every request for the same destination. */
export function takeHead(queue: PromptRequest[]): { answered: PromptRequest[]; rest: PromptRequest[] } {
  if (!queue.length) return { answered: [], rest: queue };
  const key = promptKey(queue[0]);
  return { answered: queue.filter((q) => promptKey(q) === key), rest: queue.filter((q) => promptKey(q) !== key) };
}

/** Requests whose deadline has passed (the policy default applies to them). */
export function takeExpired(queue: PromptRequest[], now: number): { expired: PromptRequest[]; rest: PromptRequest[] } {
  return { expired: queue.filter((q) => q.deadline <= now), rest: queue.filter((q) => q.deadline > now) };
}

export function secondsLeft(req: PromptRequest, now: number): number {
  // The screen's clock ticks twice a second: never show more than the question was given.
  return Math.max(0, Math.ceil((req.deadline - Math.max(now, req.ts)) / 1000));
}

export const answerLabels: Record<PromptAnswer, string> = {
  "allow-once": "allowed once",
  "allow-always": "always allowed",
  "deny-once": "denied once",
  "deny-always": "always denied",
  kill: "process tree killed",
};

/** What an unanswered question turns into: the policy's own default (an alert when that is prompt). */
export function timeoutAnswerFor(defaultAction: DefaultAction): { answer: PromptAnswer | null; label: string } {
  switch (defaultAction) {
    case "allow": return { answer: "allow-once", label: "allow" };
    case "block": return { answer: "deny-once", label: "deny" };
    case "kill": return { answer: "kill", label: "kill" };
    default: return { answer: null, label: "alert" };
  }
}

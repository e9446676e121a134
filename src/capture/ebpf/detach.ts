// Detaching a tracepoint program waits for a kernel RCU grace period (~60 ms each here), so eight
// detaches in a row take ~0.5 s. Worker threads let the grace periods overlap (~70 ms in all).
import type { Libbpf, Ptr } from "./libbpf.ts";

const WORKER_SOURCE = `
import { dlopen } from "bun:ffi";
const { symbols } = dlopen("libbpf.so.1", { bpf_link__destroy: { args: ["ptr"], returns: "i32" } });
self.onmessage = (e) => {
  for (const p of e.data) symbols.bpf_link__destroy(p);
  postMessage("done");
};
`;

const WORKER_TIMEOUT_MS = 5000;

type Outcome = "destroyed" | "failed" | "unknown";

function destroyInWorker(url: string, link: Ptr, workers: Worker[]): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let w: Worker;
    try {
      w = new Worker(url);
    } catch {
      resolve("failed");
      return;
    }
    workers.push(w);
    const timer = setTimeout(() => resolve("unknown"), WORKER_TIMEOUT_MS);
    w.onmessage = () => {
      clearTimeout(timer);
      resolve("destroyed");
    };
    w.onerror = () => {
      clearTimeout(timer);
      resolve("failed"); // the worker failed before it could destroy (dlopen or start-up)
    };
    w.postMessage([link]);
  });
}

/**
 * Destroys every link, in parallel where workers can start; falls back to one by one.
 * Returns how many were destroyed by workers.
 */
export async function destroyLinks(lib: Libbpf, links: Ptr[]): Promise<number> {
  if (links.length < 2) {
    for (const l of links) lib.bpf_link__destroy(l);
    return 0;
  }
  let url: string | null = null;
  try {
    url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: "application/typescript" }));
  } catch {
    url = null;
  }
  if (!url) {
    for (const l of links) lib.bpf_link__destroy(l);
    return 0;
  }
  const workers: Worker[] = [];
  try {
    const outcomes = await Promise.all(links.map((l) => destroyInWorker(url!, l, workers)));
    // "unknown" (a worker that never answered) is left alone: destroying twice would be a double
    // free, while a leaked link is closed with the process.
    links.forEach((l, i) => {
      if (outcomes[i] === "failed") lib.bpf_link__destroy(l);
    });
    return outcomes.filter((o) => o === "destroyed").length;
  } finally {
    for (const w of workers) w.terminate();
    URL.revokeObjectURL(url);
  }
}

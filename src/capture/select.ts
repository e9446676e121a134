import type { ProbeName } from "../core/types.ts";
import type { Availability, ProbeFactory } from "./probe.ts";

export interface ProbeChoice {
  chosen: ProbeFactory[];
  /** Probes that were wanted (or would be better) but cannot run, with why. */
  lost: Array<{ name: ProbeName; reason: string }>;
  /** True when at least one event-driven probe that knows pids runs. */
  complete: boolean;
}

// Best first. pcap knows hostnames but no pids: it joins a probe that knows pids.
const attributionOrder: ProbeName[] = ["ebpf", "ptrace", "sockdiag", "proc"];

export async function chooseProbes(
  mode: "run" | "watch",
  requested: string[],
  factories: ProbeFactory[],
): Promise<ProbeChoice> {
  const byName = new Map(factories.map((f) => [f.name as string, f]));
  const check = async (f: ProbeFactory): Promise<Availability> => {
    if (!f.modes.includes(mode)) return { ok: false, reason: `not usable with '${mode}'` };
    try {
      return await f.available(mode);
    } catch (err) {
      return { ok: false, reason: (err as Error).message };
    }
  };
  const chosen: ProbeFactory[] = [];
  const lost: ProbeChoice["lost"] = [];
  const auto = requested.length === 0 || requested.includes("auto");

  if (!auto) {
    for (const name of requested) {
      const f = byName.get(name);
      if (!f) throw new Error(`unknown probe '${name}' (choose from auto, ${[...byName.keys()].join(", ")})`);
      const a = await check(f);
      if (a.ok) chosen.push(f);
      else lost.push({ name: f.name, reason: a.reason ?? "unavailable" });
    }
  } else {
    let attributed = false;
    for (const name of attributionOrder) {
      const f = byName.get(name);
      if (!f) continue;
      const a = await check(f);
      if (a.ok) {
        chosen.push(f);
        attributed = true;
        // Polling probes complement each other; an event-driven one is enough alone.
        if (f.complete) break;
      } else if (!attributed) {
        lost.push({ name: f.name, reason: a.reason ?? "unavailable" });
      }
    }
    const pcap = byName.get("pcap");
    if (pcap) {
      const a = await check(pcap);
      if (a.ok) chosen.push(pcap);
      else lost.push({ name: "pcap", reason: `${a.reason ?? "unavailable"} (hostnames come only from DNS queries the probes see)` });
    }
  }
  const complete = chosen.some((f) => f.complete && f.name !== "pcap");
  return { chosen, lost, complete };
}

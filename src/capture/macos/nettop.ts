import { normalizeState, parseEndpoint, type MacConnection } from "./endpoint.ts";

/**
 * `nettop -L 1 -n -m tcp -J time,interface,state,bytes_in,bytes_out` CSV: a header line, then a
 * process row ("name.pid" in the second column) followed by that process's flow rows
 * ("tcp4 1.2.3.4:5<->6.7.8.9:443", IPv6 as "tcp6 2001:db8::1.5<->2001:db8::2.443").
 */
export const NETTOP_ARGV = ["nettop", "-L", "1", "-n", "-m", "tcp", "-J", "time,interface,state,bytes_in,bytes_out"];

export interface NettopConnection extends MacConnection {
  iface: string | null;
  bytesIn: number | null;
  bytesOut: number | null;
}

export function parseNettopCsv(text: string): NettopConnection[] {
  const out: NettopConnection[] = [];
  let cols: string[] | null = null;
  let pid: number | null = null;
  let command: string | null = null;
  for (const raw of text.split("\n")) {
    const line = raw.replace(/\r$/, "");
    if (!line.trim()) continue;
    const cells = line.split(",");
    if (cells[0] === "time") {
      cols = cells; // a header starts each sample; columns follow -J
      pid = null;
      continue;
    }
    if (!cols || cells.length < 2) continue;
    const name = cells[1];
    const flow = /^(tcp|udp)([46])\s+(.+?)<->(.+)$/.exec(name);
    if (!flow) {
      // A process row: the pid follows the last '.' (names may hold dots and spaces).
      const m = /^(.*)\.(\d+)$/.exec(name);
      pid = m ? Number(m[2]) : null;
      command = m ? m[1] : null;
      continue;
    }
    if (pid === null) continue;
    const get = (col: string) => {
      const i = cols!.indexOf(col);
      return i >= 0 && i < cells.length ? cells[i] : "";
    };
    const num = (col: string) => {
      const v = get(col);
      return /^\d+$/.test(v) ? Number(v) : null;
    };
    const v6 = flow[2] === "6";
    const local = parseEndpoint(flow[3], v6);
    const remote = parseEndpoint(flow[4], v6);
    out.push({
      pid, command, proto: flow[1] as "tcp" | "udp", local,
      remote: remote && remote.ip !== "*" ? remote : null,
      state: normalizeState(get("state")),
      iface: get("interface") || null,
      bytesIn: num("bytes_in"),
      bytesOut: num("bytes_out"),
    });
  }
  return out;
}

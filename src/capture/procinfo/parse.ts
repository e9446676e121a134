// Pure parsers of /proc/PID files. Input may be truncated or hostile (comm is chosen by the
// process itself), so every parser returns null/defaults instead of throwing.

export interface StatFields {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  /** Clock ticks since boot at which the process started (field 22). */
  startTime: number | null;
}

/**
 * /proc/PID/stat: "pid (comm) state ppid ...". comm may contain spaces and ')' so the
 * comm ends at the LAST ')' of the line.
 */
export function parseStat(text: string): StatFields | null {
  if (typeof text !== "string") return null;
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 1 || close < open) return null;
  const pid = toInt(text.slice(0, open).trim());
  if (pid === null || pid <= 0) return null;
  const comm = text.slice(open + 1, close);
  const rest = text.slice(close + 1).trim().split(/\s+/);
  const state = rest[0] ?? "";
  const ppid = toInt(rest[1] ?? "");
  if (!/^[A-Za-z]$/.test(state) || ppid === null || ppid < 0) return null;
  // rest[0] is field 3, so field 22 (starttime) is rest[19].
  const startTime = toInt(rest[19] ?? "");
  return { pid, comm, state, ppid, startTime };
}

export interface StatusFields {
  name: string | null;
  tgid: number | null;
  pid: number | null;
  ppid: number | null;
  /** Real uid (first of the four Uid: numbers). */
  uid: number | null;
}

/** /proc/PID/status: "Key:\tvalue" lines. */
export function parseStatus(text: string): StatusFields {
  const out: StatusFields = { name: null, tgid: null, pid: null, ppid: null, uid: null };
  if (typeof text !== "string") return out;
  for (const line of text.split("\n")) {
    const colon = line.indexOf(":");
    if (colon <= 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    switch (key) {
      case "Name":
        out.name = value;
        break;
      case "Tgid":
        out.tgid = toInt(value);
        break;
      case "Pid":
        out.pid = toInt(value);
        break;
      case "PPid":
        out.ppid = toInt(value);
        break;
      case "Uid":
        out.uid = toInt(value.split(/\s+/)[0] ?? "");
        break;
    }
  }
  return out;
}

/** /proc/PID/cmdline: NUL-separated argv, usually with a trailing NUL. */
export function parseCmdline(bytes: Uint8Array | string): string[] {
  const text = typeof bytes === "string" ? bytes : new TextDecoder().decode(bytes);
  if (text.length === 0) return [];
  const parts = text.split("\0");
  if (parts[parts.length - 1] === "") parts.pop();
  return parts;
}

/** "socket:[12345]" (readlink of /proc/PID/fd/N) → 12345. */
export function parseSocketLink(link: string): number | null {
  const m = /^socket:\[(\d+)\]$/.exec(link);
  return m ? toInt(m[1]!) : null;
}

export function toInt(s: string): number | null {
  if (!/^-?\d{1,15}$/.test(s)) return null;
  return Number(s);
}

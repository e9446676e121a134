import { normalizeState, parseEndpoint, type MacConnection } from "./endpoint.ts";

/**
 * `lsof -nP -iTCP -iUDP -FpcnPT` field output (one field a line, or NUL-terminated with -F0):
 * `p` starts a process set, `c` its command; `f` starts a file set, `P` protocol, `n` the
 * addresses ("local->remote"), `T` TCP info such as `TST=ESTABLISHED`. Unknown fields are skipped.
 */
export const LSOF_ARGV = ["lsof", "-nP", "-iTCP", "-iUDP", "-FpcnPT"];

export function parseLsofFields(text: string): MacConnection[] {
  const out: MacConnection[] = [];
  let pid: number | null = null;
  let command: string | null = null;
  let file: { proto: string | null; name: string | null; state: string | null } | null = null;

  function flush(): void {
    if (pid === null || !file || !file.name) { file = null; return; }
    const proto = file.proto?.toUpperCase();
    if (proto !== "TCP" && proto !== "UDP") { file = null; return; }
    const [l, r] = file.name.split("->");
    const local = parseEndpoint(l);
    const remote = r !== undefined ? parseEndpoint(r.replace(/\s*\(.*\)$/, "")) : null;
    if (local || remote) {
      out.push({
        pid, command, proto: proto === "TCP" ? "tcp" : "udp", local,
        remote: remote && remote.ip !== "*" ? remote : null,
        state: proto === "TCP" ? normalizeState(file.state) : null,
      });
    }
    file = null;
  }

  for (const raw of text.split(/[\n\0]/)) {
    const line = raw.replace(/\r$/, "");
    if (!line) continue;
    const tag = line[0];
    const value = line.slice(1);
    switch (tag) {
      case "p": {
        flush();
        const n = Number(value);
        pid = Number.isInteger(n) && n > 0 ? n : null;
        command = null;
        break;
      }
      case "c":
        command = value;
        break;
      case "f":
        flush();
        file = { proto: null, name: null, state: null };
        break;
      case "P":
        if (file) file.proto = value;
        break;
      case "n":
        if (file) file.name = value;
        break;
      case "T":
        if (file && value.startsWith("ST=")) file.state = value.slice(3);
        break;
      default:
        break;
    }
  }
  flush();
  return out;
}

import type { Endpoint } from "../../core/types.ts";
import { normalizeIp } from "../hostmap.ts";

/** A connection as macOS tools list it: owned by a pid, with local and (when connected) remote ends. */
export interface MacConnection {
  pid: number;
  command: string | null;
  proto: "tcp" | "udp";
  local: Endpoint | null;
  remote: Endpoint | null;
  /** TCP state in upper-snake form (ESTABLISHED, SYN_SENT, LISTEN, ...); null for UDP. */
  state: string | null;
}

function port(text: string): number | null {
  if (text === "*") return 0;
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

function host(text: string): string {
  if (text === "*") return "*";
  return normalizeIp(text);
}

/**
 * "1.2.3.4:443", "[2001:db8::1]:443", "*:*" (lsof style), or with `dotPort` the BSD/nettop style
 * "2001:db8::1.443" for IPv6. Returns null for what is not an address.
 */
export function parseEndpoint(text: string, dotPort = false): Endpoint | null {
  const t = text.trim();
  if (t.startsWith("[")) {
    const m = /^\[([^\]]+)\]:(\*|\d+)$/.exec(t);
    if (!m) return null;
    const p = port(m[2]);
    return p === null ? null : { ip: host(m[1]), port: p };
  }
  const colons = (t.match(/:/g) ?? []).length;
  let ipText: string, portText: string;
  if (colons > 1 || (dotPort && colons !== 1)) {
    // IPv6 without brackets: the port follows the last '.'
    const i = t.lastIndexOf(".");
    if (i < 0) return null;
    ipText = t.slice(0, i);
    portText = t.slice(i + 1);
  } else {
    const i = t.lastIndexOf(":");
    if (i < 0) return null;
    ipText = t.slice(0, i);
    portText = t.slice(i + 1);
  }
  const p = port(portText);
  if (p === null || !ipText) return null;
  if (ipText !== "*" && !/^[0-9a-fA-F:.%a-zA-Z0-9]+$/.test(ipText)) return null;
  return { ip: host(ipText), port: p };
}

/** nettop and lsof spell states differently; both become ESTABLISHED, SYN_SENT, CLOSE_WAIT, ... */
export function normalizeState(s: string | null | undefined): string | null {
  if (!s) return null;
  const t = s.trim();
  if (!t) return null;
  if (t.includes("_") || t === t.toUpperCase()) return t.toUpperCase();
  return t.replace(/([a-z])([A-Z])/g, "$1_$2").toUpperCase();
}

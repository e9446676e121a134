import type { Endpoint, Proto } from "../../core/types.ts";
import { formatIpv4, formatIpv6 } from "./ip-format.ts";

// Pure parser of /proc/net/{tcp,tcp6,udp,udp6}. Addresses there are the kernel's in-memory
// words printed in hex: each 32-bit word is in host byte order (little-endian here), so
// 0100007F is 127.0.0.1 and IPv6 is four such words.

export interface NetEntry {
  proto: Proto;
  local: Endpoint;
  remote: Endpoint;
  /** TCP state code (01 ESTABLISHED, 02 SYN_SENT, 0A LISTEN, ...); UDP 07 = unconnected. */
  state: number;
  uid: number;
  inode: number;
}

export const TCP_LISTEN = 0x0a;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** "0100007F:1F90" → {ip, port}; null when malformed. */
export function parseHexEndpoint(text: string): Endpoint | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(text);
  if (!m) return null;
  const hex = m[1]!;
  const bytes = new Uint8Array(hex.length / 2);
  for (let w = 0; w < hex.length / 8; w++) {
    for (let i = 0; i < 4; i++) {
      const byte = parseInt(hex.slice(w * 8 + i * 2, w * 8 + i * 2 + 2), 16);
      // Printed most significant first; on a little-endian host the first memory byte is last.
      bytes[w * 4 + (littleEndian ? 3 - i : i)] = byte;
    }
  }
  const ip = bytes.length === 4 ? formatIpv4(bytes) : formatIpv6(bytes);
  return { ip, port: parseInt(m[2]!, 16) };
}

/**
 * Every well-formed socket line of one /proc/net table; malformed lines are skipped.
 * `ownedOnly` skips sockets with no owner (inode 0: TIME_WAIT and the like) before the costly
 * address decoding; a busy host can list tens of thousands of those.
 */
export function parseProcNet(text: string, proto: Proto, ownedOnly = false): NetEntry[] {
  const out: NetEntry[] = [];
  if (typeof text !== "string") return out;
  for (const line of text.split("\n")) {
    const f = line.trim().split(/\s+/, 10);
    if (f.length < 10 || !/^\d+:$/.test(f[0]!)) continue;
    if (!/^\d+$/.test(f[7]!) || !/^\d+$/.test(f[9]!)) continue;
    const inode = Number(f[9]);
    if (ownedOnly && inode === 0) continue;
    const local = parseHexEndpoint(f[1]!);
    const remote = parseHexEndpoint(f[2]!);
    if (!local || !remote || !/^[0-9A-Fa-f]{2}$/.test(f[3]!)) continue;
    out.push({ proto, local, remote, state: parseInt(f[3]!, 16), uid: Number(f[7]), inode });
  }
  return out;
}

/** True when the remote end is unset (listening or unconnected UDP). */
export function isUnspecified(ep: Endpoint): boolean {
  return ep.port === 0 || ep.ip === "0.0.0.0" || ep.ip === "::";
}

import { DLT } from "./frames.ts";

/** Builds captured frames for tests: link header + IPv4/IPv6 + UDP/TCP + payload. Checksums are left zero. */

export interface FrameSpec {
  linktype: number;
  proto: "tcp" | "udp";
  src: string;
  dst: string;
  sport: number;
  dport: number;
  payload: Uint8Array;
  seq?: number;
  flags?: number;
  /** IPv6 extension headers to insert (hop-by-hop options of 8 bytes each). */
  v6HopByHop?: number;
  /** Prepend an 802.1Q tag (EN10MB only). */
  vlan?: number;
}

function v4(ip: string): number[] {
  return ip.split(".").map(Number);
}

function v6(ip: string): number[] {
  const [h, t] = ip.split("::");
  const head = h ? h.split(":") : [];
  const tail = t !== undefined && t ? t.split(":") : [];
  const groups = [...head, ...Array(8 - head.length - tail.length).fill("0"), ...tail].map((g) => parseInt(g, 16));
  return groups.flatMap((g) => [g >> 8, g & 0xff]);
}

export function buildFrame(s: FrameSpec): Uint8Array {
  const isV6 = s.src.includes(":");
  const l4: number[] = s.proto === "udp"
    ? [s.sport >> 8, s.sport & 0xff, s.dport >> 8, s.dport & 0xff, ((8 + s.payload.length) >> 8) & 0xff, (8 + s.payload.length) & 0xff, 0, 0]
    : [
        s.sport >> 8, s.sport & 0xff, s.dport >> 8, s.dport & 0xff,
        ...[24, 16, 8, 0].map((sh) => ((s.seq ?? 1000) >>> sh) & 0xff),
        0, 0, 0, 0, 0x50, s.flags ?? 0x18, 0xff, 0xff, 0, 0, 0, 0,
      ];
  const body = [...l4, ...s.payload];
  const protoNum = s.proto === "udp" ? 17 : 6;
  let ip: number[];
  if (!isV6) {
    const total = 20 + body.length;
    ip = [0x45, 0, total >> 8, total & 0xff, 0, 1, 0x40, 0, 64, protoNum, 0, 0, ...v4(s.src), ...v4(s.dst)];
  } else {
    const ext: number[] = [];
    const hops = s.v6HopByHop ?? 0;
    for (let i = 0; i < hops; i++) ext.push(i === hops - 1 ? protoNum : 0, 0, 1, 4, 0, 0, 0, 0);
    const plen = ext.length + body.length;
    ip = [0x60, 0, 0, 0, plen >> 8, plen & 0xff, hops ? 0 : protoNum, 64, ...v6(s.src), ...v6(s.dst), ...ext];
  }
  const ether = isV6 ? [0x86, 0xdd] : [0x08, 0x00];
  let link: number[];
  switch (s.linktype) {
    case DLT.EN10MB:
      link = [...new Array(12).fill(0), ...(s.vlan !== undefined ? [0x81, 0x00, 0, s.vlan] : []), ...ether];
      break;
    case DLT.LINUX_SLL:
      link = [0, 4, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, ...ether];
      break;
    case DLT.LINUX_SLL2:
      link = [...ether, 0, 0, 0, 0, 0, 1, 0, 1, 4, 6, 0, 0, 0, 0, 0, 0, 0, 0];
      break;
    case DLT.NULL:
      link = isV6 ? [30, 0, 0, 0] : [2, 0, 0, 0];
      break;
    default:
      link = [];
  }
  return new Uint8Array([...link, ...ip, ...body]);
}

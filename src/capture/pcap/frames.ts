import { formatIpv4, formatIpv6 } from "../dns.ts";

/**
 * Link + network + transport decoding of captured frames, down to the UDP/TCP payload.
 * Pure and bounds-checked: captured bytes are untrusted.
 */

export const DLT = {
  NULL: 0, // BSD loopback: 4-byte address family in host byte order
  EN10MB: 1,
  RAW: 12, // raw IP on most platforms (14 on OpenBSD)
  RAW_OPENBSD: 14,
  LOOP: 108, // OpenBSD loopback: family in network byte order
  LINKTYPE_RAW: 101,
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

export interface Segment {
  proto: "tcp" | "udp";
  src: string;
  dst: string;
  sport: number;
  dport: number;
  /** TCP only. */
  seq?: number;
  flags?: number;
  payload: Uint8Array;
  /** SLL packet type (0 to us, 4 outgoing, ...), when the link layer says. */
  pktType?: number;
}

export const TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08;

function u16(b: Uint8Array, o: number): number {
  return (b[o] << 8) | b[o + 1];
}

/** Where the IP header starts and the ethertype-ish protocol, per link type. */
function linkLayer(linktype: number, b: Uint8Array): { off: number; ether: number; pktType?: number } | null {
  switch (linktype) {
    case DLT.EN10MB: {
      if (b.length < 14) return null;
      let off = 12;
      let ether = u16(b, off);
      // Up to two VLAN tags (802.1Q / QinQ).
      for (let i = 0; i < 2 && (ether === 0x8100 || ether === 0x88a8); i++) {
        off += 4;
        if (b.length < off + 2) return null;
        ether = u16(b, off);
      }
      return { off: off + 2, ether };
    }
    case DLT.LINUX_SLL:
      if (b.length < 16) return null;
      return { off: 16, ether: u16(b, 14), pktType: u16(b, 0) };
    case DLT.LINUX_SLL2:
      if (b.length < 20) return null;
      return { off: 20, ether: u16(b, 0), pktType: b[10] };
    case DLT.NULL:
    case DLT.LOOP: {
      if (b.length < 4) return null;
      const be = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
      const le = b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24);
      const fam = linktype === DLT.LOOP ? be : (le > 0xffff ? be : le);
      if (fam === 2) return { off: 4, ether: 0x0800 };
      if (fam === 10 || fam === 24 || fam === 28 || fam === 30) return { off: 4, ether: 0x86dd };
      return null;
    }
    case DLT.RAW:
    case DLT.RAW_OPENBSD:
    case DLT.LINKTYPE_RAW:
    case DLT.IPV4:
    case DLT.IPV6: {
      if (b.length < 1) return null;
      const v = b[0] >> 4;
      return v === 4 ? { off: 0, ether: 0x0800 } : v === 6 ? { off: 0, ether: 0x86dd } : null;
    }
    default:
      return null;
  }
}

export function supportedLinkType(linktype: number): boolean {
  return (Object.values(DLT) as number[]).includes(linktype);
}

/** The TCP or UDP segment in a captured frame, or null (other protocols, fragments, junk). */
export function decodeFrame(linktype: number, b: Uint8Array): Segment | null {
  const l = linkLayer(linktype, b);
  if (!l) return null;
  let off = l.off;
  let proto: number;
  let src: string, dst: string;
  let end: number;
  if (l.ether === 0x0800) {
    if (b.length < off + 20 || b[off] >> 4 !== 4) return null;
    const ihl = (b[off] & 0x0f) * 4;
    if (ihl < 20 || b.length < off + ihl) return null;
    const total = u16(b, off + 2);
    const frag = u16(b, off + 6);
    if ((frag & 0x1fff) !== 0) return null; // a later fragment: no transport header
    proto = b[off + 9];
    src = formatIpv4(b, off + 12);
    dst = formatIpv4(b, off + 16);
    // total 0 happens with TSO super-packets: trust the captured length then.
    end = total >= ihl ? Math.min(b.length, off + total) : b.length;
    off += ihl;
  } else if (l.ether === 0x86dd) {
    if (b.length < off + 40 || b[off] >> 4 !== 6) return null;
    const plen = u16(b, off + 4);
    let next = b[off + 6];
    src = formatIpv6(b, off + 8);
    dst = formatIpv6(b, off + 24);
    end = plen > 0 ? Math.min(b.length, off + 40 + plen) : b.length;
    off += 40;
    // Extension headers: hop-by-hop, routing, destination options, fragment (bounded walk).
    for (let i = 0; i < 8 && (next === 0 || next === 43 || next === 60 || next === 44); i++) {
      if (end < off + 8) return null;
      if (next === 44) {
        if ((u16(b, off + 2) & 0xfff8) !== 0) return null; // not the first fragment
        next = b[off];
        off += 8;
      } else {
        const len = (b[off + 1] + 1) * 8;
        next = b[off];
        off += len;
      }
    }
    proto = next;
  } else {
    return null;
  }
  if (proto === 17) {
    if (end < off + 8) return null;
    return {
      proto: "udp", src, dst, sport: u16(b, off), dport: u16(b, off + 2),
      payload: b.subarray(off + 8, end), pktType: l.pktType,
    };
  }
  if (proto === 6) {
    if (end < off + 20) return null;
    const doff = (b[off + 12] >> 4) * 4;
    if (doff < 20 || end < off + doff) return null;
    return {
      proto: "tcp", src, dst, sport: u16(b, off), dport: u16(b, off + 2),
      seq: ((b[off + 4] << 24) | (b[off + 5] << 16) | (b[off + 6] << 8) | b[off + 7]) >>> 0,
      flags: b[off + 13],
      payload: b.subarray(off + doff, end), pktType: l.pktType,
    };
  }
  return null;
}

/**
 * The little RTCP the harness reads: telling RTCP from RTP on a muxed socket, key frame
 * requests (answered by the generator with a key frame) and NACKs (answered with a
 * retransmission), so the synthetic senders behave like a browser's.
 */

/** RTCP packet types share the second byte with RTP marker+PT; RFC 5761 §4 reserves 64–95. */
export function isRtcp(packet: Uint8Array): boolean {
  const pt = packet[1]! & 0x7f;
  return pt >= 64 && pt <= 95;
}

/**
 * Media SSRCs asked for a key frame in a compound RTCP packet: PLI (PT 206, FMT 1; media
 * SSRC in the common header's second word) and FIR (PT 206, FMT 4; one SSRC per 8-byte
 * FCI entry).
 */
export function keyframeRequestSsrcs(packet: Buffer): number[] {
  const out: number[] = [];
  for (let offset = 0; offset + 12 <= packet.length; ) {
    const fmt = packet[offset]! & 0x1f;
    const pt = packet[offset + 1]!;
    const end = Math.min(packet.length, offset + (packet.readUInt16BE(offset + 2) + 1) * 4);
    if (pt === 206 && fmt === 1) out.push(packet.readUInt32BE(offset + 8));
    if (pt === 206 && fmt === 4) for (let fci = offset + 12; fci + 8 <= end; fci += 8) out.push(packet.readUInt32BE(fci));
    offset = end;
  }
  return out;
}

/** Generic NACK (RFC 4585 §6.2.1, PT 205, FMT 1): the sequence numbers asked for again, per media SSRC. */
export function nackRequests(packet: Buffer): { ssrc: number; sequenceNumbers: number[] }[] {
  const out: { ssrc: number; sequenceNumbers: number[] }[] = [];
  for (let offset = 0; offset + 12 <= packet.length; ) {
    const fmt = packet[offset]! & 0x1f;
    const pt = packet[offset + 1]!;
    const end = Math.min(packet.length, offset + (packet.readUInt16BE(offset + 2) + 1) * 4);
    if (pt === 205 && fmt === 1) {
      const sequenceNumbers: number[] = [];
      for (let fci = offset + 12; fci + 4 <= end; fci += 4) {
        const pid = packet.readUInt16BE(fci);
        const blp = packet.readUInt16BE(fci + 2);
        sequenceNumbers.push(pid);
        for (let bit = 0; bit < 16; bit++) if (blp & (1 << bit)) sequenceNumbers.push((pid + bit + 1) & 0xffff);
      }
      out.push({ ssrc: packet.readUInt32BE(offset + 8), sequenceNumbers });
    }
    offset = end;
  }
  return out;
}

/** RFC 3550 §6.4.1 sender report without report blocks: NTP time ↔ RTP time of a stream. */
export function buildSenderReport(ssrc: number, epochMs: number, rtpTimestamp: number, packets: number, octets: number): Buffer {
  const out = Buffer.alloc(28);
  out[0] = 0x80;
  out[1] = 200;
  out.writeUInt16BE(6, 2);
  out.writeUInt32BE(ssrc >>> 0, 4);
  const seconds = Math.floor(epochMs / 1000);
  out.writeUInt32BE((seconds + 2208988800) >>> 0, 8);
  out.writeUInt32BE(Math.floor(((epochMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  out.writeUInt32BE(rtpTimestamp >>> 0, 16);
  out.writeUInt32BE(packets >>> 0, 20);
  out.writeUInt32BE(octets >>> 0, 24);
  return out;
}

/**
 * The few RTP/RTCP facts the tap needs on its hot path, read in place (no allocation):
 * SSRC and sequence number for demultiplexing and loss detection, whether a VP8 packet
 * starts a key frame (RFC 7741), the sender SSRC of an RTCP sender report, and the two
 * feedback messages the tap sends back to mediasoup: generic NACK and PLI (RFC 4585).
 */

/** RTCP packet types share the second byte with RTP marker+PT; RFC 5761 §4 reserves 64–95. */
export function isRtcp(packet: Uint8Array): boolean {
  return packet.length >= 8 && (packet[1]! & 0x7f) >= 64 && (packet[1]! & 0x7f) <= 95;
}

export function rtpSsrc(packet: Buffer): number {
  return packet.readUInt32BE(8);
}

export function rtpSeq(packet: Buffer): number {
  return packet.readUInt16BE(2);
}

/** Offset of the RTP payload (after CSRCs and the header extension), or -1 if malformed. */
export function rtpPayloadOffset(packet: Buffer): number {
  if (packet.length < 12) return -1;
  let offset = 12 + (packet[0]! & 0x0f) * 4;
  if (packet[0]! & 0x10) {
    if (offset + 4 > packet.length) return -1;
    offset += 4 + packet.readUInt16BE(offset + 2) * 4;
  }
  return offset <= packet.length ? offset : -1;
}

/** True for the first packet of a VP8 key frame (S=1, PID=0, frame tag P bit 0). */
export function isVp8KeyframeStart(packet: Buffer): boolean {
  let at = rtpPayloadOffset(packet);
  if (at < 0 || at >= packet.length) return false;
  const b0 = packet[at]!;
  if (!(b0 & 0x10) || (b0 & 0x07) !== 0) return false; // not the start of partition 0
  at++;
  if (b0 & 0x80) {
    const x = packet[at++]!;
    if (x & 0x80) at += packet[at]! & 0x80 ? 2 : 1; // PictureID, 7 or 15 bits
    if (x & 0x40) at++; // TL0PICIDX
    if (x & 0x30) at++; // TID/KEYIDX
  }
  return at < packet.length && (packet[at]! & 0x01) === 0;
}

/**
 * Calls `each` for every sender report (PT 200) in a (possibly compound) RTCP packet with
 * its sender SSRC and byte range: mediasoup puts one SR per consumer of the transport in
 * one compound packet. The rest (SDES, receiver reports) is not kept.
 */
export function forEachSenderReport(packet: Buffer, each: (ssrc: number, start: number, end: number) => void): void {
  for (let offset = 0; offset + 8 <= packet.length; ) {
    const end = offset + (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (end > packet.length) return;
    if (packet[offset + 1] === 200) each(packet.readUInt32BE(offset + 4), offset, end);
    offset = end;
  }
}

/** The SSRC the tap signs its feedback with (any value other than a media SSRC works). */
export const TAP_SENDER_SSRC = 0x7a9d0001;

/** Generic NACK for `seqs` (ascending, within one 16-bit window) of `mediaSsrc`. */
export function buildNack(mediaSsrc: number, seqs: number[]): Buffer {
  const items: [number, number][] = [];
  for (const seq of seqs) {
    const last = items[items.length - 1];
    const diff = last ? (seq - last[0]) & 0xffff : 0;
    if (last && diff >= 1 && diff <= 16) last[1] |= 1 << (diff - 1);
    else items.push([seq, 0]);
  }
  const out = Buffer.allocUnsafe(12 + items.length * 4);
  out[0] = 0x80 | 1; // V=2, FMT=1
  out[1] = 205;
  out.writeUInt16BE(2 + items.length, 2);
  out.writeUInt32BE(TAP_SENDER_SSRC, 4);
  out.writeUInt32BE(mediaSsrc >>> 0, 8);
  items.forEach(([pid, blp], i) => {
    out.writeUInt16BE(pid, 12 + i * 4);
    out.writeUInt16BE(blp, 14 + i * 4);
  });
  return out;
}

/** Picture Loss Indication: asks the sender (through mediasoup, the candidate) for a key frame. */
export function buildPli(mediaSsrc: number): Buffer {
  const out = Buffer.allocUnsafe(12);
  out[0] = 0x80 | 1;
  out[1] = 206;
  out.writeUInt16BE(2, 2);
  out.writeUInt32BE(TAP_SENDER_SSRC, 4);
  out.writeUInt32BE(mediaSsrc >>> 0, 8);
  return out;
}

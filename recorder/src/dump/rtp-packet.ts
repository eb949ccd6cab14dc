/**
 * RTP (RFC 3550) and the little RTCP the converter needs, read from a dumped packet.
 *
 * The dump holds packets exactly as the consumer received them, so every optional part of
 * the header can be present: CSRCs (CC), a header extension (X: mediasoup forwards the
 * negotiated one- or two-byte extensions), and padding (P: the last byte counts the padding
 * bytes, which must not reach the depacketizer). A malformed packet is reported as null and
 * skipped by the caller, never thrown: one bad record must not lose a whole recording.
 */

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  /** 16-bit, wraps. */
  sequenceNumber: number;
  /** 32-bit, wraps. */
  timestamp: number;
  ssrc: number;
  /** The media payload, without CSRCs, header extension and padding (a view, not a copy). */
  payload: Buffer;
}

export function parseRtp(packet: Buffer): RtpPacket | null {
  if (packet.length < 12) return null;
  const b0 = packet[0]!;
  if (b0 >> 6 !== 2) return null;
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let start = 12 + csrcCount * 4;
  if (extension) {
    if (start + 4 > packet.length) return null;
    start += 4 + packet.readUInt16BE(start + 2) * 4;
  }
  let end = packet.length;
  if (padding) {
    const count = packet[end - 1]!;
    if (count === 0) return null;
    end -= count;
  }
  if (start > end) return null;
  return {
    marker: (packet[1]! & 0x80) !== 0,
    payloadType: packet[1]! & 0x7f,
    sequenceNumber: packet.readUInt16BE(2),
    timestamp: packet.readUInt32BE(4),
    ssrc: packet.readUInt32BE(8),
    payload: packet.subarray(start, end),
  };
}

export interface SenderReport {
  ssrc: number;
  /** The sender's NTP time as ms since 1900 (only differences and offsets are used). */
  ntpMs: number;
  rtpTimestamp: number;
}

/** Sender reports (PT 200) in a compound RTCP packet. */
export function senderReports(packet: Buffer): SenderReport[] {
  const out: SenderReport[] = [];
  for (let offset = 0; offset + 4 <= packet.length; ) {
    const end = offset + (packet.readUInt16BE(offset + 2) + 1) * 4;
    if (packet[offset]! >> 6 !== 2 || end > packet.length) break;
    if (packet[offset + 1] === 200 && offset + 28 <= end) {
      const seconds = packet.readUInt32BE(offset + 8);
      const fraction = packet.readUInt32BE(offset + 12);
      out.push({
        ssrc: packet.readUInt32BE(offset + 4),
        ntpMs: seconds * 1000 + (fraction / 0x1_0000_0000) * 1000,
        rtpTimestamp: packet.readUInt32BE(offset + 16),
      });
    }
    offset = end;
  }
  return out;
}

/**
 * VP8 → RTP packetization (RFC 7741), done by hand so the load generator needs no
 * encoder at run time: frames come pre-encoded from an IVF file and only the headers
 * are written per packet.
 *
 * Each packet: 12-byte RTP header (RFC 3550, no CSRC, no extension) + 4-byte VP8
 * payload descriptor + a slice of the frame. The descriptor carries a 15-bit PictureID,
 * as browsers send it, because mediasoup's VP8 handling reads it (and rewrites it for
 * consumers when it drops frames).
 */

export const RTP_HEADER_BYTES = 12;
export const VP8_DESCRIPTOR_BYTES = 4;
/** VP8 bytes per packet: keeps packets (~1116 B) well under a 1200 B path MTU budget. */
export const DEFAULT_MAX_VP8_BYTES = 1100;

/** RFC 7741 §4.3 / RFC 6386 §9.1: bit 0 of the frame tag is 0 for a key frame. */
export function isVp8Keyframe(frame: Uint8Array): boolean {
  return frame.length > 0 && (frame[0]! & 0x01) === 0;
}

/**
 * Splits a frame into roughly equal slices of at most `maxBytes`. Equal sizes (instead of
 * full packets plus a small remainder) are what libwebrtc does and keep packet sizes even.
 */
export function fragmentFrame(frame: Buffer, maxBytes = DEFAULT_MAX_VP8_BYTES): Buffer[] {
  const count = Math.max(1, Math.ceil(frame.length / maxBytes));
  const size = Math.ceil(frame.length / count);
  const out: Buffer[] = [];
  for (let offset = 0; offset < frame.length; offset += size) out.push(frame.subarray(offset, offset + size));
  if (out.length === 0) out.push(frame.subarray(0, 0));
  return out;
}

export interface RtpFields {
  payloadType: number;
  /** 16-bit, wraps. */
  sequenceNumber: number;
  /** 32-bit, 90 kHz for video; the same for every packet of a frame. */
  timestamp: number;
  ssrc: number;
  /** Set on the last packet of a frame (RFC 7741 §4.1). */
  marker: boolean;
}

/**
 * One RTP packet carrying `slice` of a VP8 frame. `startOfFrame` sets the descriptor's S
 * bit (start of partition 0, i.e. first packet of the frame); PID stays 0 because the
 * whole frame is sent as one partition, which RFC 7741 allows.
 */
export function buildVp8RtpPacket(fields: RtpFields, pictureId: number, slice: Buffer, startOfFrame: boolean): Buffer {
  const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + VP8_DESCRIPTOR_BYTES + slice.length);
  packet[0] = 0x80; // V=2, P=0, X=0, CC=0
  packet[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  packet.writeUInt16BE(fields.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(fields.timestamp >>> 0, 4);
  packet.writeUInt32BE(fields.ssrc >>> 0, 8);
  // Descriptor: X=1 (extension byte follows) | S | PID=0; then I=1 (PictureID present);
  // then M=1 + 15-bit PictureID.
  packet[12] = 0x80 | (startOfFrame ? 0x10 : 0);
  packet[13] = 0x80;
  packet.writeUInt16BE(0x8000 | (pictureId & 0x7fff), 14);
  slice.copy(packet, RTP_HEADER_BYTES + VP8_DESCRIPTOR_BYTES);
  return packet;
}

/** A plain RTP packet (no CSRC, no extension) around `payload`: the microphone's Opus packets. */
export function buildRtpPacket(fields: RtpFields, payload: Buffer): Buffer {
  const packet = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
  packet[0] = 0x80;
  packet[1] = (fields.marker ? 0x80 : 0) | (fields.payloadType & 0x7f);
  packet.writeUInt16BE(fields.sequenceNumber & 0xffff, 2);
  packet.writeUInt32BE(fields.timestamp >>> 0, 4);
  packet.writeUInt32BE(fields.ssrc >>> 0, 8);
  payload.copy(packet, RTP_HEADER_BYTES);
  return packet;
}

/**
 * VP8 over RTP (RFC 7741) back into whole VP8 frames.
 *
 * Payload descriptor: a first byte X|R|N|S|R|PID, then with X an extension byte I|L|T|K,
 * then (I) a 7- or 15-bit PictureID, (L) TL0PICIDX, (T or K) TID|Y|KEYIDX. A frame is all
 * packets of one RTP timestamp; it is whole when its first packet starts partition 0
 * (S = 1, PID = 0), the sequence numbers have no hole, and its last packet carries the
 * marker bit (or the next packet, right after it, starts a new frame). Anything else is
 * dropped: a decoder fed half a frame shows garbage.
 *
 * After a dropped reference frame the following delta frames refer to a picture the decoder
 * never saw, so they are dropped too until the next key frame — a short freeze instead of
 * smeared blocks, which is also what a browser's jitter buffer does (the live path asks for
 * a key frame on unrepaired loss). A dropped frame marked non-reference (N) costs only itself.
 */

export interface Vp8Descriptor {
  /** S: first packet of a partition. */
  start: boolean;
  /** PID: the partition index. */
  partition: number;
  /** N: no other frame refers to this one. */
  nonReference: boolean;
  pictureId: number | null;
  /** Bytes of descriptor before the VP8 data. */
  length: number;
}

export function parseVp8Descriptor(payload: Buffer): Vp8Descriptor | null {
  if (payload.length < 1) return null;
  const b0 = payload[0]!;
  let at = 1;
  let pictureId: number | null = null;
  if (b0 & 0x80) {
    if (payload.length < 2) return null;
    const ext = payload[1]!;
    at = 2;
    if (ext & 0x80) {
      if (at >= payload.length) return null;
      if (payload[at]! & 0x80) {
        if (at + 2 > payload.length) return null;
        pictureId = payload.readUInt16BE(at) & 0x7fff;
        at += 2;
      } else {
        pictureId = payload[at]! & 0x7f;
        at += 1;
      }
    }
    if (ext & 0x40) at += 1; // TL0PICIDX
    if (ext & 0x30) at += 1; // TID|Y|KEYIDX
    if (at > payload.length) return null;
  }
  return { start: (b0 & 0x10) !== 0, partition: b0 & 0x07, nonReference: (b0 & 0x20) !== 0, pictureId, length: at };
}

export interface Vp8FrameInfo {
  keyframe: boolean;
  /** From a key frame's header only. */
  width?: number;
  height?: number;
}

/**
 * RFC 6386 §9.1: a 3-byte frame tag (bit 0 = 0 for a key frame, bits 5–23 the first
 * partition's size); a key frame then has the start code 9d 01 2a and 14-bit width/height
 * (the top 2 bits are the scaling mode). Null when the bytes cannot be a VP8 frame.
 */
export function parseVp8FrameHeader(frame: Buffer): Vp8FrameInfo | null {
  if (frame.length < 3) return null;
  const tag = frame[0]! | (frame[1]! << 8) | (frame[2]! << 16);
  const firstPartitionSize = tag >>> 5;
  const keyframe = (tag & 1) === 0;
  if (!keyframe) return firstPartitionSize + 3 <= frame.length ? { keyframe } : null;
  if (frame.length < 10 || frame[3] !== 0x9d || frame[4] !== 0x01 || frame[5] !== 0x2a) return null;
  if (firstPartitionSize + 10 > frame.length) return null;
  const width = frame.readUInt16LE(6) & 0x3fff;
  const height = frame.readUInt16LE(8) & 0x3fff;
  if (width === 0 || height === 0) return null;
  return { keyframe, width, height };
}

export interface Vp8Packet {
  /** Extended (unwrapped) sequence number. */
  seq: number;
  /** Extended (unwrapped) RTP timestamp. */
  timestamp: number;
  marker: boolean;
  arrivalMs: number;
  payload: Buffer;
}

export interface Vp8Frame extends Vp8FrameInfo {
  timestamp: number;
  arrivalMs: number;
  data: Buffer;
}

export interface Vp8AssemblyStats {
  frames: number;
  /** Frames with a missing or broken packet. */
  incomplete: number;
  /** Whole frames dropped because an earlier reference frame was missing (until a key frame). */
  undecodable: number;
}

interface Pending {
  timestamp: number;
  arrivalMs: number;
  nextSeq: number;
  parts: Buffer[];
  whole: boolean;
  nonReference: boolean;
  marker: boolean;
}

/** Feed packets in sequence order; whole, decodable frames come out in the same order. */
export class Vp8Assembler {
  private current: Pending | null = null;
  /** A key frame is needed before anything else can be decoded (also true at the start). */
  private needKeyframe = true;
  private everKeyframe = false;
  private lastSeq: number | null = null;
  private lastPictureId: number | null = null;
  readonly stats: Vp8AssemblyStats = { frames: 0, incomplete: 0, undecodable: 0 };

  push(packet: Vp8Packet): Vp8Frame[] {
    const out: Vp8Frame[] = [];
    const gap = this.lastSeq !== null && packet.seq !== this.lastSeq + 1;
    this.lastSeq = packet.seq;
    // Padding-only packets (bandwidth probes) take a sequence number but carry no media.
    if (packet.payload.length === 0) {
      if (this.current) this.current.nextSeq = packet.seq + 1;
      return out;
    }
    const d = parseVp8Descriptor(packet.payload);
    const cur = this.current;
    if (cur && cur.timestamp === packet.timestamp && !cur.marker) {
      if (!d || packet.seq !== cur.nextSeq) cur.whole = false;
      if (d) cur.parts.push(packet.payload.subarray(d.length));
      cur.nextSeq = packet.seq + 1;
      cur.marker = packet.marker;
      if (packet.marker) this.finish(out, true);
      return out;
    }
    if (cur) this.finish(out, cur.whole && packet.seq === cur.nextSeq && d !== null && d.start && d.partition === 0);
    const first = d !== null && d.start && d.partition === 0;
    // Packets missing between two frames may have been a whole frame. Consecutive PictureIDs
    // prove nothing was (only non-media packets); without them, assume a lost reference.
    if (gap && first && !this.follows(d.pictureId)) {
      if (this.everKeyframe) this.stats.incomplete++;
      this.needKeyframe = true;
    }
    if (d?.pictureId !== undefined && d.pictureId !== null) this.lastPictureId = d.pictureId;
    this.current = {
      timestamp: packet.timestamp,
      arrivalMs: packet.arrivalMs,
      nextSeq: packet.seq + 1,
      parts: d ? [packet.payload.subarray(d.length)] : [],
      whole: first,
      nonReference: d?.nonReference ?? false,
      marker: packet.marker,
    };
    if (packet.marker) this.finish(out, true);
    return out;
  }

  private follows(pictureId: number | null): boolean {
    if (pictureId === null || this.lastPictureId === null) return false;
    // 7- or 15-bit PictureIDs wrap; the next frame's is one more.
    return pictureId === ((this.lastPictureId + 1) & (this.lastPictureId > 0x7f || pictureId > 0x7f ? 0x7fff : 0x7f));
  }

  /** The dump ended: a frame still open is whole only if its marker was seen (handled in push). */
  end(): Vp8Frame[] {
    const out: Vp8Frame[] = [];
    if (this.current) this.finish(out, false);
    return out;
  }

  private finish(out: Vp8Frame[], endsWell: boolean): void {
    const cur = this.current!;
    this.current = null;
    const whole = cur.whole && endsWell;
    const data = whole ? (cur.parts.length === 1 ? cur.parts[0]! : Buffer.concat(cur.parts)) : null;
    const info = data ? parseVp8FrameHeader(data) : null;
    if (!data || !info) {
      // Frames before the first key frame are not counted as lost: the recording starts there.
      if (this.everKeyframe) this.stats.incomplete++;
      if (!cur.nonReference) this.needKeyframe = true;
      return;
    }
    if (this.needKeyframe && !info.keyframe) {
      if (this.everKeyframe) this.stats.undecodable++;
      return;
    }
    if (info.keyframe) {
      this.needKeyframe = false;
      this.everKeyframe = true;
    }
    this.stats.frames++;
    out.push({ ...info, timestamp: cur.timestamp, arrivalMs: cur.arrivalMs, data });
  }
}

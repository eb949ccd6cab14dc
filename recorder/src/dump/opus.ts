/**
 * Opus over RTP (RFC 7587): every RTP payload is exactly one Opus packet, so nothing is
 * reassembled. What the converter needs is how long a packet plays (from its TOC byte,
 * RFC 6716 §3.1) and the OpusHead that WebM carries as CodecPrivate.
 *
 * DTX: a sender in silence stops sending (or sends a comfort-noise packet every 400 ms);
 * the RTP timestamps jump over the silence. Blocks keep those timestamps, so the gap stays
 * a gap in the file and later speech stays at its true time, instead of being pulled
 * forward as a stream of back-to-back packets would be.
 */

const SILK_MS = [10, 20, 40, 60];
const CELT_MS = [2.5, 5, 10, 20];

/** Play time of one Opus packet in ms, or null for an empty/malformed one. */
export function opusPacketMs(packet: Buffer): number | null {
  if (packet.length < 1) return null;
  const toc = packet[0]!;
  const config = toc >> 3;
  const frameMs = config < 12 ? SILK_MS[config % 4]! : config < 16 ? (config % 2 === 0 ? 10 : 20) : CELT_MS[config % 4]!;
  const code = toc & 0x03;
  let frames: number;
  if (code === 0) frames = 1;
  else if (code === 3) {
    if (packet.length < 2) return null;
    frames = packet[1]! & 0x3f;
    if (frames === 0) return null;
  } else frames = 2;
  const ms = frames * frameMs;
  return ms <= 120 ? ms : null;
}

/** RFC 7845 §5.1 identification header; pre-skip 0 (an RTP stream has no encoder delay to hide). */
export function opusHead(channels: number, inputSampleRate = 48000): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'ascii');
  head[8] = 1;
  head[9] = channels;
  head.writeUInt16LE(0, 10);
  head.writeUInt32LE(inputSampleRate, 12);
  head.writeInt16LE(0, 16);
  head[18] = 0;
  return head;
}

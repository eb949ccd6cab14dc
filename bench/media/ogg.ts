/**
 * Reader for the Opus packets of an Ogg file (RFC 3533 pages, RFC 7845 mapping): the
 * generator sends them one per RTP packet, as a browser would (20 ms each).
 */
import { readFile } from 'node:fs/promises';

export interface OpusClip {
  /** Packets per second (50 for 20 ms frames). */
  fps: number;
  packets: Buffer[];
}

export async function readOggOpus(file: string, frameMs = 20): Promise<OpusClip> {
  const buf = await readFile(file);
  const packets: Buffer[] = [];
  let pending: Buffer[] = [];
  for (let at = 0; at + 27 <= buf.length; ) {
    if (buf.toString('latin1', at, at + 4) !== 'OggS') throw new Error(`${file}: bad Ogg page at byte ${at}`);
    const segments = buf[at + 26]!;
    let data = at + 27 + segments;
    for (let i = 0; i < segments; i++) {
      const len = buf[at + 27 + i]!;
      pending.push(buf.subarray(data, data + len));
      data += len;
      if (len < 255) {
        packets.push(Buffer.concat(pending));
        pending = [];
      }
    }
    at = data;
  }
  // The first two packets are OpusHead and OpusTags.
  const audio = packets.slice(2);
  if (audio.length === 0) throw new Error(`${file}: no Opus packets`);
  return { fps: 1000 / frameMs, packets: audio };
}

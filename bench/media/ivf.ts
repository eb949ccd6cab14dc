/**
 * Reader for IVF, the trivial container ffmpeg/libvpx write raw VP8 frames into: a 32-byte
 * file header, then per frame a 12-byte header (size, pts) and the frame bytes.
 */
import { readFile } from 'node:fs/promises';
import { isVp8Keyframe } from './vp8-rtp.ts';

export interface IvfClip {
  width: number;
  height: number;
  /** Frames per second from the header's time base (rate / scale). */
  fps: number;
  frames: { data: Buffer; keyframe: boolean }[];
}

export async function readIvf(file: string): Promise<IvfClip> {
  const buf = await readFile(file);
  if (buf.length < 32 || buf.toString('latin1', 0, 4) !== 'DKIF') throw new Error(`${file} is not an IVF file`);
  const fourcc = buf.toString('latin1', 8, 12);
  if (fourcc !== 'VP80') throw new Error(`${file} holds ${fourcc}, expected VP80`);
  const headerBytes = buf.readUInt16LE(6);
  const width = buf.readUInt16LE(12);
  const height = buf.readUInt16LE(14);
  const rate = buf.readUInt32LE(16);
  const scale = buf.readUInt32LE(20);
  const frames: IvfClip['frames'] = [];
  for (let offset = headerBytes; offset + 12 <= buf.length; ) {
    const size = buf.readUInt32LE(offset);
    const data = buf.subarray(offset + 12, offset + 12 + size);
    if (data.length !== size) throw new Error(`${file}: truncated frame at byte ${offset}`);
    frames.push({ data, keyframe: isVp8Keyframe(data) });
    offset += 12 + size;
  }
  if (frames.length === 0 || !frames[0]!.keyframe) throw new Error(`${file}: must start with a key frame`);
  return { width, height, fps: rate / scale, frames };
}

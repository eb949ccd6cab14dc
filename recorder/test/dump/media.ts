/**
 * Real encoded media for the converter tests: VP8 frames (ffmpeg testsrc → libvpx → IVF) and
 * Opus packets (ffmpeg sine → libopus → Ogg), cached under the OS temp directory because
 * encoding is the slow part and the output depends only on the arguments.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readIvf } from '../../../bench/media/ivf.ts';
import { run } from '../../src/ffmpeg.ts';

const cacheDir = path.join(os.tmpdir(), 'proctor-dump-test-media');

async function encodeOnce(args: string[], ext: string): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(args)).digest('hex').slice(0, 12);
  const file = path.join(cacheDir, `${key}.${ext}`);
  if (existsSync(file)) return file;
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const res = await run('ffmpeg', ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args, '-f', ext === 'ivf' ? 'ivf' : 'ogg', tmp], { timeoutMs: 5 * 60_000 });
  if (res.code !== 0) throw new Error(`encoding failed: ${res.stderr}`);
  renameSync(tmp, file);
  return file;
}

export interface Vp8Clip {
  fps: number;
  frames: { data: Buffer; keyframe: boolean; width: number; height: number }[];
}

/** `seconds` of testsrc at each size in turn, as a browser's real-time libvpx would encode it. */
export async function vp8Clip(opts: { sizes: string[]; seconds: number; fps: number; gopFrames: number; kbps: number; noise?: boolean }): Promise<Vp8Clip> {
  const frames: Vp8Clip['frames'] = [];
  for (const size of opts.sizes) {
    const file = await encodeOnce(
      [
        // Noise makes libvpx spend its whole budget, as a real camera does (testsrc alone is cheap to code).
        '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${opts.fps}`, ...(opts.noise ? ['-vf', 'noise=alls=12:allf=t'] : []), '-t', String(opts.seconds),
        '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1',
        '-b:v', `${opts.kbps}k`, '-g', String(opts.gopFrames), '-keyint_min', String(opts.gopFrames),
        '-lag-in-frames', '0', '-auto-alt-ref', '0',
      ],
      'ivf',
    );
    const clip = await readIvf(file);
    for (const f of clip.frames) frames.push({ ...f, width: clip.width, height: clip.height });
  }
  return { fps: opts.fps, frames };
}

/** Opus packets of `seconds` of a 440 Hz tone, 20 ms each, mono (as browsers send the microphone). */
export async function opusPackets(opts: { seconds: number; kbps?: number }): Promise<Buffer[]> {
  const file = await encodeOnce(
    ['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(opts.seconds), '-ac', '1', '-c:a', 'libopus', '-b:a', `${opts.kbps ?? 32}k`, '-frame_duration', '20', '-application', 'voip'],
    'ogg',
  );
  return oggPackets(await readFile(file)).slice(2); // OpusHead, OpusTags
}

/** The packets of an Ogg stream (RFC 3533): pages, each with a lacing table of segments. */
export function oggPackets(buf: Buffer): Buffer[] {
  const packets: Buffer[] = [];
  let partial: Buffer[] = [];
  for (let at = 0; at + 27 <= buf.length; ) {
    if (buf.toString('latin1', at, at + 4) !== 'OggS') throw new Error(`no Ogg page at byte ${at}`);
    const segments = buf[at + 26]!;
    const table = buf.subarray(at + 27, at + 27 + segments);
    let data = at + 27 + segments;
    for (const lace of table) {
      partial.push(buf.subarray(data, data + lace));
      data += lace;
      if (lace < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    at = data;
  }
  return packets;
}

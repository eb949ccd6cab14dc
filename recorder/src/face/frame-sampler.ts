/**
 * Decodes one frame every few seconds of a video file (or a single picture) into raw RGB with
 * ffmpeg, letterboxed to a fixed size so face boxes keep their proportions. Frames are
 * streamed: a 90-minute recording at one frame per 3 s is 1800 frames, never all in memory.
 */
import { spawn } from 'node:child_process';
import type { RgbFrame } from './face-analyser.ts';

export const FRAME_WIDTH = 640;
export const FRAME_HEIGHT = 480;

const fit = `scale=${FRAME_WIDTH}:${FRAME_HEIGHT}:force_original_aspect_ratio=decrease,pad=${FRAME_WIDTH}:${FRAME_HEIGHT}:(ow-iw)/2:(oh-ih)/2`;

export interface SampledFrame extends RgbFrame {
  /** Offset from the start of the file. */
  atMs: number;
}

/** Yields frames at 0, every, 2·every, … ms of the file (every = 0: each frame, e.g. of a picture). */
export async function* sampleFrames(ffmpeg: string, file: string, everyMs: number): AsyncGenerator<SampledFrame> {
  const size = FRAME_WIDTH * FRAME_HEIGHT * 3;
  const child = spawn(
    ffmpeg,
    ['-nostdin', '-hide_banner', '-loglevel', 'error', '-i', file, '-an', '-vf', everyMs > 0 ? `fps=1000/${everyMs}:round=down,${fit}` : fit, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  try {
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= size) {
        const data = new Uint8Array(pending.subarray(0, size));
        pending = pending.subarray(size);
        yield { width: FRAME_WIDTH, height: FRAME_HEIGHT, data, atMs: index++ * everyMs };
      }
    }
    const code = await exited;
    if (code !== 0) throw new Error(`ffmpeg frame sampling failed (exit ${code}): ${stderr.trim()}`);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

/** One picture (JPEG/PNG reference or verification photo) as a frame of the same geometry. */
export async function pictureFrame(ffmpeg: string, file: string): Promise<RgbFrame> {
  for await (const frame of sampleFrames(ffmpeg, file, 0)) return frame;
  throw new Error(`no picture decoded from ${file}`);
}

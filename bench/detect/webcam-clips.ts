/**
 * Webcam-like VP8 clips of a still photo, as a candidate's camera would record it: 640×360,
 * the head at some size over a room-coloured background, drifting a little so no two frames
 * are equal, light and colour varied, encoded by libvpx in real-time mode at 150–450 kbit/s.
 */
import { spawn } from 'node:child_process';

export interface WebcamVariant {
  name: string;
  /** Height in pixels of the (square, head-and-shoulders) photo in the 640×360 frame. */
  size: number;
  kbps: number;
  /** ffmpeg filters applied to the photo before it is placed (light, colour, tilt). */
  look: string;
  background: string;
}

/** The variants every identity's exam clips rotate through. */
export const WEBCAM_VARIANTS: WebcamVariant[] = [
  { name: 'near', size: 360, kbps: 450, look: '', background: '0x5a6470' },
  { name: 'far', size: 220, kbps: 300, look: '', background: '0x8a8070' },
  { name: 'dim', size: 320, kbps: 250, look: 'eq=brightness=-0.28:contrast=0.7:saturation=0.8,noise=alls=14:allf=t', background: '0x202428' },
  { name: 'low-rate', size: 300, kbps: 150, look: '', background: '0x6a7480' },
  { name: 'warm-tilt', size: 320, kbps: 400, look: 'colorbalance=rs=0.15:gs=0.03:bs=-0.15,rotate=0.14:c=none', background: '0x9a8a78' },
];

export const CLIP_WIDTH = 640;
export const CLIP_HEIGHT = 360;

export interface ClipSpec {
  /** One photo, or two or three side by side (several people). */
  photos: string[];
  variant: WebcamVariant;
  seconds: number;
  fps?: number;
  /** Slowly dim (to eq brightness −0.2) and brighten again, over ≈ 1 minute. */
  lightCycle?: boolean;
}

/** Writes the clip to `out` (WebM). */
export async function makeWebcamClip(ffmpeg: string, out: string, spec: ClipSpec): Promise<void> {
  const { variant: v, seconds, photos } = spec;
  const fps = spec.fps ?? 10;
  const size = photos.length === 1 ? v.size : Math.min(v.size, Math.floor(CLIP_WIDTH / photos.length) - 10);
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `color=c=${v.background}:size=${CLIP_WIDTH}x${CLIP_HEIGHT}:rate=${fps}:duration=${seconds}`];
  for (const p of photos) args.push('-loop', '1', '-framerate', String(fps), '-i', p);
  const parts: string[] = [];
  let last = '0:v';
  const slot = CLIP_WIDTH / photos.length;
  photos.forEach((_, i) => {
    const look = [v.look, spec.lightCycle ? "eq=brightness='-0.1+0.1*cos(t/9)':eval=frame" : ''].filter(Boolean).join(',');
    parts.push(`[${i + 1}:v]scale=${size}:${size}${look ? `,${look}` : ''}[p${i}]`);
    const x = Math.round(slot * i + (slot - size) / 2);
    // Big heads sit low in the frame, as at a desk; everything drifts a few pixels.
    const y = Math.max(0, Math.round((CLIP_HEIGHT - size) / 2 + (size > 300 ? 20 : 0)));
    parts.push(`[${last}][p${i}]overlay=x='${x}+10*sin(t*${(0.7 + i * 0.3).toFixed(1)})':y='${y}+6*cos(t*${(0.5 + i * 0.2).toFixed(1)})':shortest=1[o${i}]`);
    last = `o${i}`;
  });
  parts.push(`[${last}]format=yuv420p[v]`);
  args.push('-filter_complex', parts.join(';'), '-map', '[v]', '-t', String(seconds));
  args.push('-c:v', 'libvpx', '-b:v', `${v.kbps}k`, '-deadline', 'realtime', '-cpu-used', '8', '-an', out);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg clip failed (${code}): ${err.trim().slice(-500)}`))));
  });
}

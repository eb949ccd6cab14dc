/**
 * Labelled "camera" clips built with ffmpeg from the pictures shipped in @vladmandic/human's
 * assets — so tests and the detector benchmark need no downloads and no stored videos.
 *
 * The same man appears in three different shipped photos (the face-id demo, the face-detect
 * demo and the face-match demo), which gives a verified reference plus "same person, other
 * photo" clips; the four women of the face-detect demo are "another person".
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { humanAssetsDir } from './human-loader.ts';

export interface Crop {
  file: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

const DETECT = 'screenshot-facedetect.jpg';
/** Portraits; `man*` are one person. */
export const PORTRAITS = {
  manReference: { file: 'screenshot-faceid.jpg', x: 14, y: 142, w: 140, h: 140 },
  man: { file: DETECT, x: 8, y: 345, w: 150, h: 152 },
  manMatch: { file: 'screenshot-facematch.jpg', x: 0, y: 30, w: 150, h: 150 },
  woman1: { file: DETECT, x: 164, y: 345, w: 150, h: 152 },
  woman2: { file: DETECT, x: 321, y: 345, w: 150, h: 152 },
  woman3: { file: DETECT, x: 478, y: 345, w: 150, h: 152 },
  woman4: { file: DETECT, x: 632, y: 345, w: 158, h: 152 },
} satisfies Record<string, Crop>;

/** Pictures without faces: a ceiling, the demo's menus and texts. */
export const BACKGROUNDS = {
  ceiling: { file: 'samples.jpg', x: 380, y: 200, w: 700, h: 180 },
  menu: { file: 'screenshot-menu.png', x: 0, y: 0, w: 0, h: 0 },
  panel: { file: 'screenshot-faceid.jpg', x: 660, y: 0, w: 140, h: 320 },
  texts: { file: 'screenshot-faceid.jpg', x: 0, y: 290, w: 660, h: 200 },
} satisfies Record<string, Crop>;

export type ClipScene =
  | { kind: 'faces'; faces: Crop[]; size: number; background?: string }
  | { kind: 'picture'; picture: Crop }
  | { kind: 'lavfi'; source: string };

export interface ClipOptions {
  seconds: number;
  width?: number;
  height?: number;
}

const cropFilter = (c: Crop) => (c.w > 0 ? `crop=${c.w}:${c.h}:${c.x}:${c.y},` : '');

/**
 * Writes a VP8 WebM like a camera recording: faces drift slowly across a plain background
 * (so frames differ), a picture pans, or a lavfi source plays.
 */
export async function makeClip(ffmpeg: string, out: string, scene: ClipScene, opts: ClipOptions): Promise<void> {
  const w = opts.width ?? 640;
  const h = opts.height ?? 480;
  const d = opts.seconds;
  const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y'];
  if (scene.kind === 'lavfi') {
    args.push('-f', 'lavfi', '-i', `${scene.source}=size=${w}x${h}:rate=10`, '-t', String(d));
  } else if (scene.kind === 'picture') {
    args.push('-loop', '1', '-framerate', '10', '-i', path.join(humanAssetsDir(), scene.picture.file));
    args.push('-vf', `${cropFilter(scene.picture)}scale=${w + 80}:${h + 60},crop=${w}:${h}:'40+40*sin(t/2)':'30+30*cos(t/3)',format=yuv420p`, '-t', String(d));
  } else {
    args.push('-f', 'lavfi', '-i', `color=c=${scene.background ?? '0x5a6470'}:size=${w}x${h}:rate=10:duration=${d}`);
    for (const face of scene.faces) args.push('-loop', '1', '-framerate', '10', '-i', path.join(humanAssetsDir(), face.file));
    const n = scene.faces.length;
    const slot = w / n;
    const parts: string[] = [];
    let last = '0:v';
    scene.faces.forEach((face, i) => {
      parts.push(`[${i + 1}:v]${cropFilter(face)}scale=${scene.size}:${scene.size}[f${i}]`);
      const x = Math.max(0, Math.round(slot * i + (slot - scene.size) / 2));
      const y = Math.round((h - scene.size) / 2);
      // Drift a few pixels per second, differently per face, so no two frames are equal.
      parts.push(`[${last}][f${i}]overlay=x='${x}+12*sin(t*${0.7 + i * 0.3})':y='${y}+10*cos(t*${0.5 + i * 0.2})':shortest=1[o${i}]`);
      last = `o${i}`;
    });
    parts.push(`[${last}]format=yuv420p[v]`);
    args.push('-filter_complex', parts.join(';'), '-map', '[v]', '-t', String(d));
  }
  args.push('-c:v', 'libvpx', '-b:v', '600k', '-deadline', 'realtime', '-cpu-used', '8', '-an', out);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg clip failed (${code}): ${err.trim().slice(-500)}`))));
  });
}

/** A still JPEG of one crop (a verification / reference photo). */
export async function makePhoto(ffmpeg: string, out: string, crop: Crop): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(ffmpeg, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', path.join(humanAssetsDir(), crop.file), '-vf', `${cropFilter(crop)}scale=320:-2`, '-frames:v', '1', out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg photo failed (${code}): ${err.trim().slice(-500)}`))));
  });
}

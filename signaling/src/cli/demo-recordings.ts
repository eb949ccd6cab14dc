/**
 * The demo's recorded history: one-minute camera, screen and microphone clips made once
 * with ffmpeg from the pictures shipped in @vladmandic/human (a person, two people, an app
 * screenshot, a tone), cached under DATA_DIR/demo-media, then copied to the paths of the
 * recorded-demo seed (@proctor/db) so its four finished sessions have real files.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { seedRecordedDemo, type DB, type RecordedDemo, type RecordedDemoMedia, type RecordedDemoMediaKey } from '@proctor/db';
import { BACKGROUNDS, PORTRAITS, makeClip, makePhoto, probeDuration, resolveFfmpeg } from '@proctor/recorder';

/** Bump when the clips change, so old caches are not reused. */
const MEDIA_VERSION = 'v1';
const SECONDS = 60;

const FILES: Record<RecordedDemoMediaKey, string> = {
  cameraOne: 'camera-one.webm',
  cameraTwo: 'camera-two.webm',
  screen: 'screen.webm',
  microphone: 'microphone.webm',
  faceOne: 'face-one.jpg',
  faceTwo: 'face-two.jpg',
};

function run(ffmpeg: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg failed (${code}): ${err.trim().slice(-400)}`))));
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.stat(file).then((s) => s.size > 0, () => false);
}

/** Makes the clips that are missing from the cache (about 20 s of CPU the first time). */
async function ensureMedia(dir: string, log: Logger): Promise<RecordedDemoMedia> {
  await fs.mkdir(dir, { recursive: true });
  const { ffmpeg, ffprobe } = resolveFfmpeg();
  const file = (key: RecordedDemoMediaKey) => path.join(dir, FILES[key]);
  const make: Record<RecordedDemoMediaKey, (out: string) => Promise<void>> = {
    cameraOne: (out) => makeClip(ffmpeg, out, { kind: 'faces', faces: [PORTRAITS.man], size: 220 }, { seconds: SECONDS }),
    cameraTwo: (out) => makeClip(ffmpeg, out, { kind: 'faces', faces: [PORTRAITS.woman1, PORTRAITS.woman2], size: 180 }, { seconds: SECONDS }),
    screen: (out) => makeClip(ffmpeg, out, { kind: 'picture', picture: BACKGROUNDS.texts }, { seconds: SECONDS, width: 960, height: 540 }),
    microphone: (out) =>
      run(ffmpeg, ['-f', 'lavfi', '-i', `sine=frequency=330:sample_rate=48000:duration=${SECONDS}`, '-af', 'volume=0.05', '-c:a', 'libopus', '-b:a', '24k', out]),
    faceOne: (out) => makePhoto(ffmpeg, out, PORTRAITS.manMatch),
    faceTwo: (out) => makePhoto(ffmpeg, out, PORTRAITS.woman1),
  };
  const keys = Object.keys(FILES) as RecordedDemoMediaKey[];
  const missing: RecordedDemoMediaKey[] = [];
  for (const key of keys) if (!(await exists(file(key)))) missing.push(key);
  if (missing.length > 0) {
    log.info({ dir, files: missing.map((k) => FILES[k]) }, 'making the demo recordings (once; cached)');
    // Under a temporary name first, so an interrupted run leaves no half file behind.
    for (const key of missing) {
      const temporary = path.join(dir, `.making-${FILES[key]}`);
      await make[key](temporary);
      await fs.rename(temporary, file(key));
    }
  }
  const bytes = {} as Record<RecordedDemoMediaKey, number>;
  for (const key of keys) bytes[key] = (await fs.stat(file(key))).size;
  const durationMs = Math.round((await probeDuration(file('screen'), ffprobe)) * 1000);
  return { durationMs, bytes };
}

export async function seedDemoRecordings(
  db: Kysely<DB>,
  opts: { dataDir: string; recordingsDir: string; proctorUserId: string; nodeId: string; log: Logger },
): Promise<RecordedDemo> {
  const cache = path.join(opts.dataDir, 'demo-media', MEDIA_VERSION);
  const media = await ensureMedia(cache, opts.log);
  const demo = await seedRecordedDemo(db, { media, proctorUserId: opts.proctorUserId, nodeId: opts.nodeId });
  for (const f of demo.files) {
    const target = path.join(opts.recordingsDir, f.relativePath);
    if (await exists(target)) continue;
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(path.join(cache, FILES[f.media]), target);
  }
  return demo;
}

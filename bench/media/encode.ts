/**
 * The two synthetic sources, encoded once with ffmpeg into IVF and cached: encoding 200
 * streams live would cost more CPU than the SFU under test, so the generator only sends
 * bytes. The clip loops; its first frame is a key frame, and a key frame follows every
 * `gopSec`, so late joiners (recorder, proctor) get a picture without answering PLIs.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type Source = 'camera' | 'screen';

export interface SourceSpec {
  source: Source;
  width: number;
  height: number;
  fps: number;
  kbps: number;
  gopSec: number;
  clipSec: number;
}

/**
 * Camera: 640x360 at 30 fps, ~300 kbps (a grid-tile webcam). Screen: 1280x720 at 15 fps,
 * ~500 kbps, low motion (testsrc is static apart from its counter and gradient strip),
 * like a shared desktop with a test page on it.
 */
export const SOURCES: Record<Source, SourceSpec> = {
  camera: { source: 'camera', width: 640, height: 360, fps: 30, kbps: 300, gopSec: 5, clipSec: 10 },
  screen: { source: 'screen', width: 1280, height: 720, fps: 15, kbps: 500, gopSec: 5, clipSec: 10 },
};

function ffmpegArgs(spec: SourceSpec, out: string): string[] {
  const gop = String(spec.fps * spec.gopSec);
  const rate = `${spec.kbps}k`;
  return [
    '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${spec.width}x${spec.height}:rate=${spec.fps}`,
    '-t', String(spec.clipSec),
    // Real-time libvpx settings, as a browser encodes: no alt-ref/lookahead frames
    // (which RTP senders do not use) and a CBR-ish target.
    '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1',
    '-b:v', rate, '-minrate', rate, '-maxrate', rate,
    '-g', gop, '-keyint_min', gop, '-lag-in-frames', '0', '-auto-alt-ref', '0',
    '-f', 'ivf', out,
  ];
}

function cacheDir(): string {
  const base = process.env.PROCTOR_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'proctor');
  return path.join(base, 'bench-media');
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then((s) => s.isFile() && s.size > 0, () => false);
}

/** Path of the cached IVF for `spec`, encoding it first if needed (keyed by the ffmpeg arguments). */
export async function ensureEncoded(spec: SourceSpec, log: (line: string) => void): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(ffmpegArgs(spec, ''))).digest('hex').slice(0, 12);
  const dir = cacheDir();
  const file = path.join(dir, `${spec.source}-${key}.ivf`);
  if (await exists(file)) return file;
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  log(`[bench:media] encoding ${spec.source} (${spec.width}x${spec.height}@${spec.fps}, ${spec.kbps} kbps) once into ${file}`);
  await run('ffmpeg', ffmpegArgs(spec, tmp), { timeout: 10 * 60_000 });
  await rename(tmp, file); // atomic: a concurrent run never reads a half-written clip
  return file;
}

/**
 * The synthetic sources, encoded once with ffmpeg and cached: encoding hundreds of streams
 * live would cost more CPU than the SFU under test, so the generator only sends bytes.
 * Rates are the default media profile's (`@proctor/values` MEDIA_PROFILES.grid): camera
 * 640×360 at 15 fps in two simulcast layers (320×180 ~150 kbit/s for the grid, 640×360
 * ~450 kbit/s for the focus view), screen at 5 fps ≤ 400 kbit/s, microphone Opus mono
 * ~32 kbit/s in 20 ms packets. Clips loop; video clips start with a key frame and have one
 * every `gopSec`, so late joiners (recorder, proctor) get a picture without answering PLIs.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, rename, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_MEDIA_PROFILE, MEDIA_PROFILES } from '@proctor/values';

const run = promisify(execFile);

/** What a candidate publishes. */
export type Source = 'camera' | 'microphone' | 'screen';
/** One encoded clip per RTP stream: the camera has one per simulcast layer. */
export type ClipId = 'camera0' | 'camera1' | 'screen' | 'microphone';

export interface VideoSpec {
  kind: 'video';
  width: number;
  height: number;
  fps: number;
  kbps: number;
  gopSec: number;
  clipSec: number;
}
export interface AudioSpec {
  kind: 'audio';
  kbps: number;
  /** Opus frame length: 20 ms as browsers send. */
  frameMs: number;
  clipSec: number;
}
export type ClipSpec = VideoSpec | AudioSpec;

const profile = MEDIA_PROFILES[DEFAULT_MEDIA_PROFILE];
const cam = profile.camera;
const even = (x: number) => Math.round(x / 2) * 2;

export const CLIPS: Record<ClipId, ClipSpec> = {
  camera0: {
    kind: 'video',
    width: even(cam.width / cam.layers[0]!.scaleResolutionDownBy),
    height: even(cam.height / cam.layers[0]!.scaleResolutionDownBy),
    fps: cam.frameRate,
    kbps: cam.layers[0]!.maxBitrate / 1000,
    gopSec: 5,
    clipSec: 10,
  },
  camera1: {
    kind: 'video',
    width: even(cam.width / cam.layers[1]!.scaleResolutionDownBy),
    height: even(cam.height / cam.layers[1]!.scaleResolutionDownBy),
    fps: cam.frameRate,
    kbps: cam.layers[1]!.maxBitrate / 1000,
    gopSec: 5,
    clipSec: 10,
  },
  // A shared desktop with a test page: 1280×720, low motion (testsrc is static apart from its counter).
  screen: { kind: 'video', width: 1280, height: 720, fps: profile.screen.maxFrameRate, kbps: profile.screen.maxBitrate / 1000, gopSec: 5, clipSec: 10 },
  microphone: { kind: 'audio', kbps: profile.microphone.maxBitrate / 1000, frameMs: 20, clipSec: 10 },
};

function ffmpegArgs(spec: ClipSpec, out: string): string[] {
  if (spec.kind === 'audio') {
    return [
      '-nostdin', '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000', '-t', String(spec.clipSec),
      '-ac', '1', '-c:a', 'libopus', '-b:a', `${spec.kbps}k`, '-frame_duration', String(spec.frameMs), '-application', 'voip',
      '-f', 'ogg', out,
    ];
  }
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

/** Path of the cached clip for `id`, encoding it first if needed (keyed by the ffmpeg arguments). */
export async function ensureEncoded(id: ClipId, log: (line: string) => void): Promise<string> {
  const spec = CLIPS[id];
  const key = createHash('sha256').update(JSON.stringify(ffmpegArgs(spec, ''))).digest('hex').slice(0, 12);
  const dir = cacheDir();
  const file = path.join(dir, `${id}-${key}.${spec.kind === 'audio' ? 'ogg' : 'ivf'}`);
  if (await exists(file)) return file;
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  log(`[bench:media] encoding ${id} (${JSON.stringify(spec)}) once into ${file}`);
  await run('ffmpeg', ffmpegArgs(spec, tmp), { timeout: 10 * 60_000 });
  await rename(tmp, file); // atomic: a concurrent run never reads a half-written clip
  return file;
}

export async function ensureAllEncoded(log: (line: string) => void): Promise<Record<ClipId, string>> {
  const out = {} as Record<ClipId, string>;
  for (const id of Object.keys(CLIPS) as ClipId[]) out[id] = await ensureEncoded(id, log);
  return out;
}

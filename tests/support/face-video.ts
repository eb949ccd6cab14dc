/**
 * Fake-camera videos with real faces, for Chromium's `--use-file-for-fake-video-capture`:
 * crops of the sample picture that ships inside `@vladmandic/human` (assets/samples.jpg),
 * turned into a short .y4m with ffmpeg. No download, no generated face.
 *
 *   single: the woman of the second thumbnail, alone in the frame
 *   two:    that woman beside the man of the third thumbnail (two people, two faces)
 */
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(path.resolve(import.meta.dirname, '../../web/package.json'));

/** The sample picture (1280×1158); its export map refuses deep paths, so walk from the entry. */
export function humanSamplesJpg(): string {
  return path.resolve(path.dirname(require.resolve('@vladmandic/human')), '../assets/samples.jpg');
}

// Regions of samples.jpg (x, y, width, height), each one person's head and shoulders.
const WOMAN = { x: 166, y: 0, w: 150, h: 158 };
const MAN = { x: 352, y: 0, w: 170, h: 158 };
const crop = (r: typeof WOMAN) => `crop=${r.w}:${r.h}:${r.x}:${r.y}`;

export type FaceScene = 'single' | 'two';

/** Writes `<dir>/<scene>.y4m` (640×480, a few identical frames; Chromium loops it) and returns its path. */
export async function makeFaceY4m(scene: FaceScene, dir: string): Promise<string> {
  const out = path.join(dir, `${scene}.y4m`);
  const fit = 'scale=-2:480:flags=lanczos,pad=640:480:(ow-iw)/2:0:color=0x303030,format=yuv420p';
  const filter =
    scene === 'single'
      ? `[0:v]${crop(WOMAN)},${fit}[v]`
      : `[0:v]split[a][b];[a]${crop(WOMAN)},scale=-2:240[w];[b]${crop(MAN)},scale=-2:240[m];[w][m]hstack,scale=620:-2:flags=lanczos,pad=640:480:(ow-iw)/2:(oh-ih)/2:color=0x303030,format=yuv420p[v]`;
  await run('ffmpeg', ['-v', 'error', '-y', '-loop', '1', '-i', humanSamplesJpg(), '-filter_complex', filter, '-map', '[v]', '-frames:v', '5', '-r', '10', out]);
  return out;
}

/** The single person's face as a JPEG (her reference photo for the identity check). */
export async function makeReferenceJpeg(dir: string): Promise<string> {
  const out = path.join(dir, 'reference.jpg');
  await run('ffmpeg', ['-v', 'error', '-y', '-i', humanSamplesJpg(), '-vf', `${crop(WOMAN)},scale=-2:480:flags=lanczos`, '-q:v', '3', out]);
  return out;
}

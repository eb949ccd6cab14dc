/**
 * Whether a face is good enough to say who it is. A face too small, too dark or turned too far
 * gives a descriptor that matches nobody well, so without this gate a candidate sitting back in
 * a dim room would read as "another person". Such frames get no identity decision at all
 * ("too small/dark to judge"), which is not the same as "another person".
 */
import type { RgbFrame } from './face-analyser.ts';
import type { PixelBox } from './face-crop.ts';

/**
 * Narrower crops (on the 640-px-wide analysis frame) are not judged. On the identity set the
 * descriptor still held at 75 px crops (faces ≈ 220 px tall heads in a 640×360 camera frame);
 * 64 px leaves a little room below that and matches the browser's gate.
 */
export const MIN_FACE_WIDTH_PX = 64;
/**
 * Mean luma (0..255) of the crop (measured on the frame as the camera gave it, before the
 * low-light denoising of frame-light.ts) below which a face is too dark to judge. The "dim"
 * webcam variant of the identity set (eq brightness −0.28, contrast 0.7, noise) was still
 * recognised with crops of dark-skinned faces well under 35 (a first gate of 35 made 5.6 % of
 * impostor frames abstain). With dim frames denoised, 15 was chosen on the tuning half
 * (`/tmp` sweep over the same clips as bench:detect): at 20 a black man's dim clip (crops 17–18)
 * abstained and 4 impostor frames went unflagged; at 15 none, with no same-person frame flagged
 * and no false alarm in the 10 continuous minutes; at 12 those minutes gave an "another person"
 * false alarm. Darker than 15 is guesswork.
 */
export const MIN_FACE_BRIGHTNESS = 15;
/** Past this yaw the descriptor drifts from the frontal reference. */
export const MAX_IDENTITY_YAW_DEG = 30;

export type FaceQuality = 'ok' | 'too_small' | 'too_dark' | 'turned';

export interface QualityInput {
  widthPx: number;
  brightness: number;
  yaw: number | null;
}

export function faceQuality(face: QualityInput): FaceQuality {
  if (face.widthPx < MIN_FACE_WIDTH_PX) return 'too_small';
  if (face.brightness < MIN_FACE_BRIGHTNESS) return 'too_dark';
  if (face.yaw !== null && Math.abs(face.yaw) > MAX_IDENTITY_YAW_DEG) return 'turned';
  return 'ok';
}

/** Mean luma of a box of an RGB frame (every second pixel of every second row is enough). */
export function meanLuma(frame: RgbFrame, [x, y, w, h]: PixelBox): number {
  let sum = 0;
  let n = 0;
  for (let row = y; row < y + h; row += 2) {
    let i = (row * frame.width + x) * 3;
    for (let col = 0; col < w; col += 2, i += 6) {
      sum += 0.299 * frame.data[i]! + 0.587 * frame.data[i + 1]! + 0.114 * frame.data[i + 2]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

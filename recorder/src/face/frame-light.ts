/**
 * Low light before detection. A dim camera frame is mostly sensor noise and VP8 blocks over a
 * little signal: it is denoised (a 5×5 smoothing, ≈ 10 ms for 640×480 in JS) so the detector
 * and the mesh still find the face; a frame too dark to show a face at all is told apart from
 * an empty room ("too dark to judge", face-rules.ts), so it is not reported as "no face".
 *
 * Measured on the tuning half of the identity set (bench/detect; the dim webcam variant darkened
 * further with ffmpeg's eq): smoothing found the face in more dark frames than the raw frame
 * (eq −0.2: 11 of 24 against 8; −0.25: 4 against 2) and raised same-person similarity a little,
 * while a contrast stretch or gamma (1st–99th percentile to 0–255, with or without smoothing)
 * found fewer faces than doing nothing (−0.2: 4–6 against 6): brightening amplifies the noise
 * that hides the face. human's own `filter.equalization` changed nothing on these frames.
 *
 * Pure (no Node, no tfjs): the server (face-analyser.ts, RGB frames) and the candidate's browser
 * (web/src/lib/detectors/face-engine.ts, RGBA canvas pixels) run this same file, so both apply
 * the same correction and the same thresholds.
 */

export interface LightStats {
  /** Mean luma 0..255 of the picture (letterbox bars left out). */
  mean: number;
  /** Luma at the 1st and 99th percentile: the range that holds the picture (specks cut). */
  lo: number;
  hi: number;
}

/**
 * Frames darker than this mean luma are smoothed before detection. Lit webcam frames (mean
 * ≈ 90–150) are left untouched, so the models see exactly what they saw before for them; the
 * dim variant of the identity set (eq −0.28, contrast 0.7, noise) sits at ≈ 45–57.
 */
export const DIM_MEAN = 70;
/**
 * When the brightest 1 % of the picture is darker than this, the detector cannot be trusted to
 * see a face: on the tuning half it lost black faces of the dim variant once the 99th percentile
 * fell from ≈ 120 to ≈ 90 (London 025, 082: found at 123, lost at 89–92; others held to ≈ 65).
 * A frame without a face that dark is "too dark to judge", not "no face". Lit rooms and the
 * benchmark's faceless scenes are far above (≳ 200).
 */
export const DARK_P99 = 100;

type Pixels = Uint8Array | Uint8ClampedArray;

/** The rows/columns of letterbox padding (exactly black, as frame-sampler.ts pads) around the picture. */
function pictureBounds(data: Pixels, width: number, height: number, channels: number): [number, number, number, number] {
  const black = (i: number) => data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 0;
  const rowBlack = (y: number) => {
    for (let x = 0, i = y * width * channels; x < width; x += 2, i += 2 * channels) if (!black(i)) return false;
    return true;
  };
  const colBlack = (x: number, y0: number, y1: number) => {
    for (let y = y0; y < y1; y += 2) if (!black((y * width + x) * channels)) return false;
    return true;
  };
  let top = 0;
  let bottom = height;
  while (top < bottom && rowBlack(top)) top++;
  while (bottom > top && rowBlack(bottom - 1)) bottom--;
  let left = 0;
  let right = width;
  while (left < right && colBlack(left, top, bottom)) left++;
  while (right > left && colBlack(right - 1, top, bottom)) right--;
  return [left, top, right, bottom];
}

/** Luma statistics from every 4th pixel of every 4th row of the picture (`channels`: 3 = RGB, 4 = RGBA). */
export function lightStats(data: Pixels, width: number, height: number, channels: 3 | 4): LightStats {
  if (data.length !== width * height * channels) throw new Error(`pixel buffer is ${data.length} bytes, expected ${width}×${height}×${channels}`);
  const [x0, y0, x1, y1] = pictureBounds(data, width, height, channels);
  const hist = new Uint32Array(256);
  let sum = 0;
  let n = 0;
  for (let y = y0; y < y1; y += 4) {
    for (let x = x0, i = (y * width + x0) * channels; x < x1; x += 4, i += 4 * channels) {
      const l = (77 * data[i]! + 150 * data[i + 1]! + 29 * data[i + 2]!) >> 8;
      hist[l]!++;
      sum += l;
      n++;
    }
  }
  if (n === 0) return { mean: 0, lo: 0, hi: 0 };
  const percentile = (q: number) => {
    let acc = 0;
    for (let v = 0; v < 256; v++) if ((acc += hist[v]!) >= q * n) return v;
    return 255;
  };
  return { mean: sum / n, lo: percentile(0.01), hi: percentile(0.99) };
}

export const isDim = (s: LightStats): boolean => s.mean < DIM_MEAN;
export const tooDarkToJudge = (s: LightStats): boolean => s.hi < DARK_P99;

/** One 3-tap box pass along rows (step = channels) or columns (step = row length), colour channels only. */
function boxPass(src: Pixels, dst: Pixels, width: number, height: number, channels: number, vertical: boolean): void {
  const step = vertical ? width * channels : channels;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      const first = vertical ? y === 0 : x === 0;
      const last = vertical ? y === height - 1 : x === width - 1;
      for (let c = 0; c < 3; c++) {
        const k = i + c;
        // Integer result, so RGB (Uint8Array) and canvas (Uint8ClampedArray) buffers get the same value.
        dst[k] = ((src[first ? k : k - step]! + src[k]! + src[last ? k : k + step]! + 1) / 3) | 0;
      }
      if (channels === 4) dst[i + 3] = src[i + 3]!;
    }
  }
}

/** A new buffer: the picture smoothed twice by a 3×3 box (≈ a 5×5 tent), alpha kept. */
export function denoise<T extends Pixels>(data: T, width: number, height: number, channels: 3 | 4): T {
  const a = data.slice() as T;
  const b = data.slice() as T;
  boxPass(data, a, width, height, channels, false);
  boxPass(a, b, width, height, channels, true);
  boxPass(b, a, width, height, channels, false);
  boxPass(a, b, width, height, channels, true);
  return b;
}

export interface LightCorrection<T> {
  /** The pixels to analyse: the input itself when the frame was not dim. */
  data: T;
  stats: LightStats;
  denoised: boolean;
  /** Too dark for an absent face to mean anything (see DARK_P99). */
  tooDark: boolean;
}

/** Measures the frame and, when it is dim, returns it denoised. */
export function correctLight<T extends Pixels>(data: T, width: number, height: number, channels: 3 | 4): LightCorrection<T> {
  const stats = lightStats(data, width, height, channels);
  const tooDark = tooDarkToJudge(stats);
  if (!isDim(stats)) return { data, stats, denoised: false, tooDark };
  return { data: denoise(data, width, height, channels), stats, denoised: true, tooDark };
}

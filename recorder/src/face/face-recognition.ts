/**
 * Who a face is: the 128-value descriptor of @vladmandic/face-api's recognition net (a port of
 * dlib's face-recognition ResNet), run on the face crop that human's mesh gives. Chosen over
 * human's own `faceres` by ROC on the identity set (recorder/README.md, "Face recognition"):
 * on photos of one person taken on different days faceres' genuine similarities overlapped
 * impostors', this one's did not.
 *
 * Both packages run on the same tfjs-core instance (pnpm keeps one copy), so the frame tensor
 * human analysed is cropped and handed over without copying pixels. The weights ship inside the
 * npm package (`model/face_recognition_model*`); nothing is downloaded.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Tensor4D } from '@tensorflow/tfjs-core';

const require = createRequire(import.meta.url);

interface FaceApi {
  nets: { faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; isLoaded: boolean } };
  computeFaceDescriptor(input: unknown): Promise<Float32Array | Float32Array[]>;
}

/** Pixel rectangle of the frame, [x, y, width, height]. */
export type PixelBox = [number, number, number, number];

// Mesh points of both eyebrows (MediaPipe face-mesh indices): the top of dlib's face chip.
const BROW_POINTS = [46, 52, 53, 55, 63, 65, 66, 70, 105, 107, 276, 282, 283, 285, 293, 295, 296, 300, 334, 336];
/**
 * The crop is the mesh's width × brows-to-chin (the 68-landmark box face-api's own pipeline
 * feeds the net), enlarged by this factor about its centre: 1.2 gave the lowest equal-error
 * rate on the tuning half (1.0: 0.001, 1.1–1.3: 0.000 on studio photos; 1.2 best on webcam-like ones).
 */
export const CROP_SCALE = 1.2;

/** The crop the descriptor is computed on, clipped to the frame; null without a usable mesh. */
export function recognitionCrop(mesh: ReadonlyArray<readonly number[]>, frameWidth: number, frameHeight: number): PixelBox | null {
  if (mesh.length < 468) return null;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const p of mesh) {
    x0 = Math.min(x0, p[0]!);
    x1 = Math.max(x1, p[0]!);
    y1 = Math.max(y1, p[1]!);
  }
  const y0 = Math.min(...BROW_POINTS.map((i) => mesh[i]![1]!));
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const w = (x1 - x0) * CROP_SCALE;
  const h = (y1 - y0) * CROP_SCALE;
  const left = Math.max(0, Math.round(cx - w / 2));
  const top = Math.max(0, Math.round(cy - h / 2));
  const right = Math.min(frameWidth, Math.round(cx + w / 2));
  const bottom = Math.min(frameHeight, Math.round(cy + h / 2));
  if (right - left < 8 || bottom - top < 8) return null;
  return [left, top, right - left, bottom - top];
}

/** Cosine similarity of two descriptors, −1..1 (same person ≳ 0.93 on webcam frames). */
export function descriptorSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length || a.length === 0) throw new Error(`descriptor lengths differ (${a.length} vs ${b.length})`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return na > 0 && nb > 0 ? dot / Math.sqrt(na * nb) : 0;
}

export class FaceRecognizer {
  private constructor(
    private readonly faceapi: FaceApi,
    private readonly tf: typeof import('@tensorflow/tfjs-core'),
  ) {}

  /** Loads the net (≈ 6 MB) into the tfjs engine human already set up (wasm backend). */
  static async load(tf: typeof import('@tensorflow/tfjs-core')): Promise<FaceRecognizer> {
    const dir = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
    // Its exports map has no node-wasm entry; the build is required by path (like human's).
    const faceapi = require(path.join(dir, 'dist', 'face-api.node-wasm.js')) as FaceApi;
    if (!faceapi.nets.faceRecognitionNet.isLoaded) await faceapi.nets.faceRecognitionNet.loadFromDisk(path.join(dir, 'model'));
    return new FaceRecognizer(faceapi, tf);
  }

  /** Descriptor of the face in `box` of a [1, h, w, 3] frame tensor. */
  async describe(frame: Tensor4D, box: PixelBox): Promise<number[]> {
    const [x, y, w, h] = box;
    const crop = this.tf.tidy(() => this.tf.squeeze(this.tf.slice(frame, [0, y, x, 0], [1, h, w, 3]), [0]));
    try {
      const out = await this.faceapi.computeFaceDescriptor(crop);
      return Array.from(Array.isArray(out) ? out[0]! : out);
    } finally {
      crop.dispose();
    }
  }
}

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
import type { PixelBox } from './face-crop.ts';

const require = createRequire(import.meta.url);

interface FaceApi {
  nets: { faceRecognitionNet: { loadFromDisk(dir: string): Promise<void>; isLoaded: boolean } };
  computeFaceDescriptor(input: unknown): Promise<Float32Array | Float32Array[]>;
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

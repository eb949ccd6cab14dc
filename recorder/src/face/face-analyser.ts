/**
 * Server-side face analysis of single frames with @vladmandic/human on the node-wasm backend
 * (how many faces, box, mesh, head pose) and face-api's recognition net (who: a 128-d
 * descriptor, face-recognition.ts). The same models the candidate's browser runs, so a page
 * whose detectors were switched off is still judged.
 *
 * Frames are raw RGB (ffmpeg decodes them; see frame-sampler.ts), so no image decoder is
 * needed in Node. Every frame is analysed on its own (human's cross-frame caching is off):
 * sampled frames are seconds apart and must not inherit the previous frame's faces.
 *
 * One analyser per process: the models (≈ 9 MB + 6 MB) are loaded once, and tfjs-wasm runs one
 * inference at a time anyway, so calls are serialised.
 */
import type { Tensor4D } from '@tensorflow/tfjs-core';
import { faceQuality, meanLuma, type FaceQuality } from './face-quality.ts';
import { descriptorSimilarity, recognitionCrop } from './face-crop.ts';
import { correctLight } from './frame-light.ts';
import { FaceRecognizer } from './face-recognition.ts';
import { humanModelBaseUrl, loadHumanModule, wasmDir, type Human, type HumanConfig } from './human-loader.ts';

export interface FaceObservation {
  /** Detector × mesh confidence, 0..1. */
  score: number;
  /** Box normalised to the frame, [x, y, width, height]. */
  box: [number, number, number, number];
  /** Head rotation in degrees (0 = facing the camera); null when the mesh gave none. */
  yaw: number | null;
  pitch: number | null;
  /** Width of the recognition crop in frame pixels (0 without a mesh). */
  widthPx: number;
  /** Mean luma 0..255 of the recognition crop. */
  brightness: number;
  /** Whether the face is good enough for an identity decision (face-quality.ts). */
  quality: FaceQuality;
  /** Face-api descriptor of a frame's only face (null when several or no mesh). */
  embedding: number[] | null;
}

export interface FrameAnalysis {
  faces: FaceObservation[];
  /**
   * The frame's light (frame-light.ts): whether it was dim and analysed denoised, and whether it
   * is too dark for a missing face to mean "no face".
   */
  light: { mean: number; hi: number; denoised: boolean; tooDark: boolean };
}

export interface RgbFrame {
  width: number;
  height: number;
  /** width × height × 3 bytes, row-major RGB. */
  data: Uint8Array;
}

// Faces below this score are detector noise (posters, patterns) and are not counted.
export const MIN_FACE_SCORE = 0.5;
// Enough for a candidate, a helper leaning in and a third person; more changes no verdict.
const MAX_FACES = 5;

const CONFIG: Partial<HumanConfig> = {
  backend: 'wasm',
  debug: false,
  cacheSensitivity: 0,
  face: {
    enabled: true,
    detector: { rotation: false, maxDetected: MAX_FACES, skipFrames: 0, skipTime: 0, minConfidence: 0.3, iouThreshold: 0.1, return: false },
    mesh: { enabled: true },
    attention: { enabled: false },
    iris: { enabled: false },
    emotion: { enabled: false },
    // Identity comes from face-api's net (face-recognition.ts), not human's faceres.
    description: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
  filter: { enabled: false },
} as Partial<HumanConfig>;

const RAD_TO_DEG = 180 / Math.PI;

export class FaceAnalyser {
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly human: Human,
    private readonly recognizer: FaceRecognizer,
  ) {}

  static #shared: Promise<FaceAnalyser> | undefined;

  /** The process's analyser, models loaded on first use. */
  static shared(): Promise<FaceAnalyser> {
    FaceAnalyser.#shared ??= (async () => {
      const { Human } = loadHumanModule();
      const human = new Human({ ...CONFIG, modelBasePath: humanModelBaseUrl(), wasmPath: wasmDir() + '/' } as HumanConfig);
      await human.load();
      await human.tf.ready();
      return new FaceAnalyser(human, await FaceRecognizer.load(human.tf as unknown as typeof import('@tensorflow/tfjs-core')));
    })();
    FaceAnalyser.#shared.catch(() => (FaceAnalyser.#shared = undefined));
    return FaceAnalyser.#shared;
  }

  /** Faces in one frame, above MIN_FACE_SCORE, largest first. */
  analyse(frame: RgbFrame): Promise<FrameAnalysis> {
    const run = this.#queue.then(() => this.#analyse(frame));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Descriptor similarity (cosine; see OTHER_PERSON_SIMILARITY in face-rules.ts for measured values). */
  similarity(a: number[], b: number[]): number {
    return descriptorSimilarity(a, b);
  }

  async #analyse(frame: RgbFrame): Promise<FrameAnalysis> {
    if (frame.data.length !== frame.width * frame.height * 3) throw new Error('frame size does not match its dimensions');
    const tf = this.human.tf;
    // Dim frames are analysed denoised (detector, mesh and descriptor alike); the quality gate
    // below still measures the light the camera gave (the original frame).
    const light = correctLight(frame.data, frame.width, frame.height, 3);
    const input = tf.tensor4d(light.data, [1, frame.height, frame.width, 3], 'int32');
    try {
      const result = await this.human.detect(input);
      const counted = result.face.filter((f) => (f.faceScore || f.boxScore) >= MIN_FACE_SCORE);
      const faces: FaceObservation[] = [];
      for (const f of counted) {
        const crop = recognitionCrop(f.mesh as number[][], frame.width, frame.height);
        const yaw = f.rotation ? f.rotation.angle.yaw * RAD_TO_DEG : null;
        const widthPx = crop ? crop[2] : 0;
        const brightness = crop ? meanLuma(frame, crop) : 0;
        faces.push({
          score: f.faceScore || f.boxScore,
          box: f.boxRaw as [number, number, number, number],
          yaw,
          pitch: f.rotation ? f.rotation.angle.pitch * RAD_TO_DEG : null,
          widthPx,
          brightness,
          quality: crop ? faceQuality({ widthPx, brightness, yaw }) : 'too_small',
          // Only a frame's only face is ever compared with the reference: the descriptor (≈ 30 ms) is skipped otherwise.
          embedding: crop && counted.length === 1 ? await this.recognizer.describe(input as unknown as Tensor4D, crop) : null,
        });
      }
      faces.sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
      const { mean, hi } = light.stats;
      return { faces, light: { mean, hi, denoised: light.denoised, tooDark: light.tooDark } };
    } finally {
      input.dispose();
    }
  }
}

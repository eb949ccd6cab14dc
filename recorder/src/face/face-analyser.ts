/**
 * Server-side face analysis of single frames with @vladmandic/human on the node-wasm backend:
 * how many faces, each face's head pose and its 1024-d embedding. The same checks the
 * candidate's browser runs, so a page whose detectors were switched off is still judged.
 *
 * Frames are raw RGB (ffmpeg decodes them; see frame-sampler.ts), so no image decoder is
 * needed in Node. Every frame is analysed on its own (human's cross-frame caching is off):
 * sampled frames are seconds apart and must not inherit the previous frame's faces.
 *
 * One analyser per process: the models (≈ 9 MB) are loaded once, and tfjs-wasm runs one
 * inference at a time anyway, so calls are serialised.
 */
import { humanModelBaseUrl, loadHumanModule, wasmDir, type Human, type HumanConfig } from './human-loader.ts';

export interface FaceObservation {
  /** Detector × mesh confidence, 0..1. */
  score: number;
  /** Box normalised to the frame, [x, y, width, height]. */
  box: [number, number, number, number];
  /** Head rotation in degrees (0 = facing the camera); null when the mesh gave none. */
  yaw: number | null;
  pitch: number | null;
  embedding: number[] | null;
}

export interface FrameAnalysis {
  faces: FaceObservation[];
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
    description: { enabled: true, skipFrames: 0, skipTime: 0 },
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

  private constructor(private readonly human: Human) {}

  static #shared: Promise<FaceAnalyser> | undefined;

  /** The process's analyser, models loaded on first use. */
  static shared(): Promise<FaceAnalyser> {
    FaceAnalyser.#shared ??= (async () => {
      const { Human } = loadHumanModule();
      const human = new Human({ ...CONFIG, modelBasePath: humanModelBaseUrl(), wasmPath: wasmDir() + '/' } as HumanConfig);
      await human.load();
      await human.tf.ready();
      return new FaceAnalyser(human);
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

  /** Embedding similarity 0..1 (see OTHER_PERSON_SIMILARITY in face-rules.ts for measured values). */
  similarity(a: number[], b: number[]): number {
    return this.human.match.similarity(a, b);
  }

  async #analyse(frame: RgbFrame): Promise<FrameAnalysis> {
    if (frame.data.length !== frame.width * frame.height * 3) throw new Error('frame size does not match its dimensions');
    const tf = this.human.tf;
    const input = tf.tensor4d(frame.data, [1, frame.height, frame.width, 3], 'int32');
    try {
      const result = await this.human.detect(input);
      const faces = result.face
        .filter((f) => (f.faceScore || f.boxScore) >= MIN_FACE_SCORE)
        .map<FaceObservation>((f) => ({
          score: f.faceScore || f.boxScore,
          box: f.boxRaw as [number, number, number, number],
          yaw: f.rotation ? f.rotation.angle.yaw * RAD_TO_DEG : null,
          pitch: f.rotation ? f.rotation.angle.pitch * RAD_TO_DEG : null,
          embedding: f.embedding?.length ? Array.from(f.embedding) : null,
        }))
        .sort((a, b) => b.box[2] * b.box[3] - a.box[2] * a.box[3]);
      return { faces };
    } finally {
      input.dispose();
    }
  }
}

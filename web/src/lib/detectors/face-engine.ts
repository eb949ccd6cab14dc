/**
 * Face analysis in the candidate's browser, with the server's models: `@vladmandic/human` for
 * how many faces, the mesh and head pose, and `@vladmandic/face-api`'s recognition net for who
 * it is (a 128-value descriptor of the crop @proctor/recorder/face-crop computes, compared by
 * cosine — exactly what recorder/src/face does, so the contract's thresholds hold on both
 * sides). Models and the TensorFlow.js wasm binaries are served by the app itself
 * (web/vite/human-assets.ts), never from a CDN.
 *
 * The two packages each bundle their own TensorFlow.js here, so the crop goes from one to the
 * other as canvas pixels, not as a tensor.
 *
 * Backend: wasm. It needs no GPU (headless Chromium and many exam PCs run with the GPU
 * disabled or blocklisted) and takes ~100–300 ms per frame, enough for 1–2 fps.
 * Loaded on demand (dynamic import) so the rest of the page never pays for it.
 */
import type { Config, Human } from '@vladmandic/human';
import { MIN_FACE_BRIGHTNESS, MIN_FACE_WIDTH_PX } from '@proctor/recorder/face-quality';
import { descriptorSimilarity, recognitionCrop, type PixelBox } from '@proctor/recorder/face-crop';

type FaceApi = typeof import('@vladmandic/face-api');

export interface FaceFinding {
  faces: number;
  /** Descriptor of the only face; null unless exactly one face was found (or it had no mesh). */
  embedding: number[] | null;
  /** Whether the only face is big and bright enough to say who it is (server: face-quality.ts). */
  judgeable: boolean;
  /** Head rotation of the only face in radians (0 = facing the camera); null if unknown. */
  yaw: number | null;
  pitch: number | null;
  /** Detector confidence of the weakest counted face, 0..1. */
  score: number;
}

export type FaceInput = HTMLVideoElement | HTMLCanvasElement | HTMLImageElement;

const WASM_PATH = '/human/wasm/';
/** Width of the server's analysis frames (recorder/src/face/frame-sampler.ts). */
const ANALYSIS_WIDTH = 640;
/** face-api's recognition net (web/vite/human-assets.ts serves it from the npm package). */
const FACE_API_MODELS = '/human/face-api/';

const CONFIG: Partial<Config> = {
  backend: 'wasm',
  wasmPath: WASM_PATH,
  modelBasePath: '/human/models/',
  debug: false,
  async: true,
  warmup: 'none',
  // Every call analyses the frame afresh (no result caching between calls).
  cacheSensitivity: 0,
  filter: { enabled: false },
  face: {
    enabled: true,
    detector: { modelPath: 'blazeface.json', rotation: false, maxDetected: 5, minConfidence: 0.5, skipFrames: 0, skipTime: 0, return: false },
    mesh: { enabled: true, modelPath: 'facemesh.json' },
    attention: { enabled: false },
    iris: { enabled: false },
    // Identity comes from face-api's recognition net (below), as on the server.
    description: { enabled: false },
    emotion: { enabled: false },
    antispoof: { enabled: false },
    liveness: { enabled: false },
    gear: { enabled: false },
  },
  body: { enabled: false },
  hand: { enabled: false },
  object: { enabled: false },
  gesture: { enabled: false },
  segmentation: { enabled: false },
};

export class FaceEngine {
  #canvas: HTMLCanvasElement | OffscreenCanvas | null = null;

  constructor(
    private readonly human: Human,
    private readonly faceapi: FaceApi,
  ) {}

  async analyse(input: FaceInput): Promise<FaceFinding> {
    const result = await this.human.detect(input);
    const faces = result.face;
    const only = faces.length === 1 ? faces[0] : undefined;
    const angle = only?.rotation?.angle;
    const [width, height] = dimensions(input);
    const crop = only ? recognitionCrop(only.mesh as number[][], width, height) : null;
    let embedding: number[] | null = null;
    let judgeable = false;
    if (crop) {
      const pixels = this.#cropCanvas(input, crop);
      // The server measures on frames scaled to 640 px wide; so does this.
      judgeable = crop[2] * (ANALYSIS_WIDTH / width) >= MIN_FACE_WIDTH_PX && meanLuma(pixels) >= MIN_FACE_BRIGHTNESS;
      const out = await this.faceapi.computeFaceDescriptor(pixels.canvas as HTMLCanvasElement);
      embedding = Array.from(Array.isArray(out) ? out[0]! : out);
    }
    return {
      faces: faces.length,
      embedding,
      judgeable,
      yaw: angle ? angle.yaw : null,
      pitch: angle ? angle.pitch : null,
      score: faces.length ? Math.min(...faces.map((f) => f.boxScore ?? f.score)) : 0,
    };
  }

  /** Cosine similarity of two descriptors (same person ≳ 0.93 on webcam frames). */
  similarity(a: number[], b: number[]): number {
    return descriptorSimilarity(a, b);
  }

  #cropCanvas(input: FaceInput, [x, y, w, h]: PixelBox): CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D {
    this.#canvas ??= document.createElement('canvas');
    this.#canvas.width = w;
    this.#canvas.height = h;
    const ctx = this.#canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    ctx.drawImage(input, x, y, w, h, 0, 0, w, h);
    return ctx;
  }
}

function dimensions(input: FaceInput): [number, number] {
  if (input instanceof HTMLVideoElement) return [input.videoWidth, input.videoHeight];
  if (input instanceof HTMLImageElement) return [input.naturalWidth, input.naturalHeight];
  return [input.width, input.height];
}

/** Mean luma 0..255 of the canvas (every other pixel), as the server's quality gate measures it. */
function meanLuma(ctx: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D): number {
  const { data } = ctx.getImageData(0, 0, ctx.canvas.width, ctx.canvas.height);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < data.length; i += 8) {
    sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
    n++;
  }
  return n ? sum / n : 0;
}

let loading: Promise<FaceEngine> | null = null;

/** The page's one engine: models load once, on first use. */
export function loadFaceEngine(): Promise<FaceEngine> {
  loading ??= (async () => {
    const [{ Human }, faceapi] = await Promise.all([import('@vladmandic/human'), import('@vladmandic/face-api')]);
    const human = new Human(CONFIG);
    // Its typings list only part of the bundled tfjs; these two are in the bundle (wasm backend).
    const tf = faceapi.tf as unknown as { setWasmPaths(prefix: string): void; setBackend(name: string): Promise<boolean> };
    tf.setWasmPaths(WASM_PATH);
    await Promise.all([human.load(), tf.setBackend('wasm').then(() => faceapi.nets.faceRecognitionNet.loadFromUri(FACE_API_MODELS))]);
    return new FaceEngine(human, faceapi);
  })().catch((error: unknown) => {
    loading = null; // a later call may try again (e.g. after a network blip)
    throw error;
  });
  return loading;
}

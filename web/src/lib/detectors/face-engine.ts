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
 * Low light: each frame is drawn 640 px wide (the server's analysis width), measured, and
 * denoised when dim by @proctor/recorder/frame-light, the server's own code; a frame too dark to
 * judge is reported as such (`tooDark`), and face.ts does not count it as "no face".
 *
 * Backend: wasm. It needs no GPU (headless Chromium and many exam PCs run with the GPU
 * disabled or blocklisted) and takes ~100–300 ms per frame, enough for 1–2 fps.
 * Loaded on demand (dynamic import) so the rest of the page never pays for it.
 */
import type { Config, Human } from '@vladmandic/human';
import { MIN_FACE_BRIGHTNESS, MIN_FACE_WIDTH_PX } from '@proctor/recorder/face-quality';
import { descriptorSimilarity, recognitionCrop, type PixelBox } from '@proctor/recorder/face-crop';
import { correctLight } from '@proctor/recorder/frame-light';

type FaceApi = typeof import('@vladmandic/face-api');

export interface FaceFinding {
  faces: number;
  /** Descriptor of the only face; null unless exactly one face was found (or it had no mesh). */
  embedding: number[] | null;
  /** Whether the only face is big and bright enough to say who it is (server: face-quality.ts). */
  judgeable: boolean;
  /** The frame is too dark for a missing face to mean "nobody there" (server: frame-light.ts). */
  tooDark: boolean;
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
  #canvas: HTMLCanvasElement | null = null;
  #cropCanvas: HTMLCanvasElement | null = null;

  constructor(
    private readonly human: Human,
    private readonly faceapi: FaceApi,
  ) {}

  async analyse(input: FaceInput): Promise<FaceFinding> {
    // The frame at the server's analysis width, measured and (when dim) denoised by the same
    // code as the server's (@proctor/recorder/frame-light), then handed to human as a tensor —
    // the path the server takes, so human applies no filters of its own to it.
    const frame = this.#frameCanvas(input);
    const { width, height } = frame.canvas;
    const original = frame.getImageData(0, 0, width, height);
    const light = correctLight(original.data, width, height, 4);
    if (light.denoised) frame.putImageData(new ImageData(light.data, width, height), 0, 0);
    const pixels = new Uint8Array(light.data.buffer, light.data.byteOffset, light.data.length);
    const tensor = this.human.tf.tensor4d(pixels, [1, height, width, 4], 'int32');
    let result;
    try {
      result = await this.human.detect(tensor as unknown as Parameters<Human['detect']>[0]);
    } finally {
      tensor.dispose();
    }
    const faces = result.face;
    const only = faces.length === 1 ? faces[0] : undefined;
    const angle = only?.rotation?.angle;
    const crop = only ? recognitionCrop(only.mesh as number[][], width, height) : null;
    let embedding: number[] | null = null;
    let judgeable = false;
    if (crop) {
      // The gate measures the light the camera gave, as the server's does (the original pixels).
      judgeable = crop[2] >= MIN_FACE_WIDTH_PX && cropLuma(original, crop) >= MIN_FACE_BRIGHTNESS;
      const out = await this.faceapi.computeFaceDescriptor(this.#crop(frame.canvas, crop));
      embedding = Array.from(Array.isArray(out) ? out[0]! : out);
    }
    return {
      faces: faces.length,
      embedding,
      judgeable,
      tooDark: light.tooDark,
      yaw: angle ? angle.yaw : null,
      pitch: angle ? angle.pitch : null,
      score: faces.length ? Math.min(...faces.map((f) => f.boxScore ?? f.score)) : 0,
    };
  }

  /** Cosine similarity of two descriptors (same person ≳ 0.93 on webcam frames). */
  similarity(a: number[], b: number[]): number {
    return descriptorSimilarity(a, b);
  }

  /** The input drawn ANALYSIS_WIDTH wide (the server's frames are 640 wide). */
  #frameCanvas(input: FaceInput): CanvasRenderingContext2D {
    const [w, h] = dimensions(input);
    if (!w || !h) throw new Error('the camera frame has no size yet');
    this.#canvas ??= document.createElement('canvas');
    this.#canvas.width = ANALYSIS_WIDTH;
    this.#canvas.height = Math.round((h * ANALYSIS_WIDTH) / w);
    const ctx = this.#canvas.getContext('2d', { willReadFrequently: true })!;
    ctx.drawImage(input, 0, 0, this.#canvas.width, this.#canvas.height);
    return ctx;
  }

  #crop(source: HTMLCanvasElement, [x, y, w, h]: PixelBox): HTMLCanvasElement {
    this.#cropCanvas ??= document.createElement('canvas');
    this.#cropCanvas.width = w;
    this.#cropCanvas.height = h;
    this.#cropCanvas.getContext('2d')!.drawImage(source, x, y, w, h, 0, 0, w, h);
    return this.#cropCanvas;
  }
}

function dimensions(input: FaceInput): [number, number] {
  if (input instanceof HTMLVideoElement) return [input.videoWidth, input.videoHeight];
  if (input instanceof HTMLImageElement) return [input.naturalWidth, input.naturalHeight];
  return [input.width, input.height];
}

/** Mean luma 0..255 of a box of RGBA pixels (every other pixel of every other row), as the server's gate measures it. */
function cropLuma({ data, width }: ImageData, [x, y, w, h]: PixelBox): number {
  let sum = 0;
  let n = 0;
  for (let row = y; row < y + h; row += 2) {
    for (let col = x, i = (row * width + x) * 4; col < x + w; col += 2, i += 8) {
      sum += 0.299 * data[i]! + 0.587 * data[i + 1]! + 0.114 * data[i + 2]!;
      n++;
    }
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

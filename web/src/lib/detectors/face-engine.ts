/**
 * Face analysis in the candidate's browser with `@vladmandic/human`: how many faces, the
 * face's 1024-value embedding (who it is) and head pose. Models and the TensorFlow.js wasm
 * binaries are served by the app itself (web/vite/human-assets.ts), never from a CDN.
 *
 * Backend: wasm. It needs no GPU (headless Chromium and many exam PCs run with the GPU
 * disabled or blocklisted) and takes ~100–300 ms per frame, enough for 1–2 fps.
 * Loaded on demand (dynamic import) so the rest of the page never pays for it.
 */
import type { Config, Human } from '@vladmandic/human';

export interface FaceFinding {
  faces: number;
  /** Embedding of the only face; null unless exactly one face was found. */
  embedding: number[] | null;
  /** Head rotation of the only face in radians (0 = facing the camera); null if unknown. */
  yaw: number | null;
  pitch: number | null;
  /** Detector confidence of the weakest counted face, 0..1. */
  score: number;
}

export type FaceInput = HTMLVideoElement | HTMLCanvasElement | HTMLImageElement;

const CONFIG: Partial<Config> = {
  backend: 'wasm',
  wasmPath: '/human/wasm/',
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
    description: { enabled: true, modelPath: 'faceres.json', skipFrames: 0, skipTime: 0 },
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
  constructor(private readonly human: Human) {}

  async analyse(input: FaceInput): Promise<FaceFinding> {
    const result = await this.human.detect(input);
    const faces = result.face;
    const only = faces.length === 1 ? faces[0] : undefined;
    const angle = only?.rotation?.angle;
    return {
      faces: faces.length,
      embedding: only?.embedding && only.embedding.length > 0 ? [...only.embedding] : null,
      yaw: angle ? angle.yaw : null,
      pitch: angle ? angle.pitch : null,
      score: faces.length ? Math.min(...faces.map((f) => f.boxScore ?? f.score)) : 0,
    };
  }

  /** 0..1; the same person scores ≈ 0.9, different people ≈ 0.45. */
  similarity(a: number[], b: number[]): number {
    return this.human.match.similarity(a, b);
  }
}

let loading: Promise<FaceEngine> | null = null;

/** The page's one engine: models load once, on first use. */
export function loadFaceEngine(): Promise<FaceEngine> {
  loading ??= (async () => {
    const { Human } = await import('@vladmandic/human');
    const human = new Human(CONFIG);
    await human.load();
    return new FaceEngine(human);
  })().catch((error: unknown) => {
    loading = null; // a later call may try again (e.g. after a network blip)
    throw error;
  });
  return loading;
}

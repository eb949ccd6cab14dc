/**
 * Serves the face-analysis models and TensorFlow.js wasm binaries from the app itself, at
 * `/human/models/*`, `/human/face-api/*` and `/human/wasm/*`: copied out of node_modules into the client build
 * (and served straight from node_modules by `vite dev`). Nothing is fetched from a CDN, so
 * proctoring works on a closed network. Only the models the detectors load are shipped.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';

const require = createRequire(import.meta.url);
/** What web/src/lib/detectors/face-engine.ts loads: human's face box and mesh (head pose), face-api's recognition net. */
const MODELS = ['blazeface', 'facemesh'];
const FACE_API_MODEL = ['face_recognition_model-weights_manifest.json', 'face_recognition_model.bin'];
const WASM = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** URL path (without the leading slash) → file on disk. */
function assetFiles(): Map<string, string> {
  // Both packages' export maps refuse deep paths: resolve their entry, then walk to the files.
  const humanRoot = path.resolve(path.dirname(require.resolve('@vladmandic/human')), '..');
  const wasmDist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const files = new Map<string, string>();
  for (const model of MODELS) {
    for (const ext of ['json', 'bin']) files.set(`human/models/${model}.${ext}`, path.join(humanRoot, 'models', `${model}.${ext}`));
  }
  for (const name of WASM) files.set(`human/wasm/${name}`, path.join(wasmDist, name));
  const faceApiRoot = path.dirname(require.resolve('@vladmandic/face-api/package.json'));
  for (const name of FACE_API_MODEL) files.set(`human/face-api/${name}`, path.join(faceApiRoot, 'model', name));
  return files;
}

export function humanAssets(): Plugin {
  let ssrBuild = false;
  return {
    name: 'proctor-human-assets',
    configResolved(config) {
      ssrBuild = Boolean(config.build.ssr);
    },
    configureServer(server) {
      const files = assetFiles();
      server.middlewares.use((req, res, next) => {
        const file = files.get((req.url ?? '').split('?')[0]!.replace(/^\//, ''));
        if (!file) return next();
        res.setHeader('content-type', file.endsWith('.json') ? 'application/json' : file.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream');
        fs.createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      const consumer = (this as { environment?: { config: { consumer?: string } } }).environment?.config.consumer;
      if (consumer ? consumer !== 'client' : ssrBuild) return;
      for (const [fileName, file] of assetFiles()) this.emitFile({ type: 'asset', fileName, source: fs.readFileSync(file) });
    },
  };
}

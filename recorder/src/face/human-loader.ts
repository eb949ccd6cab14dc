/**
 * Loads @vladmandic/human's node-wasm build with the models that ship inside its npm package —
 * nothing is downloaded, at install or at run time.
 *
 * Two pitfalls of that package in Node (see ../shared/notes/toolchain.md):
 * - its `exports` map hides the files we need (the node-wasm build, models/), so they are
 *   located from its package.json and required by absolute path;
 * - tfjs loads models with fetch(), which cannot read file:// URLs, so a tfjs load router
 *   reads `file://…json` models and their weight shards from disk.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

/** The package's own directory (its `exports` map refuses deep paths, package.json is allowed via resolve paths). */
export function humanPackageDir(): string {
  const main = require.resolve('@vladmandic/human'); // …/human/dist/human.node.js
  return path.resolve(path.dirname(main), '..');
}

export const humanModelsDir = (): string => path.join(humanPackageDir(), 'models');
export const humanAssetsDir = (): string => path.join(humanPackageDir(), 'assets');

// Only the types are taken from the package; the module itself is required at run time.
export type HumanModule = typeof import('@vladmandic/human');
export type Human = InstanceType<HumanModule['Human']>;
export type HumanConfig = ConstructorParameters<HumanModule['Human']>[0];

interface WeightsGroup {
  paths: string[];
  weights: unknown[];
}

let routerInstalled = false;

/** Reads a tfjs graph model (model.json + shards) from a file:// URL into ModelArtifacts. */
async function loadFileModel(url: string): Promise<unknown> {
  const file = fileURLToPath(url);
  const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown> & { weightsManifest: WeightsGroup[] };
  const dir = path.dirname(file);
  const shards: Buffer[] = [];
  const weightSpecs: unknown[] = [];
  for (const group of json.weightsManifest) {
    weightSpecs.push(...group.weights);
    for (const p of group.paths) shards.push(await readFile(path.resolve(dir, p)));
  }
  const all = Buffer.concat(shards);
  return {
    modelTopology: json.modelTopology,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
    signature: json.signature,
    userDefinedMetadata: json.userDefinedMetadata,
    modelInitializer: json.modelInitializer,
    weightSpecs,
    weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
  };
}

/** The Human class of the node-wasm build, with file:// model loading enabled. */
export function loadHumanModule(): HumanModule {
  const mod = require(path.join(humanPackageDir(), 'dist', 'human.node-wasm.js')) as HumanModule;
  if (!routerInstalled) {
    // Same tfjs-core instance as the build's (pnpm hoists one copy next to it).
    const tf = require('@tensorflow/tfjs-core') as { io: { registerLoadRouter(r: (url: string | string[]) => unknown): void } };
    tf.io.registerLoadRouter((url) =>
      typeof url === 'string' && url.startsWith('file://') ? { load: () => loadFileModel(url) } : null,
    );
    routerInstalled = true;
  }
  return mod;
}

/** file:// base of the shipped models, with the trailing slash human's path join expects. */
export const humanModelBaseUrl = (): string => pathToFileURL(humanModelsDir()).href + '/';

/** Where tfjs-backend-wasm's .wasm binaries are (it reads them from disk in Node). */
export function wasmDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/x'));
}

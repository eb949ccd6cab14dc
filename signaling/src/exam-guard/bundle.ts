/**
 * Builds `/sdk/exam-guard.js` once per process: the browser code in exam-guard/browser
 * bundled by esbuild into one small classic script (an IIFE, ES2019, no dependencies) with
 * the platform's origin and public key compiled in.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { build } from 'esbuild';
import type { GuardPublicJwk } from './guard-keys.ts';

export interface GuardBundle {
  code: string;
  /** Strong validator for If-None-Match. */
  etag: string;
}

const ENTRY = path.join(import.meta.dirname, 'browser', 'entry.ts');

export async function buildGuardBundle(config: { platformOrigin: string; jwk: GuardPublicJwk }): Promise<GuardBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    target: 'es2019',
    minify: true,
    legalComments: 'none',
    define: { __EXAM_GUARD__: JSON.stringify(config) },
    banner: { js: `/* Proctoring exam guard — ${config.platformOrigin}/sdk/exam-guard.js (see the platform's README) */` },
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.text;
  return { code, etag: `"${createHash('sha256').update(code).digest('base64url').slice(0, 27)}"` };
}

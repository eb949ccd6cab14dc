import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { BASE_CSP } from './src/lib/server/csp-policy.js';

// WEB_BUILD_DIR / SVELTEKIT_OUT_DIR let two builds run side by side (e.g. a test run while
// another checkout builds); by default the media node serves web/build.
const out = process.env.WEB_BUILD_DIR ?? 'build';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The media node mounts build/handler.js inside its own fastify server (same port as socket.io).
    adapter: adapter({ out }),
    outDir: process.env.SVELTEKIT_OUT_DIR ?? '.svelte-kit',
    // Every page's Content-Security-Policy (nonces for SvelteKit's inline scripts); the
    // policy and its per-route additions live in src/lib/server/csp-policy.js.
    csp: { mode: 'nonce', directives: /** @type {any} */ (BASE_CSP) },
  },
};

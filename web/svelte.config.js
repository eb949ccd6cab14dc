import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
  },
};

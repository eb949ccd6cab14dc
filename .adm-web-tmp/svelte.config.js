import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The media node mounts build/handler.js inside its own fastify server (same port as socket.io).
    adapter: adapter({ out: 'build' }),
  },
};

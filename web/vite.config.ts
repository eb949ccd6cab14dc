import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';
import { humanAssets } from './vite/human-assets.ts';

export default defineConfig({
  plugins: [sveltekit(), humanAssets()],
  // The shared socket contract is TypeScript source in a workspace package, and so is the
  // honesty formula it re-exports from @proctor/db/honesty (a pure module, no database code).
  // @proctor/values (closed value sets and their names) is TypeScript source as well.
  ssr: { noExternal: ['@proctor/signaling', '@proctor/db', '@proctor/values'] },
  // `vite dev` only: the media node (API, socket.io) runs elsewhere; in production both share an origin.
  server: {
    proxy: {
      '/socket.io': { target: process.env.PROCTOR_DEV_BACKEND ?? 'http://127.0.0.1:3000', ws: true },
      '/api': { target: process.env.PROCTOR_DEV_BACKEND ?? 'http://127.0.0.1:3000' },
      '/dev/mail': { target: process.env.PROCTOR_DEV_BACKEND ?? 'http://127.0.0.1:3000' },
    },
  },
});

import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  plugins: [sveltekit()],
  // The shared socket contract is TypeScript source in a workspace package.
  ssr: { noExternal: ['@proctor/signaling'] },
});

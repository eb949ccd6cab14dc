import { defineConfig } from 'vitest/config';

// Two tiers (README "Tests"). unit: each package's test/unit/ plus the wholly pure values/ and
// web/ tests. integration: everything else, on the real PostgreSQL, Redis, mediasoup, ffmpeg
// and Chromium.
const packages = ['values', 'db', 'sfu', 'recorder', 'signaling', 'web'];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          // Runs first and in parallel; must need none of the services (checked in CI by
          // running it inside a network namespace where nothing listens).
          sequence: { groupOrder: 0 },
          include: [...packages.map((p) => `${p}/test/unit/**/*.test.ts`), 'values/test/*.test.ts', 'web/test/*.test.ts'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          // One file at a time: the files share two cores, fixed ports and the services.
          sequence: { groupOrder: 1 },
          include: [...['db', 'sfu', 'recorder', 'signaling'].map((p) => `${p}/test/*.test.ts`), 'tests/integration/*.test.ts', 'tests/e2e/*.test.ts'],
          environment: 'node',
          fileParallelism: false,
          testTimeout: 600_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});

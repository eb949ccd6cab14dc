/**
 * What the database benchmarks (results, statistics, export) share: a scratch database that
 * is dropped on Ctrl-C as well as at the end, the 1 M-session data set generated with its
 * progress on stderr, and percentiles of timings.
 */
import { loadavg } from 'node:os';
import { createTestDatabase, generateScaleData, type ScaleDataSample, type TestDatabase } from '@proctor/db/testing';

export const log = (line: string) => process.stderr.write(`${line}\n`);
export const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

/**
 * A fresh migrated database; SIGINT/SIGTERM drop it (drop() waits for the statement in
 * flight) and run `onAbort` (other scratch files) before exiting. The caller drops it at the end.
 */
export async function scratchDatabase(tag: string, onAbort?: () => Promise<unknown>): Promise<TestDatabase> {
  const t = await createTestDatabase();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log(`[${tag}] ${signal}: dropping the scratch database`);
      void Promise.all([t.drop(), onAbort?.()]).finally(() => process.exit(130));
    });
  }
  return t;
}

/** generateScaleData with its steps and total time logged under `tag`. */
export async function generateLogged(
  t: TestDatabase,
  tag: string,
  opts: { sessions: number; violations: number; now: Date },
): Promise<ScaleDataSample> {
  const started = performance.now();
  log(`[${tag}] generating ${opts.sessions} sessions and ${opts.violations} violations (load average ${load()})`);
  const sample = await generateScaleData(t.db, { ...opts, onProgress: (step, ms) => log(`  ${step}: ${(ms / 1000).toFixed(1)} s`) });
  log(`[${tag}] generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return sample;
}

/** The p-th percentile of ascending `sorted` (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

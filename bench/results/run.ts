// `pnpm bench:results [--sessions N] [--violations N] [--rounds N]`
//
// Creates a scratch database, fills it with N sessions and violations (generated inside
// PostgreSQL), runs the fixed Results query mix (queries.ts) once to warm the caches and
// then --rounds more times, timed. Progress goes to stderr; the last stdout line is one
// JSON object: {"sessions","violations","queries","p50ms","p95ms","maxms","worstQuery"}.
// The database is dropped at the end, also on failure.
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { createTestDatabase, generateScaleData } from '@proctor/db/testing';
import { queryMix } from './queries.ts';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000000' },
    violations: { type: 'string', default: '10000000' },
    rounds: { type: 'string', default: '3' },
  },
});
const sessions = Number(values.sessions);
const violations = Number(values.violations);
const rounds = Number(values.rounds);
for (const [name, n] of Object.entries({ sessions, violations, rounds })) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
}

const log = (line: string) => process.stderr.write(`${line}\n`);
const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const t = await createTestDatabase();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // drop() waits for the statement in flight, then removes the scratch database.
    log(`[bench:results] ${signal}: dropping the scratch database`);
    void t.drop().finally(() => process.exit(130));
  });
}
try {
  const now = new Date();
  const started = performance.now();
  log(`[bench:results] generating ${sessions} sessions and ${violations} violations (load average ${load()})`);
  const sample = await generateScaleData(t.db, {
    sessions,
    violations,
    now,
    onProgress: (step, ms) => log(`  ${step}: ${(ms / 1000).toFixed(1)} s`),
  });
  log(`[bench:results] generated in ${((performance.now() - started) / 1000).toFixed(0)} s`);

  const mix = queryMix(t.db, sample, now);
  log(`[bench:results] warm-up: ${mix.length} queries`);
  for (const q of mix) await q.run();

  const timings: { name: string; ms: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    log(`[bench:results] round ${round}/${rounds} (load average ${load()})`);
    for (const q of mix) {
      const t0 = performance.now();
      await q.run();
      timings.push({ name: q.name, ms: performance.now() - t0 });
    }
  }

  // Slowest queries by their median over the rounds, for the log.
  const byName = new Map<string, number[]>();
  for (const { name, ms } of timings) byName.set(name, [...(byName.get(name) ?? []), ms]);
  const medians = [...byName].map(([name, ms]) => ({ name, ms: percentile([...ms].sort((a, b) => a - b), 50) }));
  medians.sort((a, b) => b.ms - a.ms);
  log('[bench:results] slowest (median ms):');
  for (const m of medians.slice(0, 10)) log(`  ${m.ms.toFixed(1).padStart(8)}  ${m.name}`);

  const sorted = timings.map((x) => x.ms).sort((a, b) => a - b);
  const worst = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
  const round1 = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      sessions,
      violations,
      queries: timings.length,
      p50ms: round1(percentile(sorted, 50)),
      p95ms: round1(percentile(sorted, 95)),
      maxms: round1(sorted[sorted.length - 1] ?? 0),
      worstQuery: worst.name,
    }),
  );
} finally {
  await t.drop();
}

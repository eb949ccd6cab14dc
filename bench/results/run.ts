// `pnpm bench:results [--sessions N] [--violations N] [--rounds N]`
//
// Creates a scratch database, fills it with N sessions and violations (generated inside
// PostgreSQL), runs the fixed Results query mix (queries.ts) once to warm the caches and
// then --rounds more times, timed. Progress goes to stderr; the last stdout line is one
// JSON object: {"sessions","violations","queries","p50ms","p95ms","maxms","worstQuery"}.
// The database is dropped at the end, also on failure.
import { parseArgs } from 'node:util';
import { generateLogged, load, log, percentile, scratchDatabase } from '../scratch-db.ts';
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

const t = await scratchDatabase('bench:results');
try {
  const now = new Date();
  const sample = await generateLogged(t, 'bench:results', { sessions, violations, now });

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

// `pnpm bench:statistics [--sessions N] [--violations N] [--rounds N]`
//
// Creates a scratch database, fills it with N sessions and violations (generateScaleData),
// their attempts (generateScaleAttempts) and connection events
// (generateScaleConnectionEvents), all inside PostgreSQL, then runs the fixed Statistics
// query mix (queries.ts) once to warm the caches and --rounds more times, timed. Progress
// goes to stderr; the last stdout line is one JSON object:
// {"sessions","violations","attempts","connectionEvents","queries","p50ms","p95ms","maxms","worstQuery","timedOut"}.
// The database is dropped at the end, also on failure.
import { parseArgs } from 'node:util';
import { generateScaleAttempts, generateScaleConnectionEvents } from '@proctor/db/testing';
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

const seconds = (from: number) => ((performance.now() - from) / 1000).toFixed(1);

const t = await scratchDatabase('bench:statistics');
try {
  const now = new Date();
  const sample = await generateLogged(t, 'bench:statistics', { sessions, violations, now });
  let started = performance.now();
  const { attempts } = await generateScaleAttempts(t.db, { from: new Date(0), to: new Date(now.getTime() + 86_400_000) });
  log(`[bench:statistics] ${attempts} attempts (with recordings) in ${seconds(started)} s`);
  started = performance.now();
  const connectionEvents = await generateScaleConnectionEvents(t.db);
  log(`[bench:statistics] ${connectionEvents} connection events in ${seconds(started)} s`);

  const mix = queryMix(t.db, sample, now);
  // A query cancelled by the statistics statement timeout is recorded as taking that long
  // (and counted), not allowed to end the run: it is the result to report.
  const timedOut = new Set<string>();
  const run = async (q: (typeof mix)[number]) => {
    try {
      await q.run();
    } catch (error) {
      if ((error as { code?: unknown }).code !== '57014') throw error;
      timedOut.add(q.name);
      log(`  timed out: ${q.name}`);
    }
  };
  log(`[bench:statistics] warm-up: ${mix.length} queries`);
  for (const q of mix) await run(q);

  const timings: { name: string; ms: number }[] = [];
  for (let round = 1; round <= rounds; round++) {
    log(`[bench:statistics] round ${round}/${rounds} (load average ${load()})`);
    for (const q of mix) {
      const t0 = performance.now();
      await run(q);
      timings.push({ name: q.name, ms: performance.now() - t0 });
    }
  }

  const byName = new Map<string, number[]>();
  for (const { name, ms } of timings) byName.set(name, [...(byName.get(name) ?? []), ms]);
  const medians = [...byName].map(([name, ms]) => ({ name, ms: percentile([...ms].sort((a, b) => a - b), 50) }));
  log('[bench:statistics] median ms per query:');
  for (const m of medians) log(`  ${m.ms.toFixed(1).padStart(8)}  ${m.name}`);

  const sorted = timings.map((x) => x.ms).sort((a, b) => a - b);
  const worst = timings.reduce((a, b) => (b.ms > a.ms ? b : a));
  const round1 = (x: number) => Math.round(x * 10) / 10;
  console.log(
    JSON.stringify({
      sessions,
      violations,
      attempts,
      connectionEvents,
      queries: timings.length,
      p50ms: round1(percentile(sorted, 50)),
      p95ms: round1(percentile(sorted, 95)),
      maxms: round1(sorted[sorted.length - 1] ?? 0),
      worstQuery: worst.name,
      timedOut: [...timedOut],
    }),
  );
} finally {
  await t.drop();
}

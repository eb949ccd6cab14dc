// `pnpm bench:export [--sessions N] [--violations N] [--rows N]`
//
// Creates a scratch database with N sessions and violations (generateScaleData, as
// bench:results), adds attempts and recordings for the newest sessions, picks the latest
// calendar days that hold at least --rows sessions (the statistics page's date filter),
// and exports the detailed exam report of those days through the report-export job's own
// handler (`exportReport`, the code the BullMQ worker runs), sampling the process RSS.
//
// Before the export, the same rows are read once through the report cursor without
// writing Excel: that warms the caches (so the export is not timed against a cold disk)
// and gives the baseline `readSeconds`: the database's share of `seconds`.
//
// `cpuSeconds` is this process's CPU time during the export (building rows, XML, deflate):
// on a machine shared with other work, wall-clock `seconds` grows with the load average,
// CPU time much less.
//
// Progress goes to stderr; the last stdout line is one JSON object:
// {"rows","seconds","peakRssMb","bytes","readSeconds","cpuSeconds","baselineRssMb","loadAverage"}.
// The database is dropped at the end, also on failure.
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { activityStatistics, createReportExport, getReportExport, streamExamReportRows, type StatisticsFilters } from '@proctor/db';
import { generateScaleAttempts } from '@proctor/db/testing';
// The job's own module, not the package index: the measured RSS is the export's, not that
// of mediasoup and the Chromium driver, which the index also loads.
import { generateLogged, load, log, scratchDatabase } from '../scratch-db.ts';
import { exportReport } from '@proctor/recorder/export-report';

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '1000000' },
    violations: { type: 'string', default: '10000000' },
    rows: { type: 'string', default: '100000' },
  },
});
const sessions = Number(values.sessions);
const violations = Number(values.violations);
const wantedRows = Number(values.rows);
for (const [name, n] of Object.entries({ sessions, violations, rows: wantedRows })) {
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a non-negative integer`);
}

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Highest RSS seen while `fn` runs, sampled every 10 ms (and at the end). */
async function withPeakRss<T>(fn: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

const reportsDir = await mkdtemp(path.join(tmpdir(), 'bench-export-'));
const t = await scratchDatabase('bench:export', () => rm(reportsDir, { recursive: true, force: true }));
try {
  const now = new Date();
  const sample = await generateLogged(t, 'bench:export', { sessions, violations, now });

  // The latest whole days (before today's live exams) that hold at least --rows sessions.
  const admin = { userId: sample.adminUserId, role: 'admin' as const };
  const to = day(now.getTime() - DAY_MS);
  const { perDay } = await activityStatistics(t.db, admin, { from: day(now.getTime() - 366 * DAY_MS), to });
  let from = to;
  let covered = 0;
  for (const d of [...perDay].reverse()) {
    covered += d.sessions;
    from = d.date;
    if (covered >= wantedRows) break;
  }
  const filters: StatisticsFilters = { from, to };
  log(`[bench:export] exporting ${from} … ${to}: ${covered} sessions`);

  // Attempts and recordings for those sessions (a UTC window wide enough for every zone).
  const window = { from: new Date(Date.parse(`${from}T00:00:00Z`) - DAY_MS), to: new Date(Date.parse(`${to}T00:00:00Z`) + 2 * DAY_MS) };
  const media = await generateScaleAttempts(t.db, window);
  log(`[bench:export] ${media.attempts} attempts, ${media.recordings} recordings`);

  const t0 = performance.now();
  let readRows = 0;
  for await (const batch of streamExamReportRows(t.db, admin, filters)) readRows += batch.length;
  const readSeconds = (performance.now() - t0) / 1000;
  log(`[bench:export] baseline: read ${readRows} rows through the cursor in ${readSeconds.toFixed(2)} s (load average ${load()})`);

  await new Promise((resolve) => setTimeout(resolve, 1000));
  const baselineRss = process.memoryUsage.rss();
  const exportId = await createReportExport(t.db, { kind: 'exam_report', requestedBy: sample.adminUserId, filters: { ...filters }, locale: 'ru' });
  const logger = pino({ level: 'silent' });
  const cpu0 = process.cpuUsage();
  const t1 = performance.now();
  const { peak } = await withPeakRss(() =>
    exportReport({ db: t.db, reportsDir, logger }, { exportId }, { id: 'bench', attempt: 1, maxAttempts: 1, isFinalAttempt: true }),
  );
  const seconds = (performance.now() - t1) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const row = await getReportExport(t.db, exportId);
  if (row?.status !== 'done') throw new Error(`export ended ${row?.status}: ${row?.error}`);
  log(`[bench:export] exported ${row.progressRows} rows, ${mb(row.bytes ?? 0)} MB in ${seconds.toFixed(2)} s (CPU ${cpuSeconds.toFixed(2)} s), peak RSS ${mb(peak)} MB (before: ${mb(baselineRss)} MB; load average ${load()})`);

  const round2 = (x: number) => Math.round(x * 100) / 100;
  console.log(
    JSON.stringify({
      rows: row.progressRows,
      seconds: round2(seconds),
      peakRssMb: mb(peak),
      bytes: row.bytes,
      readSeconds: round2(readSeconds),
      cpuSeconds: round2(cpuSeconds),
      baselineRssMb: mb(baselineRss),
      loadAverage: round2(loadavg()[0] ?? 0),
    }),
  );
} finally {
  await t.drop();
  await rm(reportsDir, { recursive: true, force: true });
}

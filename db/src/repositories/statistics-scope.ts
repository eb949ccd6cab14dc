// The Statistics page (manual §4.1–4.5): aggregates over exam sessions, their attempts,
// connection events and violations, one function per section: statistics.repository.ts
// (§4.1–4.3, filter choices), statistics-tables.repository.ts (§4.4, §4.5). This file is
// what they share: the scope, the local date range and the statement timeout.
//
// Days and hours are local to each session's exam (`AT TIME ZONE exams.time_zone`), so an
// Asia/Almaty session started at 18:30 UTC counts for the next day, hour 23. The date range
// is checked twice: first as a UTC window widened by the largest zone offsets (14 h), which
// an index on the timestamp can serve, then exactly on the local date.
//
// Scope is the Results page's: a proctor sees sessions of the exams assigned to them, an
// admin all; archived records count too (archiving hides rows from the Results list, it
// does not undo that an exam took place). Every query runs under a statement timeout, so a
// request the service let through can still never run away.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { UserRole } from '../enums.ts';
import type { DB } from '../schema.ts';

export interface StatisticsViewer {
  userId: string;
  role: UserRole;
}

export interface StatisticsFilters {
  /** Inclusive local calendar days, `YYYY-MM-DD`. */
  from: string;
  to: string;
  examIds?: string[];
  disciplineIds?: string[];
  groupIds?: string[];
}

/** Longest a statistics query may run before PostgreSQL cancels it. */
export const STATISTICS_STATEMENT_TIMEOUT_MS = 15_000;

/** Largest distance of any time zone from UTC, with room to spare (UTC+14, UTC−12). */
const ZONE_SLACK_MS = 14 * 3_600_000;
const DAY_MS = 86_400_000;

const dayStart = (day: string) => Date.parse(`${day}T00:00:00Z`);

/** Every day from `from` to `to`, inclusive. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = [];
  for (let t = dayStart(from), end = dayStart(to); t <= end; t += DAY_MS) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}

/** The range as a UTC window widened by the largest zone offsets, which an index on a timestamp can serve. */
export function utcWindow(f: StatisticsFilters): { lo: Date; hi: Date } {
  return { lo: new Date(dayStart(f.from) - ZONE_SLACK_MS), hi: new Date(dayStart(f.to) + DAY_MS + ZONE_SLACK_MS) };
}

/**
 * `time` (a timestamptz column of a row joined with its exam `e`) lies on a local day of the
 * range: the widened UTC window for the index, then the exact local date. Only times near
 * either end can be on another local day than their UTC one, so the zone conversion runs
 * for those alone. Exported for the statistics exports (exam-report.repository.ts), whose
 * files must cover exactly what the page counts.
 */
export function inLocalRange(time: RawBuilder<unknown>, f: StatisticsFilters): RawBuilder<boolean> {
  const { lo, hi } = utcWindow(f);
  const surelyFrom = new Date(dayStart(f.from) + ZONE_SLACK_MS);
  const surelyTo = new Date(dayStart(f.to) + DAY_MS - ZONE_SLACK_MS);
  return sql<boolean>`${time} >= ${lo} AND ${time} < ${hi}
    AND ((${time} >= ${surelyFrom} AND ${time} < ${surelyTo})
         OR (${time} AT TIME ZONE e.time_zone)::date BETWEEN ${f.from}::date AND ${f.to}::date)`;
}

/** The viewer's scope and the exam, discipline and group filters on sessions `s`. */
export function sessionScope(viewer: StatisticsViewer, f: StatisticsFilters): RawBuilder<boolean> {
  const parts: RawBuilder<unknown>[] = [sql`true`];
  if (viewer.role !== 'admin') parts.push(sql`s.exam_id IN (SELECT exam_id FROM exam_proctors WHERE user_id = ${viewer.userId})`);
  if (f.examIds?.length) parts.push(sql`s.exam_id = ANY(${f.examIds}::uuid[])`);
  if (f.disciplineIds?.length) parts.push(sql`s.discipline_id = ANY(${f.disciplineIds}::uuid[])`);
  if (f.groupIds?.length) parts.push(sql`s.group_id = ANY(${f.groupIds}::uuid[])`);
  return sql<boolean>`(${sql.join(parts, sql` AND `)})`;
}

/**
 * Sessions started on a day of the range, within scope: the population of §4.1, 4.2, 4.4,
 * 4.5. Served by the covering index of migration 0009 (PostgreSQL flattens this subquery,
 * so only the columns a caller uses are read).
 */
export function startedSessions(viewer: StatisticsViewer, f: StatisticsFilters): RawBuilder<unknown> {
  return sql`
    SELECT s.id, s.exam_id, s.candidate_id, s.started_at, s.honesty, s.decision
    FROM exam_sessions s JOIN exams e ON e.id = s.exam_id
    WHERE s.started_at IS NOT NULL AND ${inLocalRange(sql`s.started_at`, f)} AND ${sessionScope(viewer, f)}`;
}

/** Runs `fn` in a transaction with the statement timeout (and no JIT: these are short queries). */
export function bounded<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('statement_timeout', ${String(STATISTICS_STATEMENT_TIMEOUT_MS)}, true), set_config('jit', 'off', true)`.execute(trx);
    return fn(trx);
  });
}

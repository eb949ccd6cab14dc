// The Statistics page's day, hour and connection figures (manual §4.1–4.3) and its filter
// choices; the scope and date range they share are statistics-scope.ts.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../schema.ts';
import { bounded, daysOf, inLocalRange, sessionScope, startedSessions, utcWindow, type StatisticsFilters, type StatisticsViewer } from './statistics-scope.ts';

export {
  daysOf,
  inLocalRange,
  sessionScope,
  STATISTICS_STATEMENT_TIMEOUT_MS,
  type StatisticsFilters,
  type StatisticsViewer,
} from './statistics-scope.ts';

// ---------------------------------------------------------------------------------------
// §4.1 per day, §4.2 per hour

export interface ActivityStats {
  totals: { sessions: number; exams: number; candidates: number };
  /** Every day of the range, zeros included. */
  perDay: { date: string; sessions: number; exams: number }[];
  /** Hours 0–23, zeros included. */
  perHour: { hour: number; sessions: number }[];
}

/**
 * Sessions (and distinct exams) per local day and per local hour. Sessions are first
 * counted per exam and 15-minute slot in UTC: every zone's offset is a multiple of 15
 * minutes, so all sessions of a slot share its local day and hour, and the zone conversion
 * runs once per slot instead of once per session.
 */
export async function activityStatistics(db: Kysely<DB>, viewer: StatisticsViewer, f: StatisticsFilters): Promise<ActivityStats> {
  const { lo, hi } = utcWindow(f);
  const [buckets, people] = await Promise.all([
    bounded(db, (trx) =>
      sql<{ byDay: number; byHour: number; day: string | null; hour: number | null; sessions: number; exams: number }>`
        SELECT grouping(x.day) AS by_day, grouping(x.hour) AS by_hour, x.day, x.hour,
               sum(x.n)::int AS sessions, count(DISTINCT x.exam_id)::int AS exams
        FROM (SELECT b.exam_id, b.n, l.t::date::text AS day, extract(hour FROM l.t)::int AS hour
              FROM (SELECT s.exam_id, date_bin('15 minutes', s.started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS slot, count(*) AS n
                    FROM exam_sessions s
                    WHERE s.started_at >= ${lo} AND s.started_at < ${hi} AND ${sessionScope(viewer, f)}
                    GROUP BY 1, 2) b
              JOIN exams e ON e.id = b.exam_id
              CROSS JOIN LATERAL (SELECT b.slot AT TIME ZONE e.time_zone AS t) l
              WHERE l.t::date BETWEEN ${f.from}::date AND ${f.to}::date) x
        GROUP BY GROUPING SETS ((x.day), (x.hour), ())`.execute(trx),
    ),
    bounded(db, (trx) =>
      sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT DISTINCT m.candidate_id FROM (${startedSessions(viewer, f)}) m) d`.execute(trx),
    ),
  ]);
  const rows = buckets.rows;
  // grouping(col) is 1 where col was rolled up: (0, 1) = a day row, (1, 0) = an hour row.
  const days = new Map(rows.filter((r) => r.byDay === 0).map((r) => [r.day!, r]));
  const hours = new Map(rows.filter((r) => r.byHour === 0).map((r) => [r.hour!, r.sessions]));
  const all = rows.find((r) => r.byDay === 1 && r.byHour === 1);
  return {
    totals: { sessions: all?.sessions ?? 0, exams: all?.exams ?? 0, candidates: people.rows[0]?.n ?? 0 },
    perDay: daysOf(f.from, f.to).map((date) => ({ date, sessions: days.get(date)?.sessions ?? 0, exams: days.get(date)?.exams ?? 0 })),
    perHour: Array.from({ length: 24 }, (_, hour) => ({ hour, sessions: hours.get(hour) ?? 0 })),
  };
}

// ---------------------------------------------------------------------------------------
// §4.3 successful / failed connections

/** Connection-event kinds that are one try to get connected; the first one is the success. */
const ATTEMPT_KINDS = ['device_check_passed', 'device_check_failed', 'ice_failed'] as const;
const FAILURE_KINDS = ['device_check_failed', 'ice_failed'] as const;
export type ConnectionFailureKind = (typeof FAILURE_KINDS)[number];

export interface ConnectionErrorStats {
  kind: ConnectionFailureKind;
  /** 'unknown' when the failure carried no code. */
  error: string;
  count: number;
  resolved: number;
  unresolved: number;
}

export interface ConnectionStatistics {
  attempts: number;
  successful: number;
  failed: number;
  /** Sessions with at least one failed attempt in the range. */
  sessionsWithErrors: number;
  /** Of sessionsWithErrors: every failure resolved (the candidate got past it). */
  sessionsResolved: number;
  /** Most frequent first. */
  errors: ConnectionErrorStats[];
}

/**
 * Device checks passed (successful) against device checks failed and ICE failures (failed),
 * on the local days of the range; a failure counts as resolved when it was marked so (the
 * candidate passed afterwards). Counted by the event's own time, so a candidate who never
 * got in (a session without a start) still shows up here.
 */
export async function connectionStatistics(db: Kysely<DB>, viewer: StatisticsViewer, f: StatisticsFilters): Promise<ConnectionStatistics> {
  const events = sql`
    SELECT ce.session_id, ce.kind, coalesce(ce.error, 'unknown') AS error, ce.resolved IS TRUE AS resolved
    FROM connection_events ce
    JOIN exam_sessions s ON s.id = ce.session_id
    JOIN exams e ON e.id = s.exam_id
    WHERE ce.kind = ANY(${[...ATTEMPT_KINDS]}::text[]) AND ${inLocalRange(sql`ce.at`, f)} AND ${sessionScope(viewer, f)}`;
  const failure = sql`c.kind = ANY(${[...FAILURE_KINDS]}::text[])`;
  const [byError, bySession] = await Promise.all([
    bounded(db, (trx) =>
      sql<{ kind: string; error: string; count: number; resolved: number }>`
        SELECT c.kind, CASE WHEN ${failure} THEN c.error END AS error, count(*)::int AS count,
               (count(*) FILTER (WHERE c.resolved))::int AS resolved
        FROM (${events}) c GROUP BY 1, 2`.execute(trx),
    ),
    // Per session, only those with a failure: few, so the grouping stays small.
    bounded(db, (trx) =>
      sql<{ sessionsWithErrors: number; sessionsResolved: number }>`
        SELECT count(*)::int AS sessions_with_errors, (count(*) FILTER (WHERE x.resolved))::int AS sessions_resolved
        FROM (SELECT c.session_id, bool_and(c.resolved) AS resolved FROM (${events}) c WHERE ${failure} GROUP BY c.session_id) x`.execute(trx),
    ),
  ]);
  const errors: ConnectionErrorStats[] = byError.rows
    .filter((r): r is typeof r & { kind: ConnectionFailureKind } => (FAILURE_KINDS as readonly string[]).includes(r.kind))
    .map((r) => ({ kind: r.kind, error: r.error, count: r.count, resolved: r.resolved, unresolved: r.count - r.resolved }))
    .sort((a, b) => b.count - a.count || a.kind.localeCompare(b.kind) || a.error.localeCompare(b.error));
  const successful = byError.rows.filter((r) => r.kind === 'device_check_passed').reduce((n, r) => n + r.count, 0);
  const failed = errors.reduce((n, r) => n + r.count, 0);
  const s = bySession.rows[0] ?? { sessionsWithErrors: 0, sessionsResolved: 0 };
  return { attempts: successful + failed, successful, failed, ...s, errors };
}

// ---------------------------------------------------------------------------------------
// Filter choices

export interface StatisticsOptionsData {
  exams: { id: string; name: string; disciplineId: string; timeZone: string }[];
  disciplines: { id: string; name: string }[];
  groups: { id: string; name: string }[];
}

/** Most exams the exam filter lists (the newest). */
export const STATISTICS_OPTIONS_EXAM_LIMIT = 1000;

/**
 * The exams the viewer may see (newest first), their disciplines, and the groups: all of
 * them for an admin, those with sessions in the proctor's exams otherwise.
 */
export async function statisticsOptions(db: Kysely<DB>, viewer: StatisticsViewer): Promise<StatisticsOptionsData> {
  let exams = db
    .selectFrom('exams as e')
    .select(['e.id', 'e.name', 'e.disciplineId', 'e.timeZone'])
    .orderBy('e.startsAt', 'desc')
    .orderBy('e.id')
    .limit(STATISTICS_OPTIONS_EXAM_LIMIT);
  if (viewer.role !== 'admin') exams = exams.where('e.id', 'in', db.selectFrom('examProctors').select('examId').where('userId', '=', viewer.userId));
  const examRows = await exams.execute();
  const disciplineIds = [...new Set(examRows.map((e) => e.disciplineId))];
  const [disciplines, groups] = await Promise.all([
    disciplineIds.length
      ? db.selectFrom('disciplines').select(['id', 'name']).where('id', 'in', disciplineIds).orderBy('name').execute()
      : Promise.resolve([]),
    viewer.role === 'admin'
      ? db.selectFrom('groups').select(['id', 'name']).orderBy('name').execute()
      : examRows.length
        ? db
            .selectFrom('groups')
            .select(['id', 'name'])
            .where(({ exists, selectFrom }) =>
              exists(
                selectFrom('examSessions as s')
                  .select(sql.lit(1).as('one'))
                  .whereRef('s.groupId', '=', 'groups.id')
                  .where('s.examId', 'in', examRows.map((e) => e.id)),
              ),
            )
            .orderBy('name')
            .execute()
        : Promise.resolve([]),
  ]);
  return { exams: examRows, disciplines, groups };
}

// The Statistics page (manual §4.1–4.5): aggregates over exam sessions, their attempts,
// connection events and violations, one function per section.
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
import { DECISIONS, type Decision, type UserRole } from '../enums.ts';
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

/**
 * `time` (a timestamptz column of a row joined with its exam `e`) lies on a local day of the
 * range: the widened UTC window for the index, then the exact local date. Only times near
 * either end can be on another local day than their UTC one, so the zone conversion runs
 * for those alone. Exported for the statistics exports (exam-report.repository.ts), whose
 * files must cover exactly what the page counts.
 */
export function inLocalRange(time: RawBuilder<unknown>, f: StatisticsFilters): RawBuilder<boolean> {
  const lo = new Date(dayStart(f.from) - ZONE_SLACK_MS);
  const hi = new Date(dayStart(f.to) + DAY_MS + ZONE_SLACK_MS);
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
function startedSessions(viewer: StatisticsViewer, f: StatisticsFilters): RawBuilder<unknown> {
  return sql`
    SELECT s.id, s.exam_id, s.candidate_id, s.started_at, s.honesty, s.decision
    FROM exam_sessions s JOIN exams e ON e.id = s.exam_id
    WHERE s.started_at IS NOT NULL AND ${inLocalRange(sql`s.started_at`, f)} AND ${sessionScope(viewer, f)}`;
}

/** Runs `fn` in a transaction with the statement timeout (and no JIT: these are short queries). */
function bounded<T>(db: Kysely<DB>, fn: (trx: Kysely<DB>) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('statement_timeout', ${String(STATISTICS_STATEMENT_TIMEOUT_MS)}, true), set_config('jit', 'off', true)`.execute(trx);
    return fn(trx);
  });
}

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
  const lo = new Date(dayStart(f.from) - ZONE_SLACK_MS);
  const hi = new Date(dayStart(f.to) + DAY_MS + ZONE_SLACK_MS);
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
// §4.4 reconnections

export const RECONNECT_SORT_KEYS = ['reconnects', 'offline', 'candidate', 'exam', 'startedAt'] as const;
export type ReconnectSortKey = (typeof RECONNECT_SORT_KEYS)[number];
export type StatisticsSortDirection = 'asc' | 'desc';

export interface StatisticsPage<K extends string> {
  sort: K;
  direction: StatisticsSortDirection;
  /** 1-based. */
  page: number;
  pageSize: number;
}

export interface ReconnectStatsRow {
  sessionId: string;
  candidateId: string;
  candidateName: string;
  groupName: string | null;
  examId: string;
  examName: string;
  timeZone: string;
  startedAt: Date;
  connections: number;
  reconnects: number;
  offlineMs: number;
}

export interface ReconnectStatistics {
  rows: ReconnectStatsRow[];
  total: number;
  summary: { sessions: number; sessionsWithReconnects: number; reconnects: number; offlineMs: number };
}

/** Per session with at least one attempt: its connections and time offline (migration 0009). */
function sessionConnections(viewer: StatisticsViewer, f: StatisticsFilters): RawBuilder<unknown> {
  return sql`
    SELECT m.id AS session_id, m.candidate_id, m.exam_id, m.started_at, st.connections, st.connections - 1 AS reconnects, st.offline_ms
    FROM (${startedSessions(viewer, f)}) m
    JOIN session_statistics st ON st.session_id = m.id AND st.connections > 0`;
}

/** Sort columns, most significant first; the session id breaks ties so pages never overlap. */
const RECONNECT_ORDER: Record<ReconnectSortKey, string[]> = {
  reconnects: ['connections', 'offline_ms'],
  offline: ['offline_ms', 'connections'],
  candidate: ['candidate_name'],
  exam: ['exam_name', 'started_at'],
  startedAt: ['started_at'],
};

function orderBy(alias: string, columns: string[], direction: StatisticsSortDirection, tieBreak: string): RawBuilder<unknown> {
  const dir = direction === 'asc' ? 'ASC' : 'DESC';
  return sql.raw([...columns.map((c) => `${alias}.${c} ${dir} NULLS LAST`), `${alias}.${tieBreak} ${dir}`].join(', '));
}

/**
 * §4.4: sessions with how often the candidate (re)connected and how long they were offline.
 * The page is chosen on the per-session figures alone; names are joined for its rows only,
 * unless the order is by name.
 */
export async function reconnectStatistics(
  db: Kysely<DB>,
  viewer: StatisticsViewer,
  f: StatisticsFilters,
  page: StatisticsPage<ReconnectSortKey>,
): Promise<ReconnectStatistics> {
  const perSession = sessionConnections(viewer, f);
  const byName = page.sort === 'candidate' || page.sort === 'exam';
  const ranked = byName
    ? sql`SELECT r.*, c.full_name AS candidate_name, x.name AS exam_name FROM (${perSession}) r
          JOIN candidates c ON c.id = r.candidate_id JOIN exams x ON x.id = r.exam_id`
    : perSession;
  const order = (alias: string) => orderBy(alias, RECONNECT_ORDER[page.sort], page.direction, 'session_id');
  const [rows, summary] = await Promise.all([
    bounded(db, (trx) =>
      sql<ReconnectStatsRow>`
        SELECT p.session_id, p.candidate_id, s.candidate_name, s.group_name, p.exam_id, s.exam_name, e.time_zone,
               p.started_at, p.connections, p.reconnects, p.offline_ms
        FROM (SELECT q.* FROM (${ranked}) q ORDER BY ${order('q')} LIMIT ${page.pageSize} OFFSET ${(page.page - 1) * page.pageSize}) p
        JOIN exam_sessions s ON s.id = p.session_id
        JOIN exams e ON e.id = p.exam_id
        ORDER BY ${order('p')}`.execute(trx),
    ),
    bounded(db, (trx) =>
      sql<ReconnectStatistics['summary']>`
        SELECT count(*)::int AS sessions, (count(*) FILTER (WHERE r.reconnects > 0))::int AS sessions_with_reconnects,
               coalesce(sum(r.reconnects), 0)::int AS reconnects, coalesce(sum(r.offline_ms), 0)::bigint AS offline_ms
        FROM (${perSession}) r`.execute(trx),
    ),
  ]);
  const s = summary.rows[0] ?? { sessions: 0, sessionsWithReconnects: 0, reconnects: 0, offlineMs: 0 };
  return { rows: rows.rows, total: s.sessions, summary: s };
}

// ---------------------------------------------------------------------------------------
// §4.5 report by candidates

export const CANDIDATE_STATS_SORT_KEYS = ['candidate', 'group', 'sessions', 'honesty', 'violations'] as const;
export type CandidateStatsSortKey = (typeof CANDIDATE_STATS_SORT_KEYS)[number];

export interface CandidateStatsRow {
  candidateId: string;
  candidateName: string;
  groupName: string | null;
  sessions: number;
  avgHonesty: number | null;
  violations: number;
  violationsByType: Record<string, number>;
  decisions: Record<Decision, number>;
}

export interface CandidateStatistics {
  rows: CandidateStatsRow[];
  total: number;
}

const CANDIDATE_ORDER: Record<CandidateStatsSortKey, string[]> = {
  candidate: ['candidate_name'],
  group: ['group_name', 'candidate_name'],
  sessions: ['sessions', 'candidate_name'],
  honesty: ['avg_honesty', 'candidate_name'],
  violations: ['violations', 'candidate_name'],
};

/**
 * §4.5: one row per candidate over their sessions started in the range: how many, mean
 * honesty, violations by type and the decisions taken. Totals per candidate come from the
 * per-session counts of migration 0009; the split by type is counted for the page only, with
 * the tallies of violations deleted under retention or erasure (migration 0016).
 */
export async function candidateStatistics(
  db: Kysely<DB>,
  viewer: StatisticsViewer,
  f: StatisticsFilters,
  page: StatisticsPage<CandidateStatsSortKey>,
): Promise<CandidateStatistics> {
  const matching = startedSessions(viewer, f);
  // Counts per decision, in the order of DECISIONS.
  const decisionCounts = sql`ARRAY[${sql.join(DECISIONS.map((d) => sql`(count(*) FILTER (WHERE m.decision = ${d}))::int`))}]`;
  // Violation totals are needed for every candidate only when they decide the order;
  // otherwise the page's rows add up their counts by type.
  const byViolations = page.sort === 'violations';
  const grouped = sql`
    SELECT m.candidate_id, count(*)::int AS sessions, round(avg(m.honesty))::int AS avg_honesty,
           ${byViolations ? sql`coalesce(sum(st.violations), 0)::int` : sql`NULL::int`} AS violations, ${decisionCounts} AS decision_counts
    FROM (${matching}) m ${byViolations ? sql`LEFT JOIN session_statistics st ON st.session_id = m.id` : sql``}
    GROUP BY m.candidate_id`;
  type Grouped = {
    candidateId: string;
    candidateName: string;
    groupName: string | null;
    sessions: number;
    avgHonesty: number | null;
    decisionCounts: number[];
    total: number;
  };
  const direction = page.direction === 'asc' ? 'ASC' : 'DESC';
  const order = sql.raw(
    [...CANDIDATE_ORDER[page.sort], 'candidate_id']
      .map((c) => `${c === 'candidate_name' ? 'c.full_name' : c === 'group_name' ? 'gr.name' : `g.${c}`} ${direction} NULLS LAST`)
      .join(', '),
  );
  // count(*) OVER () is the number of candidates before LIMIT: no second pass for the total.
  const pageRows = await bounded(db, (trx) =>
    sql<Grouped>`
      SELECT g.*, c.full_name AS candidate_name, gr.name AS group_name, (count(*) OVER ())::int AS total
      FROM (${grouped}) g JOIN candidates c ON c.id = g.candidate_id LEFT JOIN groups gr ON gr.id = c.group_id
      ORDER BY ${order}
      LIMIT ${page.pageSize} OFFSET ${(page.page - 1) * page.pageSize}`.execute(trx),
  );
  const total =
    pageRows.rows[0]?.total ??
    (page.page > 1
      ? ((await bounded(db, (trx) => sql<{ n: number }>`SELECT count(*)::int AS n FROM (SELECT DISTINCT m.candidate_id FROM (${matching}) m) d`.execute(trx))).rows[0]?.n ?? 0)
      : 0);
  const candidateIds = pageRows.rows.map((r) => r.candidateId);
  const byType = candidateIds.length
    ? (
        await bounded(db, (trx) =>
          sql<{ candidateId: string; type: string; n: number }>`
            SELECT m.candidate_id, v.type, sum(v.n)::int AS n
            FROM (${matching}) m
            JOIN (SELECT session_id, type, 1 AS n FROM violations
                  UNION ALL SELECT session_id, type, n FROM violation_tallies) v ON v.session_id = m.id
            WHERE m.candidate_id = ANY(${candidateIds}::uuid[])
            GROUP BY 1, 2`.execute(trx),
        )
      ).rows
    : [];
  const types = new Map<string, Record<string, number>>();
  for (const { candidateId, type, n } of byType) {
    const counts = types.get(candidateId) ?? {};
    counts[type] = n;
    types.set(candidateId, counts);
  }
  return {
    total,
    rows: pageRows.rows.map((r) => ({
      candidateId: r.candidateId,
      candidateName: r.candidateName,
      groupName: r.groupName,
      sessions: r.sessions,
      avgHonesty: r.avgHonesty,
      violations: Object.values(types.get(r.candidateId) ?? {}).reduce((a, b) => a + b, 0),
      violationsByType: types.get(r.candidateId) ?? {},
      decisions: Object.fromEntries(DECISIONS.map((d, i) => [d, r.decisionCounts[i] ?? 0])) as Record<Decision, number>,
    })),
  };
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

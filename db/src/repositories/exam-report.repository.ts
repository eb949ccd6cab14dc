// The detailed exam report (manual §4.6) and the grade sheet (§4.7): one row per exam
// session with what the Results table shows plus per-type violation counts, attempts and
// recording durations. The report can cover a hundred thousand sessions, so it is read
// through a server-side cursor in batches: neither Node nor the pg driver ever holds the
// whole result.
import { type Kysely, type SqlBool, sql } from 'kysely';
import type { Decision, ReviewStatus, SessionStatus } from '../enums.ts';
import type { DB } from '../schema.ts';
import { VIOLATION_TYPES } from '../violation-types.ts';
import { type StatisticsFilters, type StatisticsViewer, inLocalRange, sessionScope } from './statistics-scope.ts';

export interface ExamReportRow {
  sessionId: string;
  candidateName: string;
  /** null for an erased candidate. */
  iin: string | null;
  groupName: string | null;
  examName: string;
  disciplineName: string;
  /** The exam's IANA zone: the report shows its times as wall-clock times there. */
  timeZone: string;
  status: SessionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  honesty: number | null;
  decision: Decision;
  reviewStatus: ReviewStatus;
  archived: boolean;
  /** Counts per violation type, in the order of VIOLATION_TYPES. */
  violationCounts: number[];
  /** All violations of the session, including types this build does not know. */
  violationsTotal: number;
  attempts: number;
  /** Connections after the first one (an attempt each; they happen only on network loss). */
  reconnects: number;
  /** Sum of the finalised and stopped recordings' durations per source, in ms. */
  cameraMs: number;
  screenMs: number;
  microphoneMs: number;
}

/**
 * The statistics page's population (statistics.repository.ts): sessions started on a local
 * day of the range, in the viewer's scope, archived ones included. The same predicate, so
 * the file has exactly as many rows as the page counts sessions.
 */
function matching(viewer: StatisticsViewer, f: StatisticsFilters) {
  return sql<SqlBool>`${inLocalRange(sql`s.started_at`, f)} AND ${sessionScope(viewer, f)}`;
}

/** Exact number of sessions the report covers. */
export async function countExamReportRows(db: Kysely<DB>, viewer: StatisticsViewer, filters: StatisticsFilters): Promise<number> {
  const row = await db
    .selectFrom('examSessions as s')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .where(matching(viewer, filters))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function reportQuery(db: Kysely<DB>, viewer: StatisticsViewer, filters: StatisticsFilters) {
  // One pass over the session's violations counts every type (FILTER per type); violations
  // deleted under retention or erasure count through their tallies (migration 0016).
  const perType = sql.join(
    VIOLATION_TYPES.map((type) => sql`coalesce(sum(v.n) FILTER (WHERE v.type = ${sql.lit(type)}), 0)::int`),
  );
  return db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .innerJoin('disciplines as d', 'd.id', 's.disciplineId')
    // Plain numbers per source (no JSON to build and parse per row).
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('recordings as r')
          .whereRef('r.sessionId', '=', 's.id')
          .where('r.status', 'in', ['stopped', 'finalised'])
          .select([
            sql<number>`coalesce(sum(r.duration_ms) FILTER (WHERE r.source = 'camera'), 0)::float8`.as('cameraMs'),
            sql<number>`coalesce(sum(r.duration_ms) FILTER (WHERE r.source = 'screen'), 0)::float8`.as('screenMs'),
            sql<number>`coalesce(sum(r.duration_ms) FILTER (WHERE r.source = 'microphone'), 0)::float8`.as('microphoneMs'),
          ])
          .as('rec'),
      (join) => join.onTrue(),
    )
    .where(matching(viewer, filters))
    .select([
      's.id as sessionId',
      's.candidateName',
      'c.iin',
      's.groupName',
      's.examName',
      'd.name as disciplineName',
      'e.timeZone',
      's.status',
      's.startedAt',
      's.endedAt',
      's.honesty',
      's.decision',
      's.reviewStatus',
      's.archived',
      // Per type, then the total as the last element: one read of the session's violations.
      sql<number[]>`(SELECT ARRAY[${perType}, coalesce(sum(v.n), 0)::int] FROM (
        SELECT type, 1 AS n FROM violations WHERE session_id = s.id
        UNION ALL SELECT type, n FROM violation_tallies WHERE session_id = s.id) v)`.as('violationCounts'),
      sql<number>`(SELECT count(*)::int FROM attempts a WHERE a.session_id = s.id)`.as('attempts'),
      'rec.cameraMs',
      'rec.screenMs',
      'rec.microphoneMs',
    ])
    // Exam by exam in time order, candidates alphabetically within a start time; sessions
    // never started come last. id makes the order total.
    .orderBy(sql`s.started_at`, (ob) => ob.asc().nullsLast())
    .orderBy('s.examName')
    .orderBy('s.candidateName')
    .orderBy('s.id');
}

type RawReportRow = Omit<ExamReportRow, 'violationsTotal' | 'reconnects'>;

/** Field by field, not by spreading: this runs for every row of a 100 000-row export. */
function toReportRow(r: RawReportRow): ExamReportRow {
  const counts = r.violationCounts;
  return {
    sessionId: r.sessionId,
    candidateName: r.candidateName,
    iin: r.iin,
    groupName: r.groupName,
    examName: r.examName,
    disciplineName: r.disciplineName,
    timeZone: r.timeZone,
    status: r.status,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    honesty: r.honesty,
    decision: r.decision,
    reviewStatus: r.reviewStatus,
    archived: r.archived,
    violationCounts: counts.slice(0, VIOLATION_TYPES.length),
    violationsTotal: counts[VIOLATION_TYPES.length] ?? 0,
    attempts: r.attempts,
    reconnects: Math.max(0, r.attempts - 1),
    cameraMs: r.cameraMs,
    screenMs: r.screenMs,
    microphoneMs: r.microphoneMs,
  };
}

export interface StreamExamReportOptions {
  /** Rows per FETCH. Default 2000. */
  batchSize?: number;
  /** Called once before the first batch with the number of rows that will follow. */
  onTotal?: (rows: number) => Promise<void> | void;
}

/**
 * The report's rows in batches, read through a cursor inside one repeatable-read
 * transaction: the total and every row come from one snapshot, so the total is exactly the
 * number of rows yielded. Stop iterating early and the transaction is rolled back.
 */
export async function* streamExamReportRows(
  db: Kysely<DB>,
  viewer: StatisticsViewer,
  filters: StatisticsFilters,
  opts: StreamExamReportOptions = {},
): AsyncGenerator<ExamReportRow[]> {
  const batchSize = opts.batchSize ?? 2000;
  const connection = await acquire(db);
  const fetch = () => sql<RawReportRow>`FETCH ${sql.lit(batchSize)} FROM exam_report`.execute(connection.db).then((r) => r.rows);
  let next: Promise<RawReportRow[]> | undefined;
  let committed = false;
  try {
    await sql`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`.execute(connection.db);
    // Every row is read, so plan for the whole result, not for a fast first row; JIT
    // compilation would cost more than it saves on these per-session lookups.
    await sql`SELECT set_config('cursor_tuple_fraction', '1', true), set_config('jit', 'off', true)`.execute(connection.db);
    await opts.onTotal?.(await countExamReportRows(connection.db, viewer, filters));
    await sql`DECLARE exam_report NO SCROLL CURSOR FOR ${reportQuery(connection.db, viewer, filters)}`.execute(connection.db);
    next = fetch();
    while (next) {
      const rows: RawReportRow[] = await next;
      // The database reads the next batch while the caller works on this one.
      next = rows.length === batchSize ? fetch() : undefined;
      if (rows.length > 0) yield rows.map(toReportRow);
    }
    await sql`COMMIT`.execute(connection.db);
    committed = true;
  } finally {
    if (!committed) {
      // An error or an early stop: let the prefetch settle, then end the transaction.
      await next?.catch(() => {});
      await sql`ROLLBACK`.execute(connection.db).catch(() => {});
    }
    connection.release();
  }
}

/**
 * One pooled connection held across the generator's yields (kysely's `connection()` only
 * lends one for the duration of a callback).
 */
async function acquire(db: Kysely<DB>): Promise<{ db: Kysely<DB>; release: () => void }> {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const lent = new Promise<Kysely<DB>>((resolve, reject) => {
    db.connection()
      .execute(async (conn) => {
        resolve(conn);
        await released;
      })
      .catch(reject);
  });
  return { db: await lent, release };
}

/** The grade sheet's header: what was examined, by whom, when. */
export interface GradeSheetHeader {
  examId: string;
  examName: string;
  disciplineName: string;
  startsAt: Date;
  endsAt: Date;
  timeZone: string;
  /** null when the sheet covers every group of the exam. */
  groupName: string | null;
}

export interface GradeSheetRow {
  sessionId: string;
  candidateName: string;
  /** null for an erased candidate. */
  iin: string | null;
  groupName: string | null;
  status: SessionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  honesty: number | null;
  decision: Decision;
}

/** Header of the grade sheet; undefined when the exam (or the group) does not exist. */
export async function getGradeSheetHeader(db: Kysely<DB>, examId: string, groupId: string | null): Promise<GradeSheetHeader | undefined> {
  const exam = await db
    .selectFrom('exams as e')
    .innerJoin('disciplines as d', 'd.id', 'e.disciplineId')
    .select(['e.id as examId', 'e.name as examName', 'd.name as disciplineName', 'e.startsAt', 'e.endsAt', 'e.timeZone'])
    .where('e.id', '=', examId)
    .executeTakeFirst();
  if (!exam) return undefined;
  if (groupId === null) return { ...exam, groupName: null };
  const group = await db.selectFrom('groups').select('name').where('id', '=', groupId).executeTakeFirst();
  return group ? { ...exam, groupName: group.name } : undefined;
}

/**
 * The sheet's rows: every session of the exam (of the group, when given), ordered by
 * group and then candidate name in Kazakh alphabetical order, as a printed list is read.
 */
export function listGradeSheetRows(db: Kysely<DB>, examId: string, groupId: string | null): Promise<GradeSheetRow[]> {
  let query = db
    .selectFrom('examSessions as s')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .select(['s.id as sessionId', 's.candidateName', 'c.iin', 's.groupName', 's.status', 's.startedAt', 's.endedAt', 's.honesty', 's.decision'])
    .where('s.examId', '=', examId);
  if (groupId !== null) query = query.where('s.groupId', '=', groupId);
  return query.orderBy(sql`s.group_name`, (ob) => ob.asc().nullsLast()).orderBy('s.candidateName').orderBy('s.id').execute();
}

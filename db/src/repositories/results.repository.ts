// The Results page: one row per exam session (or per candidate when grouped), filtered,
// sorted and paged in the database. Every listing query reads exam_sessions alone, using
// the name copies and sort indexes of migration 0003; joins happen only for the rows of the
// page being returned ("deferred join"), so skipped rows cost an index entry, not a join.
import { type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import type { Decision, SessionStatus, ReviewStatus, UserRole } from '../enums.ts';
import type { DB, ExamSessionsTable } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import { appendAction } from './action-log.repository.ts';

export const RESULTS_SORT_KEYS = [
  'candidate',
  'group',
  'status',
  'startedAt',
  'endedAt',
  'honesty',
  'exam',
  'decision',
  'reviewStatus',
] as const;
export type ResultsSortKey = (typeof RESULTS_SORT_KEYS)[number];

/**
 * Sort keys of the view grouped by candidate: the candidate's name and group, the number of
 * sessions, the latest start and end, and the lowest honesty (the session to look at first).
 */
export const RESULTS_GROUPED_SORT_KEYS = ['candidate', 'group', 'sessions', 'startedAt', 'endedAt', 'honesty'] as const;
export type ResultsGroupedSortKey = (typeof RESULTS_GROUPED_SORT_KEYS)[number];

export type SortDirection = 'asc' | 'desc';

export const RESULTS_MAX_PAGE_SIZE = 200;

/**
 * Totals up to this many rows are counted exactly; above it the planner's estimate is
 * returned with `totalExact: false`. Counting every one of a million sessions costs a full
 * index scan on each page view; a bounded count costs at most this many index entries.
 */
export const RESULTS_EXACT_COUNT_LIMIT = 10_000;

/** A candidate's expanded sessions are returned in one go, up to this many. */
export const RESULTS_EXPAND_LIMIT = 1000;

/** Who is asking: a proctor sees only sessions of exams assigned to them, an admin all. */
export interface ResultsViewer {
  userId: string;
  role: UserRole;
}

export interface ResultsFilters {
  /** Case-insensitive substring of the candidate's full name or of the group name. */
  search?: string;
  examIds?: string[];
  /** Inclusive bounds on the session's start; sessions not started yet never match. */
  startedFrom?: Date;
  startedTo?: Date;
  groupIds?: string[];
  disciplineIds?: string[];
  statuses?: SessionStatus[];
  /** Inclusive honesty range; sessions without an honesty value never match. */
  honestyMin?: number;
  honestyMax?: number;
  decisions?: Decision[];
  /** false: only current records; true: only archived ones. */
  archived: boolean;
}

export interface ResultsPage<K extends string> {
  sort: K;
  direction: SortDirection;
  /** 1-based. */
  page: number;
  pageSize: number;
  /** Defaults to RESULTS_EXACT_COUNT_LIMIT; tests lower it to reach the estimate. */
  exactCountLimit?: number;
}

export interface ResultRow {
  sessionId: string;
  examId: string;
  candidateId: string;
  /** The candidate's reference photo, else the latest snapshot of this session; relative to the recordings root. */
  photoPath: string | null;
  candidateName: string;
  groupId: string | null;
  groupName: string | null;
  status: SessionStatus;
  startedAt: Date | null;
  endedAt: Date | null;
  honesty: number | null;
  examName: string;
  /** The exam's IANA zone, in which its times are shown. */
  timeZone: string;
  decision: Decision;
  reviewStatus: ReviewStatus;
}

export interface CandidateResultRow {
  candidateId: string;
  /** Reference photo, else the latest snapshot of any of the candidate's sessions. */
  photoPath: string | null;
  candidateName: string;
  groupId: string | null;
  groupName: string | null;
  /** Everything below covers the candidate's sessions that match the filters. */
  sessionCount: number;
  firstStartedAt: Date | null;
  lastStartedAt: Date | null;
  lastEndedAt: Date | null;
  minHonesty: number | null;
  avgHonesty: number | null;
  notViewedCount: number;
  undecidedCount: number;
}

export interface Counted<T> {
  rows: T[];
  total: number;
  /** false when total is the planner's estimate (above RESULTS_EXACT_COUNT_LIMIT). */
  totalExact: boolean;
}

type SessionsDb = DB & { s: ExamSessionsTable };
type SessionsQuery<O> = SelectQueryBuilder<SessionsDb, 's', O>;

/** `%`, `_` and `\` typed by the user are literal characters, not wildcards. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function matching(eb: ExpressionBuilder<SessionsDb, 's'>, viewer: ResultsViewer, f: ResultsFilters): Expression<SqlBool> {
  const where: Expression<SqlBool>[] = [eb('s.archived', '=', f.archived)];
  if (viewer.role !== 'admin') {
    where.push(eb('s.examId', 'in', eb.selectFrom('examProctors').select('examId').where('userId', '=', viewer.userId)));
  }
  const search = f.search?.trim();
  if (search) {
    const pattern = containsPattern(search);
    where.push(eb.or([eb('s.candidateName', 'ilike', pattern), eb('s.groupName', 'ilike', pattern)]));
  }
  if (f.examIds?.length) where.push(eb('s.examId', 'in', f.examIds));
  if (f.startedFrom) where.push(eb('s.startedAt', '>=', f.startedFrom));
  if (f.startedTo) where.push(eb('s.startedAt', '<=', f.startedTo));
  if (f.groupIds?.length) where.push(eb('s.groupId', 'in', f.groupIds));
  if (f.disciplineIds?.length) where.push(eb('s.disciplineId', 'in', f.disciplineIds));
  if (f.statuses?.length) where.push(eb('s.status', 'in', f.statuses));
  if (f.honestyMin !== undefined) where.push(eb('s.honesty', '>=', f.honestyMin));
  if (f.honestyMax !== undefined) where.push(eb('s.honesty', '<=', f.honestyMax));
  if (f.decisions?.length) where.push(eb('s.decision', 'in', f.decisions));
  return eb.and(where);
}

function filtered(db: Kysely<DB>, viewer: ResultsViewer, filters: ResultsFilters): SessionsQuery<{}> {
  return db.selectFrom('examSessions as s').where((eb) => matching(eb, viewer, filters));
}

// Each list must equal the key columns of its index in migration 0003 (after `archived`),
// or the planner falls back to sorting every matching row. Status and decision go through
// the same rank functions as their expression indexes.
const ORDER: Record<ResultsSortKey, () => Expression<unknown>[]> = {
  candidate: () => [sql.ref('s.candidateName'), sql.ref('s.candidateId'), sql.ref('s.id')],
  group: () => [sql.ref('s.groupName'), sql.ref('s.candidateName'), sql.ref('s.candidateId'), sql.ref('s.id')],
  status: () => [sql`session_status_rank(${sql.ref('s.status')})`, sql.ref('s.id')],
  startedAt: () => [sql.ref('s.startedAt'), sql.ref('s.id')],
  endedAt: () => [sql.ref('s.endedAt'), sql.ref('s.id')],
  honesty: () => [sql.ref('s.honesty'), sql.ref('s.id')],
  exam: () => [sql.ref('s.examName'), sql.ref('s.id')],
  decision: () => [sql`decision_rank(${sql.ref('s.decision')})`, sql.ref('s.id')],
  reviewStatus: () => [sql.ref('s.reviewStatus'), sql.ref('s.id')],
};

function ordered<Q extends { orderBy(expr: Expression<unknown>, dir: SortDirection): Q }>(
  query: Q,
  expressions: Expression<unknown>[],
  direction: SortDirection,
): Q {
  return expressions.reduce((q, expr) => q.orderBy(expr, direction), query);
}

/**
 * The page's rows with everything the table shows. `ids` selects the sessions (already
 * limited); the joins and the snapshot lookup run for those rows only.
 */
function resultRows(db: Kysely<DB>, ids: SessionsQuery<{ id: string }>) {
  return db
    .selectFrom(ids.as('p'))
    .innerJoin('examSessions as s', 's.id', 'p.id')
    .innerJoin('candidates as c', 'c.id', 's.candidateId')
    .innerJoin('exams as e', 'e.id', 's.examId')
    .select((eb) => [
      's.id as sessionId',
      's.examId',
      's.candidateId',
      // coalesce evaluates the subquery only for candidates without a reference photo.
      eb.fn
        .coalesce(
          'c.referencePhotoPath',
          eb
            .selectFrom('violations as v')
            .select('v.snapshotPath')
            .whereRef('v.sessionId', '=', 's.id')
            .where('v.snapshotPath', 'is not', null)
            .orderBy('v.startsAt', 'desc')
            .limit(1),
        )
        .as('photoPath'),
      's.candidateName',
      's.groupId',
      's.groupName',
      's.status',
      's.startedAt',
      's.endedAt',
      's.honesty',
      's.examName',
      'e.timeZone',
      's.decision',
      's.reviewStatus',
    ]);
}

/**
 * Exact count up to `limit`, else the planner's row estimate (never below limit + 1, since
 * that many rows were seen). `query` selects one row per counted item.
 */
async function countItems(
  db: Kysely<DB>,
  query: SelectQueryBuilder<any, any, any>,
  limit = RESULTS_EXACT_COUNT_LIMIT,
): Promise<{ total: number; totalExact: boolean }> {
  const { n } = await db
    .selectFrom(query.limit(limit + 1).as('m'))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (n <= limit) return { total: n, totalExact: true };
  const { rows } = await sql<Record<string, [{ Plan: { 'Plan Rows': number } }]>>`EXPLAIN (FORMAT JSON) ${query}`.execute(db);
  const plan = Object.values(rows[0] ?? {})[0]?.[0]?.Plan;
  return { total: Math.max(limit + 1, Math.round(plan?.['Plan Rows'] ?? 0)), totalExact: false };
}

/** The Results table: one page of sessions and the number of matching sessions. */
export async function listResults(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  filters: ResultsFilters,
  page: ResultsPage<ResultsSortKey>,
): Promise<Counted<ResultRow>> {
  const order = ORDER[page.sort]();
  const ids = ordered(filtered(db, viewer, filters).select('s.id'), order, page.direction)
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);
  // Two pool connections: the count and the page run at the same time.
  const [rows, count] = await Promise.all([
    ordered(resultRows(db, ids), order, page.direction).execute(),
    countItems(db, filtered(db, viewer, filters).select(sql.lit(1).as('one')), page.exactCountLimit),
  ]);
  return { rows, ...count };
}

/** Sessions of one candidate under the same filters ("Expand" in the grouped view). */
export function listCandidateResults(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  candidateId: string,
  filters: ResultsFilters,
  sort: { sort: ResultsSortKey; direction: SortDirection },
): Promise<ResultRow[]> {
  const order = ORDER[sort.sort]();
  const ids = ordered(
    filtered(db, viewer, filters).select('s.id').where('s.candidateId', '=', candidateId),
    order,
    sort.direction,
  ).limit(RESULTS_EXPAND_LIMIT);
  return ordered(resultRows(db, ids), order, sort.direction).execute();
}

/** One session's row as the Results table shows it, without any visibility check. */
export function getResultRow(db: Kysely<DB>, sessionId: string): Promise<ResultRow | undefined> {
  return resultRows(db, db.selectFrom('examSessions as s').select('s.id').where('s.id', '=', sessionId)).executeTakeFirst();
}

// Grouping keys start with the columns of a sort index, so for the name sorts PostgreSQL
// aggregates while walking the index and stops after the page.
const GROUP_KEYS = {
  candidate: [sql.ref('s.candidateName'), sql.ref('s.candidateId')],
  group: [sql.ref('s.groupName'), sql.ref('s.candidateName'), sql.ref('s.candidateId')],
};

const GROUPED_ORDER: Record<ResultsGroupedSortKey, Expression<unknown>[]> = {
  candidate: GROUP_KEYS.candidate,
  group: GROUP_KEYS.group,
  sessions: [sql.ref('sessionCount'), ...GROUP_KEYS.candidate],
  startedAt: [sql.ref('lastStartedAt'), ...GROUP_KEYS.candidate],
  endedAt: [sql.ref('lastEndedAt'), ...GROUP_KEYS.candidate],
  honesty: [sql.ref('minHonesty'), ...GROUP_KEYS.candidate],
};

/** The grouped view: one row per candidate with aggregates over their matching sessions. */
export async function listResultsByCandidate(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  filters: ResultsFilters,
  page: ResultsPage<ResultsGroupedSortKey>,
): Promise<Counted<CandidateResultRow>> {
  const keys = page.sort === 'group' ? GROUP_KEYS.group : GROUP_KEYS.candidate;
  const groups = ordered(
    filtered(db, viewer, filters)
      .select((eb) => [
        's.candidateId',
        eb.fn.countAll<number>().as('sessionCount'),
        eb.fn.min('s.startedAt').as('firstStartedAt'),
        eb.fn.max('s.startedAt').as('lastStartedAt'),
        eb.fn.max('s.endedAt').as('lastEndedAt'),
        eb.fn.min('s.honesty').as('minHonesty'),
        sql<number | null>`round(avg(${eb.ref('s.honesty')}))::integer`.as('avgHonesty'),
        eb.fn.countAll<number>().filterWhere('s.reviewStatus', '=', 'not_viewed').as('notViewedCount'),
        eb.fn.countAll<number>().filterWhere('s.decision', '=', 'none').as('undecidedCount'),
      ])
      .groupBy(keys),
    GROUPED_ORDER[page.sort],
    page.direction,
  )
    .limit(page.pageSize)
    .offset((page.page - 1) * page.pageSize);

  const rowsQuery = db
    .selectFrom(groups.as('g'))
    .innerJoin('candidates as c', 'c.id', 'g.candidateId')
    .leftJoin('groups as gr', 'gr.id', 'c.groupId')
    .select((eb) => [
      'g.candidateId',
      eb.fn
        .coalesce(
          'c.referencePhotoPath',
          eb
            .selectFrom('violations as v')
            .innerJoin('examSessions as vs', 'vs.id', 'v.sessionId')
            .select('v.snapshotPath')
            .whereRef('vs.candidateId', '=', 'g.candidateId')
            .where('v.snapshotPath', 'is not', null)
            .orderBy('v.startsAt', 'desc')
            .limit(1),
        )
        .as('photoPath'),
      'c.fullName as candidateName',
      'c.groupId',
      'gr.name as groupName',
      'g.sessionCount',
      'g.firstStartedAt',
      'g.lastStartedAt',
      'g.lastEndedAt',
      'g.minHonesty',
      'g.avgHonesty',
      'g.notViewedCount',
      'g.undecidedCount',
    ]);
  // The outer query re-sorts the page by the same keys, read from the joined rows.
  const outerOrder: Record<ResultsGroupedSortKey, Expression<unknown>[]> = {
    candidate: [sql.ref('c.fullName'), sql.ref('g.candidateId')],
    group: [sql.ref('gr.name'), sql.ref('c.fullName'), sql.ref('g.candidateId')],
    sessions: [sql.ref('g.sessionCount'), sql.ref('c.fullName'), sql.ref('g.candidateId')],
    startedAt: [sql.ref('g.lastStartedAt'), sql.ref('c.fullName'), sql.ref('g.candidateId')],
    endedAt: [sql.ref('g.lastEndedAt'), sql.ref('c.fullName'), sql.ref('g.candidateId')],
    honesty: [sql.ref('g.minHonesty'), sql.ref('c.fullName'), sql.ref('g.candidateId')],
  };
  const [rows, count] = await Promise.all([
    ordered(rowsQuery, outerOrder[page.sort], page.direction).execute(),
    countItems(db, filtered(db, viewer, filters).select('s.candidateId').groupBy(GROUP_KEYS.candidate), page.exactCountLimit),
  ]);
  return { rows, ...count };
}

/** The session's exam, for access checks; undefined when the session does not exist. */
export async function getSessionExamId(db: Kysely<DB>, sessionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('examSessions').select('examId').where('id', '=', sessionId).executeTakeFirst();
  return row?.examId;
}

/** The signed-in user an audit entry names (copied into the entry). */
export interface ActionActor {
  userId: string;
  fullName: string;
  iin: string | null;
}

export interface DecisionChange {
  examId: string;
  from: Decision;
  to: Decision;
  /** false when the session already had this decision (nothing written). */
  changed: boolean;
}

/**
 * Records the reviewer's decision and its audit entry (from → to) atomically. The row lock
 * keeps two reviewers' simultaneous changes from logging the same "from".
 */
export function setDecision(
  db: Kysely<DB>,
  input: { sessionId: string; decision: Decision; actor: ActionActor },
): Promise<DecisionChange | undefined> {
  return inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom('examSessions')
      .select(['examId', 'decision'])
      .where('id', '=', input.sessionId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!current) return undefined;
    const change = { examId: current.examId, from: current.decision, to: input.decision };
    if (current.decision === input.decision) return { ...change, changed: false };
    await trx.updateTable('examSessions').set({ decision: input.decision }).where('id', '=', input.sessionId).execute();
    await appendAction(trx, {
      actorUserId: input.actor.userId,
      actorName: input.actor.fullName,
      actorIin: input.actor.iin,
      sessionId: input.sessionId,
      action: 'session.decision_changed',
      details: { from: change.from, to: change.to },
    });
    return { ...change, changed: true };
  });
}

/**
 * A staff member opened the session's report: logs the view (every time, for the report's
 * action archive) and marks the session viewed. `firstView` tells whether the review status
 * changed, i.e. whether open Results pages need an update.
 */
export function markViewed(
  db: Kysely<DB>,
  input: { sessionId: string; actor: ActionActor },
): Promise<{ examId: string; firstView: boolean } | undefined> {
  return inTransaction(db, async (trx) => {
    const current = await trx
      .selectFrom('examSessions')
      .select(['examId', 'reviewStatus'])
      .where('id', '=', input.sessionId)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!current) return undefined;
    const firstView = current.reviewStatus === 'not_viewed';
    if (firstView) {
      await trx.updateTable('examSessions').set({ reviewStatus: 'viewed' }).where('id', '=', input.sessionId).execute();
    }
    await appendAction(trx, {
      actorUserId: input.actor.userId,
      actorName: input.actor.fullName,
      actorIin: input.actor.iin,
      sessionId: input.sessionId,
      action: 'session.viewed',
    });
    return { examId: current.examId, firstView };
  });
}

// The Results page: one row per exam session (or per candidate when grouped), filtered,
// sorted and paged in the database. Every listing query reads exam_sessions alone, using
// the name copies and sort indexes of migration 0003; joins happen only for the rows of the
// page being returned ("deferred join"), so skipped rows cost an index entry, not a join.
import { type Expression, type ExpressionBuilder, type Kysely, type OrderByModifiers, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { DECISIONS, SESSION_STATUSES, type Decision, type ReviewStatus, type SessionStatus, type UserRole } from '../enums.ts';
import type { DB, ExamSessionsTable } from '../schema.ts';
import { inTransaction } from '../transaction.ts';
import { appendAction } from './action-log.repository.ts';
import { latestVerificationPhoto, type CandidatePhotoPaths } from './candidate-photo.repository.ts';

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

/**
 * Totals are counted exactly up to this many rows, and only while counting takes at most
 * RESULTS_COUNT_BUDGET_MS; beyond either, and for broad searches, the response carries the
 * planner's estimate with `totalExact: false`. Counting all of a million sessions would
 * cost a full index scan on every page view; a broad search, a pattern check per session.
 */
export const RESULTS_EXACT_COUNT_LIMIT = 10_000;
export const RESULTS_COUNT_BUDGET_MS = 40;

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

/** Photo columns are the candidate's latest photo (candidate-photo.repository.ts). */
export interface ResultRow extends CandidatePhotoPaths {
  sessionId: string;
  examId: string;
  candidateId: string;
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

export interface CandidateResultRow extends CandidatePhotoPaths {
  candidateId: string;
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
  /** false when total is the planner's estimate (see RESULTS_EXACT_COUNT_LIMIT). */
  totalExact: boolean;
}

type SessionsDb = DB & { s: ExamSessionsTable };
type SessionsQuery<O> = SelectQueryBuilder<SessionsDb, 's', O>;

/** `%`, `_` and `\` typed by the user are literal characters, not wildcards. */
function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * How the search text is matched. A specific search (a surname, a full name, a group code)
 * matches few candidates and groups: those are found in the small candidates/groups tables
 * and their sessions fetched by id. A broad one ("ов") matches by pattern on the sessions'
 * name copies while walking the sort order, which finds a page of matches quickly.
 */
type SearchMatch = { candidateIds: string[]; groupIds: string[] } | { pattern: string };

/**
 * Above these, a search counts as broad (see SearchMatch). A thousand candidates have about
 * ten thousand sessions, which an index on candidate_id still fetches and sorts quickly; a
 * pattern that matches more is common enough to fill a page after a short walk.
 */
const SEARCH_BY_ID_CANDIDATES = 1000;
const SEARCH_BY_ID_GROUPS = 50;

async function resolveSearch(db: Kysely<DB>, text: string | undefined): Promise<SearchMatch | undefined> {
  const search = text?.trim();
  if (!search) return undefined;
  const pattern = containsPattern(search);
  const { candidateIds, groupIds } = await db
    .selectNoFrom((eb) => [
      eb.fn
        .coalesce(
          eb.selectFrom(
            eb.selectFrom('candidates').select('id').where('fullName', 'ilike', pattern).limit(SEARCH_BY_ID_CANDIDATES + 1).as('c'),
          ).select(sql<string[]>`array_agg(c.id)`.as('ids')),
          sql<string[]>`'{}'::uuid[]`,
        )
        .as('candidateIds'),
      eb.fn
        .coalesce(
          eb.selectFrom(eb.selectFrom('groups').select('id').where('name', 'ilike', pattern).limit(SEARCH_BY_ID_GROUPS + 1).as('g'))
            .select(sql<string[]>`array_agg(g.id)`.as('ids')),
          sql<string[]>`'{}'::uuid[]`,
        )
        .as('groupIds'),
    ])
    .executeTakeFirstOrThrow();
  if (candidateIds.length > SEARCH_BY_ID_CANDIDATES || groupIds.length > SEARCH_BY_ID_GROUPS) return { pattern };
  return { candidateIds, groupIds };
}

/** The filters with the search resolved (one lookup, shared by the page and its count). */
interface Prepared {
  viewer: ResultsViewer;
  filters: ResultsFilters;
  search: SearchMatch | undefined;
}

async function prepare(db: Kysely<DB>, viewer: ResultsViewer, filters: ResultsFilters): Promise<Prepared> {
  return { viewer, filters, search: await resolveSearch(db, filters.search) };
}

function matching(eb: ExpressionBuilder<SessionsDb, 's'>, { viewer, filters: f, search }: Prepared): Expression<SqlBool> {
  const where: Expression<SqlBool>[] = [eb('s.archived', '=', f.archived)];
  if (viewer.role !== 'admin') {
    where.push(eb('s.examId', 'in', eb.selectFrom('examProctors').select('examId').where('userId', '=', viewer.userId)));
  }
  if (search && 'pattern' in search) {
    where.push(eb.or([eb('s.candidateName', 'ilike', search.pattern), eb('s.groupName', 'ilike', search.pattern)]));
  } else if (search) {
    // One array parameter rather than a thousand bound values.
    const any: Expression<SqlBool>[] = [];
    if (search.candidateIds.length) any.push(eb('s.candidateId', '=', sql<string>`any(${search.candidateIds}::uuid[])`));
    if (search.groupIds.length) any.push(eb('s.groupId', '=', sql<string>`any(${search.groupIds}::uuid[])`));
    where.push(eb.or(any)); // or([]) is false: nothing matched
  }
  if (f.examIds?.length) where.push(eb('s.examId', 'in', f.examIds));
  if (f.startedFrom) where.push(eb('s.startedAt', '>=', f.startedFrom));
  if (f.startedTo) where.push(eb('s.startedAt', '<=', f.startedTo));
  if (f.groupIds?.length) where.push(eb('s.groupId', 'in', f.groupIds));
  if (f.disciplineIds?.length) where.push(eb('s.disciplineId', 'in', f.disciplineIds));
  // Status and decision filter through their rank functions, so the sort indexes on those
  // ranks also serve the filter (and make its count an index-only scan).
  if (f.statuses?.length) where.push(eb(statusRank(), 'in', f.statuses.map((x) => SESSION_STATUSES.indexOf(x))));
  if (f.honestyMin !== undefined) where.push(eb('s.honesty', '>=', f.honestyMin));
  if (f.honestyMax !== undefined) where.push(eb('s.honesty', '<=', f.honestyMax));
  if (f.decisions?.length) where.push(eb(decisionRank(), 'in', f.decisions.map((x) => DECISIONS.indexOf(x))));
  return eb.and(where);
}

function filtered(db: Kysely<DB>, prepared: Prepared): SessionsQuery<{}> {
  return db.selectFrom('examSessions as s').where((eb) => matching(eb, prepared));
}

// Migration 0003's rank functions number the values in the order of SESSION_STATUSES and
// DECISIONS, so a value's rank is its index there.
const statusRank = () => sql<number>`session_status_rank(${sql.ref('s.status')})`;
const decisionRank = () => sql<number>`decision_rank(${sql.ref('s.decision')})`;

interface OrderItem {
  expr: Expression<unknown>;
  /** NULL sorts as the smallest value (default: the largest, PostgreSQL's rule). */
  nullsSmallest?: boolean;
}

/**
 * A sort: its keys, and whether the leading one can be NULL (no group, not started, not
 * ended, no honesty yet). Such rows come last in both directions: an empty value is never
 * what a proctor sorts for.
 */
interface SortOrder {
  items: OrderItem[];
  nullableLead: boolean;
}
const by = (...exprs: Expression<unknown>[]): OrderItem[] => exprs.map((expr) => ({ expr }));
const sortOf = (items: OrderItem[], nullableLead = false): SortOrder => ({ items, nullableLead });

// Each list must equal the key columns of its index in migration 0003 (after `archived`),
// NULL placement included, or the planner falls back to sorting every matching row.
const startedThenId = (): OrderItem[] => [{ expr: sql.ref('s.startedAt'), nullsSmallest: true }, ...by(sql.ref('s.id'))];

const ORDER: Record<ResultsSortKey, () => SortOrder> = {
  candidate: () => sortOf(by(sql.ref('s.candidateName'), sql.ref('s.candidateId'), sql.ref('s.id'))),
  group: () => sortOf(by(sql.ref('s.groupName'), sql.ref('s.candidateName'), sql.ref('s.candidateId'), sql.ref('s.id')), true),
  status: () => sortOf([...by(statusRank()), ...startedThenId()]),
  startedAt: () => sortOf(startedThenId(), true),
  endedAt: () => sortOf(by(sql.ref('s.endedAt'), sql.ref('s.id')), true),
  honesty: () => sortOf(by(sql.ref('s.honesty'), sql.ref('s.id')), true),
  exam: () => sortOf(by(sql.ref('s.examName'), sql.ref('s.id'))),
  decision: () => sortOf([...by(decisionRank()), ...startedThenId()]),
  reviewStatus: () => sortOf([...by(sql.ref('s.reviewStatus')), ...startedThenId()]),
};

type Orderable<Q> = { orderBy(expr: Expression<unknown>, modifiers: OrderByModifiers): Q };

function orderedItems<Q extends Orderable<Q>>(query: Q, items: OrderItem[], direction: SortDirection): Q {
  return items.reduce(
    (q, { expr, nullsSmallest }) =>
      q.orderBy(expr, nullsSmallest ? (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()) : direction),
    query,
  );
}

/** `order` applied to a query whose rows are few (a page, one candidate): NULLs of the lead last. */
function ordered<Q extends Orderable<Q>>(query: Q, order: SortOrder, direction: SortDirection): Q {
  if (!order.nullableLead) return orderedItems(query, order.items, direction);
  const [lead, ...rest] = order.items as [OrderItem, ...OrderItem[]];
  return orderedItems(query.orderBy(lead.expr, (ob) => (direction === 'asc' ? ob.asc() : ob.desc()).nullsLast()), rest, direction);
}

/**
 * One page of `query` in `order`. A btree index yields NULLs last in one direction only, so
 * for a nullable lead the rows with a value and those without are read as two ordered index
 * ranges of at most offset + limit rows each, and the page is cut from the two in turn; the
 * final sort only sees those rows. `query` must select the columns the caller reads.
 */
function pageOf<O>(
  db: Kysely<DB>,
  query: SelectQueryBuilder<any, any, O>,
  order: SortOrder,
  direction: SortDirection,
  limit: number,
  offset: number,
): SelectQueryBuilder<any, any, O> {
  if (!order.nullableLead) return orderedItems(query, order.items, direction).limit(limit).offset(offset);
  const [lead, ...rest] = order.items as [OrderItem, ...OrderItem[]];
  const keyed = (q: SelectQueryBuilder<any, any, O>, part: number) =>
    q.select([sql.lit(part).as('nullPart'), ...order.items.map(({ expr }, i) => sql`${expr}`.as(`k${i}`))]);
  const withValue = orderedItems(keyed(query.where(lead.expr, 'is not', null), 0), order.items, direction).limit(offset + limit);
  const withoutValue = orderedItems(keyed(query.where(lead.expr, 'is', null), 1), rest, direction).limit(offset + limit);
  const both = db
    .selectFrom(withValue.as('a'))
    .selectAll()
    .unionAll(db.selectFrom(withoutValue.as('b')).selectAll());
  const keys = order.items.map(({ nullsSmallest }, i): OrderItem => ({ expr: sql.ref(`u.k${i}`), nullsSmallest }));
  return orderedItems(db.selectFrom(both.as('u')).selectAll().orderBy(sql.ref('u.nullPart')), keys, direction)
    .limit(limit)
    .offset(offset) as unknown as SelectQueryBuilder<any, any, O>;
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
      latestVerificationPhoto(eb, sql.ref('s.candidateId')).as('verificationPhotoPath'),
      'c.referencePhotoPath',
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

const isQueryCanceled = (error: unknown) => (error as { code?: unknown }).code === '57014';

/** Plans the planner prices below this (a few thousand index entries) run without a budget. */
const CHEAP_PLAN_COST = 1000;

interface PlanNode {
  'Node Type': string;
  'Total Cost': number;
  'Plan Rows': number;
  Plans?: PlanNode[];
}

/** The estimate below the count's LIMIT: how many rows the filters match, unbounded. */
function unboundedRows(node: PlanNode): number {
  if (node['Node Type'] === 'Limit') return Math.round(node.Plans?.[0]?.['Plan Rows'] ?? 0);
  return Math.max(0, ...(node.Plans ?? []).map(unboundedRows));
}

/**
 * Exact count up to `limit` within the time budget, else the planner's row estimate (never
 * below limit + 1 when that many rows were seen). `query` selects one row per counted item.
 * Planned first in the same transaction: the plan gives the estimate to fall back on, and
 * planning warms this connection's caches so the budget measures the count, not a cold start.
 */
async function countItems(
  db: Kysely<DB>,
  prepared: Prepared,
  query: SelectQueryBuilder<any, any, any>,
  page: Pick<ResultsPage<string>, 'exactCountLimit'>,
): Promise<{ total: number; totalExact: boolean }> {
  const limit = page.exactCountLimit ?? RESULTS_EXACT_COUNT_LIMIT;
  let estimate = 0;
  try {
    const n = await db.transaction().execute(async (trx) => {
      const count = trx.selectFrom(query.limit(limit + 1).as('m')).select((eb) => eb.fn.countAll<number>().as('n'));
      const { rows } = await sql<Record<string, [{ Plan: PlanNode }]>>`EXPLAIN (FORMAT JSON) ${count}`.execute(trx);
      const plan = Object.values(rows[0] ?? {})[0]?.[0]?.Plan;
      estimate = plan ? unboundedRows(plan) : 0;
      // A broad search matches more than a thousand candidates, so thousands of sessions,
      // each checked by pattern: an exact count would spend the whole budget to give up.
      if (prepared.search && 'pattern' in prepared.search) return undefined;
      const budgetMs = (plan?.['Total Cost'] ?? Infinity) < CHEAP_PLAN_COST ? 0 : RESULTS_COUNT_BUDGET_MS;
      // Local to this transaction; 0 means no timeout. JIT compilation would cost more than
      // any of these short queries.
      await sql`SELECT set_config('statement_timeout', ${String(budgetMs)}, true), set_config('jit', 'off', true)`.execute(trx);
      return (await count.executeTakeFirstOrThrow()).n;
    });
    if (n === undefined) return { total: estimate, totalExact: false };
    if (n <= limit) return { total: n, totalExact: true };
    return { total: Math.max(limit + 1, estimate), totalExact: false };
  } catch (error) {
    if (!isQueryCanceled(error)) throw error;
    return { total: estimate, totalExact: false };
  }
}

/**
 * A page that is not full is the end of the list, which gives the exact total for free. An
 * estimate is never allowed below what the page itself proves (a full page implies more).
 */
function withTotal<T>(rows: T[], page: ResultsPage<string>, count: { total: number; totalExact: boolean }): Counted<T> {
  const offset = (page.page - 1) * page.pageSize;
  if (rows.length < page.pageSize && (rows.length > 0 || offset === 0)) return { rows, total: offset + rows.length, totalExact: true };
  if (count.totalExact) return { rows, ...count };
  return { rows, total: Math.max(count.total, offset + rows.length + (rows.length === page.pageSize ? 1 : 0)), totalExact: false };
}

/** The Results table: one page of sessions and the number of matching sessions. */
export async function listResults(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  filters: ResultsFilters,
  page: ResultsPage<ResultsSortKey>,
): Promise<Counted<ResultRow>> {
  const prepared = await prepare(db, viewer, filters);
  const order = ORDER[page.sort]();
  const ids = pageOf(db, filtered(db, prepared).select('s.id'), order, page.direction, page.pageSize, (page.page - 1) * page.pageSize);
  // Two pool connections: the count and the page run at the same time.
  const [rows, count] = await Promise.all([
    ordered(resultRows(db, ids), order, page.direction).execute(),
    countItems(db, prepared, filtered(db, prepared).select(sql.lit(1).as('one')), page),
  ]);
  return withTotal(rows, page, count);
}

/** Sessions of one candidate under the same filters ("Expand" in the grouped view). */
export async function listCandidateResults(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  candidateId: string,
  filters: ResultsFilters,
  sort: { sort: ResultsSortKey; direction: SortDirection },
): Promise<ResultRow[]> {
  const order = ORDER[sort.sort]();
  const ids = ordered(
    filtered(db, await prepare(db, viewer, filters)).select('s.id').where('s.candidateId', '=', candidateId),
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

// The aggregate sorts name the select's output columns; only the group name, a grouping key,
// can also narrow the rows before grouping (pageOf's split).
const GROUPED_ORDER: Record<ResultsGroupedSortKey, SortOrder> = {
  candidate: sortOf(by(...GROUP_KEYS.candidate)),
  group: sortOf(by(...GROUP_KEYS.group), true),
  sessions: sortOf(by(sql.ref('sessionCount'), ...GROUP_KEYS.candidate)),
  startedAt: sortOf(by(sql.ref('lastStartedAt'), ...GROUP_KEYS.candidate), true),
  endedAt: sortOf(by(sql.ref('lastEndedAt'), ...GROUP_KEYS.candidate), true),
  honesty: sortOf(by(sql.ref('minHonesty'), ...GROUP_KEYS.candidate), true),
};

/** What the grouped page's inner query yields per candidate (then joined for display). */
interface CandidateAggregates {
  candidateId: string;
  sessionCount: number;
  firstStartedAt: Date | null;
  lastStartedAt: Date | null;
  lastEndedAt: Date | null;
  minHonesty: number | null;
  avgHonesty: number | null;
  notViewedCount: number;
  undecidedCount: number;
}

const SUMMARY_ORDER: Record<Exclude<ResultsGroupedSortKey, 'candidate' | 'group'>, SortOrder> = {
  sessions: sortOf(by(sql.ref('cr.sessionCount'), sql.ref('cr.candidateName'), sql.ref('cr.candidateId'))),
  startedAt: sortOf(by(sql.ref('cr.lastStartedAt'), sql.ref('cr.candidateName'), sql.ref('cr.candidateId')), true),
  endedAt: sortOf(by(sql.ref('cr.lastEndedAt'), sql.ref('cr.candidateName'), sql.ref('cr.candidateId')), true),
  honesty: sortOf(by(sql.ref('cr.minHonesty'), sql.ref('cr.candidateName'), sql.ref('cr.candidateId')), true),
};

/** True when nothing but the archive toggle narrows the sessions. */
function onlyArchiveToggle(f: ResultsFilters): boolean {
  return (
    !f.search?.trim() &&
    !f.examIds?.length &&
    !f.startedFrom &&
    !f.startedTo &&
    !f.groupIds?.length &&
    !f.disciplineIds?.length &&
    !f.statuses?.length &&
    f.honestyMin === undefined &&
    f.honestyMax === undefined &&
    !f.decisions?.length
  );
}

/** The grouped view: one row per candidate with aggregates over their matching sessions. */
export async function listResultsByCandidate(
  db: Kysely<DB>,
  viewer: ResultsViewer,
  filters: ResultsFilters,
  page: ResultsPage<ResultsGroupedSortKey>,
): Promise<Counted<CandidateResultRow>> {
  const prepared = await prepare(db, viewer, filters);
  const offset = (page.page - 1) * page.pageSize;
  let groups: SelectQueryBuilder<any, any, CandidateAggregates>;
  let counted: SelectQueryBuilder<any, any, unknown>;
  if (page.sort !== 'candidate' && page.sort !== 'group' && viewer.role === 'admin' && onlyArchiveToggle(filters)) {
    // An aggregate sort over all sessions: read the trigger-maintained aggregates
    // (migration 0004) in the order of one of their indexes.
    const summary = db.selectFrom('candidateResults as cr').where('cr.archived', '=', filters.archived);
    groups = pageOf(
      db,
      summary.select([
        'cr.candidateId',
        'cr.sessionCount',
        'cr.firstStartedAt',
        'cr.lastStartedAt',
        'cr.lastEndedAt',
        'cr.minHonesty',
        'cr.avgHonesty',
        'cr.notViewedCount',
        'cr.undecidedCount',
      ]),
      SUMMARY_ORDER[page.sort],
      page.direction,
      page.pageSize,
      offset,
    );
    counted = summary.select('cr.candidateId');
  } else {
    const aggregates = filtered(db, prepared)
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
      .groupBy(page.sort === 'group' ? GROUP_KEYS.group : GROUP_KEYS.candidate);
    const order = GROUPED_ORDER[page.sort];
    // Sorting by an aggregate sorts every group anyway; the name sorts walk an index.
    groups =
      page.sort === 'group' || !order.nullableLead
        ? pageOf(db, aggregates, order, page.direction, page.pageSize, offset)
        : ordered(aggregates, order, page.direction).limit(page.pageSize).offset(offset);
    counted = filtered(db, prepared).select('s.candidateId').groupBy(GROUP_KEYS.candidate);
  }

  const rowsQuery = db
    .selectFrom(groups.as('g'))
    .innerJoin('candidates as c', 'c.id', 'g.candidateId')
    .leftJoin('groups as gr', 'gr.id', 'c.groupId')
    .select((eb) => [
      'g.candidateId',
      latestVerificationPhoto(eb, sql.ref('g.candidateId')).as('verificationPhotoPath'),
      'c.referencePhotoPath',
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
  const outerOrder: Record<ResultsGroupedSortKey, SortOrder> = {
    candidate: sortOf(by(sql.ref('c.fullName'), sql.ref('g.candidateId'))),
    group: sortOf(by(sql.ref('gr.name'), sql.ref('c.fullName'), sql.ref('g.candidateId')), true),
    sessions: sortOf(by(sql.ref('g.sessionCount'), sql.ref('c.fullName'), sql.ref('g.candidateId'))),
    startedAt: sortOf(by(sql.ref('g.lastStartedAt'), sql.ref('c.fullName'), sql.ref('g.candidateId')), true),
    endedAt: sortOf(by(sql.ref('g.lastEndedAt'), sql.ref('c.fullName'), sql.ref('g.candidateId')), true),
    honesty: sortOf(by(sql.ref('g.minHonesty'), sql.ref('c.fullName'), sql.ref('g.candidateId')), true),
  };
  const [rows, count] = await Promise.all([
    ordered(rowsQuery, outerOrder[page.sort], page.direction).execute(),
    countItems(db, prepared, counted, page),
  ]);
  return withTotal(rows, page, count);
}

/** Those of `examIds` the user is not assigned to as a proctor (all of them if none exist). */
export async function unassignedExamIds(db: Kysely<DB>, userId: string, examIds: string[]): Promise<string[]> {
  const assigned = await db
    .selectFrom('examProctors')
    .select('examId')
    .where('userId', '=', userId)
    .where('examId', 'in', examIds)
    .execute();
  const ok = new Set(assigned.map((r) => r.examId));
  return [...new Set(examIds)].filter((id) => !ok.has(id));
}

/** The session's exam, for access checks; undefined when the session does not exist. */
export async function getSessionExamId(db: Kysely<DB>, sessionId: string): Promise<string | undefined> {
  const row = await db.selectFrom('examSessions').select('examId').where('id', '=', sessionId).executeTakeFirst();
  return row?.examId;
}

/** The signed-in user an audit entry names (copied into the entry). */
export interface ActionActor {
  /** null: not a user (an API key's integration, named by fullName). */
  userId: string | null;
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
  input: { sessionId: string; decision: Decision; actor: ActionActor; details?: Record<string, unknown> },
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
      details: { ...input.details, from: change.from, to: change.to },
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

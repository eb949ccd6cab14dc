// The Results queries' shared parts: the filters (search resolved once, scope, ranks), the
// sort orders and their paging over the sort indexes of migration 0003, and the count under
// a time budget. Internal to results.repository.ts; not exported from the package.
import { type Expression, type ExpressionBuilder, type Kysely, type OrderByModifiers, type SelectQueryBuilder, type SqlBool, sql } from 'kysely';
import { DECISIONS, SESSION_STATUSES } from '../enums.ts';
import type { DB, ExamSessionsTable } from '../schema.ts';
import {
  RESULTS_COUNT_BUDGET_MS,
  RESULTS_EXACT_COUNT_LIMIT,
  type Counted,
  type ResultsFilters,
  type ResultsPage,
  type ResultsViewer,
  type SortDirection,
} from './results-types.ts';

export type SessionsDb = DB & { s: ExamSessionsTable };
export type SessionsQuery<O> = SelectQueryBuilder<SessionsDb, 's', O>;

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
export interface Prepared {
  viewer: ResultsViewer;
  filters: ResultsFilters;
  search: SearchMatch | undefined;
}

export async function prepare(db: Kysely<DB>, viewer: ResultsViewer, filters: ResultsFilters): Promise<Prepared> {
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

export function filtered(db: Kysely<DB>, prepared: Prepared): SessionsQuery<{}> {
  return db.selectFrom('examSessions as s').where((eb) => matching(eb, prepared));
}

// Migration 0003's rank functions number the values in the order of SESSION_STATUSES and
// DECISIONS, so a value's rank is its index there.
export const statusRank = () => sql<number>`session_status_rank(${sql.ref('s.status')})`;
export const decisionRank = () => sql<number>`decision_rank(${sql.ref('s.decision')})`;

export interface OrderItem {
  expr: Expression<unknown>;
  /** NULL sorts as the smallest value (default: the largest, PostgreSQL's rule). */
  nullsSmallest?: boolean;
}

/**
 * A sort: its keys, and whether the leading one can be NULL (no group, not started, not
 * ended, no honesty yet). Such rows come last in both directions: an empty value is never
 * what a proctor sorts for.
 */
export interface SortOrder {
  items: OrderItem[];
  nullableLead: boolean;
}
export const by = (...exprs: Expression<unknown>[]): OrderItem[] => exprs.map((expr) => ({ expr }));
export const sortOf = (items: OrderItem[], nullableLead = false): SortOrder => ({ items, nullableLead });

export type Orderable<Q> = { orderBy(expr: Expression<unknown>, modifiers: OrderByModifiers): Q };

function orderedItems<Q extends Orderable<Q>>(query: Q, items: OrderItem[], direction: SortDirection): Q {
  return items.reduce(
    (q, { expr, nullsSmallest }) =>
      q.orderBy(expr, nullsSmallest ? (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()) : direction),
    query,
  );
}

/** `order` applied to a query whose rows are few (a page, one candidate): NULLs of the lead last. */
export function ordered<Q extends Orderable<Q>>(query: Q, order: SortOrder, direction: SortDirection): Q {
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
export function pageOf<O>(
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
export async function countItems(
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
export function withTotal<T>(rows: T[], page: ResultsPage<string>, count: { total: number; totalExact: boolean }): Counted<T> {
  const offset = (page.page - 1) * page.pageSize;
  if (rows.length < page.pageSize && (rows.length > 0 || offset === 0)) return { rows, total: offset + rows.length, totalExact: true };
  if (count.totalExact) return { rows, ...count };
  return { rows, total: Math.max(count.total, offset + rows.length + (rows.length === page.pageSize ? 1 : 0)), totalExact: false };
}

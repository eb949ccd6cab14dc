// The Results page: one row per exam session (or per candidate when grouped), filtered,
// sorted and paged in the database. Every listing query reads exam_sessions alone, using
// the name copies and sort indexes of migration 0003; joins happen only for the rows of the
// page being returned ("deferred join"), so skipped rows cost an index entry, not a join.
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import type { DB } from '../schema.ts';
import { latestVerificationPhoto, type CandidatePhotoPaths } from './candidate-photo.repository.ts';
import type {
  CandidateResultRow,
  Counted,
  ResultRow,
  ResultsFilters,
  ResultsGroupedSortKey,
  ResultsPage,
  ResultsSortKey,
  ResultsViewer,
  SortDirection,
} from './results-types.ts';
import { RESULTS_EXPAND_LIMIT } from './results-types.ts';
import { by, countItems, decisionRank, filtered, ordered, pageOf, prepare, sortOf, statusRank, withTotal, type OrderItem, type SessionsQuery, type SortOrder } from './results-query.ts';

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
type CandidateAggregates = Omit<CandidateResultRow, keyof CandidatePhotoPaths | 'candidateName' | 'groupId' | 'groupName'>;

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

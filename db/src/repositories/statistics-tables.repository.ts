// The Statistics page's two paged tables: reconnections per session (§4.4) and the report
// by candidates (§4.5); the scope and date range they share are statistics-scope.ts.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { DECISIONS, type Decision } from '../enums.ts';
import type { DB } from '../schema.ts';
import { bounded, startedSessions, type StatisticsFilters, type StatisticsViewer } from './statistics-scope.ts';

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

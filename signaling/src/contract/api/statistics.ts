/**
 * Statistics HTTP API (manual §4.1–4.5), typed once for the server (validation) and the web
 * UI. Every route needs a signed-in proctor or admin; a proctor's numbers cover only the
 * exams assigned to them, an admin's every exam.
 *
 * Dates are calendar days (`YYYY-MM-DD`) in each exam's own time zone: a session started at
 * 18:30 UTC of an Asia/Almaty exam (UTC+5) belongs to the next day and to hour 23. `from`
 * and `to` are inclusive and required; a range longer than STATISTICS_MAX_DAYS or with
 * `from` after `to` is refused with `date_range_too_long` / `date_range_inverted` (400), so
 * no request can ask for decades of aggregation.
 *
 * Query strings: a list filter is the key repeated or comma-separated, as on /api/results.
 * Unknown keys are refused (400). The statistics filters (`StatisticsFilters`) are also
 * what the Excel exports of §4.6/4.7 take, so a download covers exactly what the page shows.
 */
import { z } from 'zod';
import { decision } from './results.ts';
import { queryInt, scopeFilterFields, sortDirection } from './query-filters.ts';

/** Longest date range one request may cover (a leap year). */
export const STATISTICS_MAX_DAYS = 366;
/** Default range of the page: the last 30 days including today. */
export const STATISTICS_DEFAULT_DAYS = 30;
export const STATISTICS_MAX_PAGE_SIZE = 200;
export const STATISTICS_DEFAULT_PAGE_SIZE = 25;
const int = queryInt;

/** `YYYY-MM-DD`, a real calendar day (2026-02-30 is refused). */
export const calendarDay = z.iso.date();

/** The filters every statistics route (and the statistics exports) take. */
export const statisticsFilterFields = {
  from: calendarDay,
  to: calendarDay,
  ...scopeFilterFields,
};
export const statisticsFilters = z.object(statisticsFilterFields).strict();
export type StatisticsFiltersInput = z.input<typeof statisticsFilters>;
export type StatisticsFilters = z.infer<typeof statisticsFilters>;

export type StatisticsRangeError = 'date_range_inverted' | 'date_range_too_long';

const DAY_MS = 86_400_000;
/** Days from `from` to `to` inclusive (negative when inverted). */
export function rangeDays(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1;
}

/** The one rule for date ranges, checked by the server and, before asking, by the page. */
export function statisticsRangeError(range: { from: string; to: string }): StatisticsRangeError | null {
  const days = rangeDays(range.from, range.to);
  if (days < 1) return 'date_range_inverted';
  if (days > STATISTICS_MAX_DAYS) return 'date_range_too_long';
  return null;
}

/**
 * Percent of `part` in `whole` with one decimal (0 when whole is 0). Every percentage of the
 * page and of the exports is computed here, so they print the same number.
 */
export function statisticsPercent(part: number, whole: number): number {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
}

// ---------------------------------------------------------------------------------------
// GET /api/statistics/overview: §4.1 per day, §4.2 per hour, §4.3 connections

export const statisticsOverviewQuery = statisticsFilters;

/** One day of the range (every day is listed, days without sessions with zeros). */
export const dayBucket = z.object({
  date: calendarDay,
  /** Sessions started that day (local to their exam). */
  sessions: z.number().int().nonnegative(),
  /** Distinct exams with at least one session started that day. */
  exams: z.number().int().nonnegative(),
});
export type DayBucket = z.infer<typeof dayBucket>;

/** One hour of the day, 0–23 local to each exam; all 24 are listed. */
export const hourBucket = z.object({ hour: z.number().int().min(0).max(23), sessions: z.number().int().nonnegative() });
export type HourBucket = z.infer<typeof hourBucket>;

/** The connection steps that can fail (connection_events kinds). */
export const connectionFailureKind = z.enum(['device_check_failed', 'ice_failed']);
export type ConnectionFailureKind = z.infer<typeof connectionFailureKind>;

/**
 * One error code with how often it happened and how often the candidate got past it
 * (`resolved`: the failure was later marked resolved, i.e. the candidate passed afterwards).
 */
export const connectionErrorRow = z.object({
  kind: connectionFailureKind,
  /** Machine code (camera_denied, screen_not_shared, second_display, ice_failed, …); 'unknown' when none was recorded. */
  error: z.string(),
  count: z.number().int().nonnegative(),
  resolved: z.number().int().nonnegative(),
  unresolved: z.number().int().nonnegative(),
});
export type ConnectionErrorRow = z.infer<typeof connectionErrorRow>;

/**
 * §4.3. A connection attempt is a device check (passed or failed) or a failed media
 * connection (ICE), counted on the local day it happened. Successful = device checks
 * passed; failed = device checks failed + ICE failures. Per session: how many candidates
 * hit at least one error, and how many of those got every error resolved.
 */
export const connectionStats = z.object({
  attempts: z.number().int().nonnegative(),
  successful: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  successPercent: z.number().min(0).max(100),
  failedPercent: z.number().min(0).max(100),
  /** Sessions (candidates in an exam) with at least one failed attempt in the range. */
  sessionsWithErrors: z.number().int().nonnegative(),
  /** Of sessionsWithErrors: every failure resolved. */
  sessionsResolved: z.number().int().nonnegative(),
  resolvedPercent: z.number().min(0).max(100),
  /** Most frequent first. */
  errors: z.array(connectionErrorRow),
});
export type ConnectionStats = z.infer<typeof connectionStats>;

export const statisticsOverview = z.object({
  from: calendarDay,
  to: calendarDay,
  totals: z.object({
    sessions: z.number().int().nonnegative(),
    exams: z.number().int().nonnegative(),
    candidates: z.number().int().nonnegative(),
  }),
  perDay: z.array(dayBucket),
  perHour: z.array(hourBucket).length(24),
  connections: connectionStats,
});
export type StatisticsOverview = z.infer<typeof statisticsOverview>;

// ---------------------------------------------------------------------------------------
// GET /api/statistics/reconnects: §4.4, one row per session (candidate × exam)

export const reconnectSortKey = z.enum(['reconnects', 'offline', 'candidate', 'exam', 'startedAt']);
export type ReconnectSortKey = z.infer<typeof reconnectSortKey>;

const paging = {
  page: int(1, 100_000).default(1),
  pageSize: int(1, STATISTICS_MAX_PAGE_SIZE).default(STATISTICS_DEFAULT_PAGE_SIZE),
};

/** Default: the worst first (most reconnects, then longest offline). */
export const reconnectsQuery = z
  .object({ ...statisticsFilterFields, sort: reconnectSortKey.default('reconnects'), dir: sortDirection.default('desc'), ...paging })
  .strict();
export type ReconnectsQueryInput = z.input<typeof reconnectsQuery>;
export type ReconnectsQuery = z.infer<typeof reconnectsQuery>;

const timestamp = z.iso.datetime();

export const reconnectRow = z.object({
  sessionId: z.uuid(),
  candidateId: z.uuid(),
  candidateName: z.string(),
  groupName: z.string().nullable(),
  examId: z.uuid(),
  examName: z.string(),
  /** The exam's IANA zone, in which startedAt is shown. */
  timeZone: z.string(),
  startedAt: timestamp,
  /** Times the candidate connected (attempts): 1 = never dropped. */
  connections: z.number().int().nonnegative(),
  /** connections − 1 (reconnects happen only after a network loss). */
  reconnects: z.number().int().nonnegative(),
  /** Total time between an attempt's end and the next one's start. */
  offlineMs: z.number().int().nonnegative(),
});
export type ReconnectRow = z.infer<typeof reconnectRow>;

export const reconnectsResponse = z.object({
  rows: z.array(reconnectRow),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
  /** Over all matching sessions, not just the page. */
  summary: z.object({
    sessions: z.number().int().nonnegative(),
    sessionsWithReconnects: z.number().int().nonnegative(),
    reconnects: z.number().int().nonnegative(),
    offlineMs: z.number().int().nonnegative(),
  }),
});
export type ReconnectsResponse = z.infer<typeof reconnectsResponse>;

// ---------------------------------------------------------------------------------------
// GET /api/statistics/candidates: §4.5, one row per candidate

export const candidateStatsSortKey = z.enum(['candidate', 'group', 'sessions', 'honesty', 'violations']);
export type CandidateStatsSortKey = z.infer<typeof candidateStatsSortKey>;

export const candidateStatsQuery = z
  .object({ ...statisticsFilterFields, sort: candidateStatsSortKey.default('candidate'), dir: sortDirection.default('asc'), ...paging })
  .strict();
export type CandidateStatsQueryInput = z.input<typeof candidateStatsQuery>;
export type CandidateStatsQuery = z.infer<typeof candidateStatsQuery>;

export const candidateStatsRow = z.object({
  candidateId: z.uuid(),
  candidateName: z.string(),
  groupName: z.string().nullable(),
  /** Sessions started in the range. */
  sessions: z.number().int().positive(),
  /** Mean honesty of those sessions, rounded; null when none has one yet. */
  avgHonesty: z.number().int().min(0).max(100).nullable(),
  violations: z.number().int().nonnegative(),
  /** Violation type → count (types with none are left out). */
  violationsByType: z.record(z.string(), z.number().int().positive()),
  /** Decision → number of sessions (every decision listed). */
  decisions: z.record(decision, z.number().int().nonnegative()),
});
export type CandidateStatsRow = z.infer<typeof candidateStatsRow>;

export const candidateStatsResponse = z.object({
  rows: z.array(candidateStatsRow),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
});
export type CandidateStatsResponse = z.infer<typeof candidateStatsResponse>;

// ---------------------------------------------------------------------------------------
// GET /api/statistics/options: the choices of the exam, discipline and group filters

const choice = z.object({ id: z.uuid(), name: z.string() });
export const statisticsOptions = z.object({
  /** Exams the user may see, newest first. */
  exams: z.array(choice.extend({ disciplineId: z.uuid(), timeZone: z.string() })),
  disciplines: z.array(choice),
  groups: z.array(choice),
});
export type StatisticsOptions = z.infer<typeof statisticsOptions>;

/** Builds a statistics query string (list filters as repeated keys). */
export function statisticsSearchParams(query: StatisticsFiltersInput | ReconnectsQueryInput | CandidateStatsQueryInput): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  return params;
}

/**
 * Every statistics route. 400 bad_request for malformed filters, date_range_inverted /
 * date_range_too_long for a bad range; 403 forbidden when a proctor names an exam not
 * assigned to them.
 */
export const statisticsApi = {
  overview: { method: 'GET', path: '/api/statistics/overview', query: statisticsOverviewQuery, body: null, response: statisticsOverview },
  reconnects: { method: 'GET', path: '/api/statistics/reconnects', query: reconnectsQuery, body: null, response: reconnectsResponse },
  candidates: { method: 'GET', path: '/api/statistics/candidates', query: candidateStatsQuery, body: null, response: candidateStatsResponse },
  options: { method: 'GET', path: '/api/statistics/options', query: null, body: null, response: statisticsOptions },
} as const;

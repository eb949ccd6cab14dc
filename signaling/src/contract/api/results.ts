/**
 * Results page HTTP API (manual §2), typed once for the server (validation) and the web UI
 * (requests, response types). Every route needs a signed-in proctor or admin; a proctor
 * sees only sessions of the exams assigned to them.
 *
 * Query strings: a list filter is the key repeated (`status=finished&status=in_progress`)
 * or comma-separated (`status=finished,in_progress`); times are ISO 8601 with an offset.
 * Unknown keys are refused (400), so a misspelt filter never silently shows everything.
 *
 * Totals above 10 000, counts that would take longer than 40 ms, and totals of broad
 * searches (more than 1000 candidates match) are the database planner's estimate, flagged
 * `totalExact: false` (the UI shows "≈"); counting a million rows exactly on every page view
 * is too slow. A page that is not full always carries the exact total.
 */
import { z } from 'zod';
import { queryInt, queryList, scopeFilterFields, sortDirection } from './query-filters.ts';
import { DECISIONS, REVIEW_STATUSES, SESSION_STATUSES } from '@proctor/values';

// The sets live once in @proctor/values (which @proctor/db re-exports too).
export const sessionStatus = z.enum(SESSION_STATUSES);
export type SessionStatus = z.infer<typeof sessionStatus>;
export const decision = z.enum(DECISIONS);
export type Decision = z.infer<typeof decision>;
export const reviewStatus = z.enum(REVIEW_STATUSES);
export type ReviewStatus = z.infer<typeof reviewStatus>;

/** Sortable columns of the session table (the photo and the "View" link are not). */
export const resultsSortKey = z.enum(['candidate', 'group', 'status', 'startedAt', 'endedAt', 'honesty', 'exam', 'decision', 'reviewStatus']);
export type ResultsSortKey = z.infer<typeof resultsSortKey>;
/**
 * Sortable columns of the view grouped by candidate: startedAt/endedAt sort by the latest
 * start/end, honesty by the lowest honesty of the candidate's sessions.
 */
export const resultsGroupedSortKey = z.enum(['candidate', 'group', 'sessions', 'startedAt', 'endedAt', 'honesty']);
export type ResultsGroupedSortKey = z.infer<typeof resultsGroupedSortKey>;
export { sortDirection, type SortDirection } from './query-filters.ts';

export const RESULTS_MAX_PAGE = 1_000_000;
export const RESULTS_MAX_PAGE_SIZE = 200;
export const RESULTS_DEFAULT_PAGE_SIZE = 50;
const list = queryList;
const int = queryInt;
const time = z.iso.datetime({ offset: true }).transform((s) => new Date(s));

/** The filters every Results route takes (manual §2.1). */
const filterFields = {
  /** Case-insensitive substring of the candidate's full name or the group name. */
  search: z
    .string()
    .max(200)
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'control characters are not allowed')
    .transform((s) => s.trim())
    .optional(),
  ...scopeFilterFields,
  /** Session start, inclusive. */
  from: time.optional(),
  to: time.optional(),
  status: list(sessionStatus).optional(),
  /** Inclusive, 0–100; sessions without an honesty value are left out when either is set. */
  honestyMin: int(0, 100).optional(),
  honestyMax: int(0, 100).optional(),
  decision: list(decision).optional(),
  /** "Archive" toggle: false (default) = current records only, true = archived only. */
  archived: z.enum(['true', 'false']).transform((v) => v === 'true').default(false),
};

type FilterInput = { honestyMin?: number; honestyMax?: number; from?: Date; to?: Date };

function checkRanges(q: FilterInput, ctx: z.RefinementCtx): void {
  if (q.honestyMin !== undefined && q.honestyMax !== undefined && q.honestyMin > q.honestyMax) {
    ctx.addIssue({ code: 'custom', path: ['honestyMin'], message: `must not exceed honestyMax (${q.honestyMin} > ${q.honestyMax})` });
  }
  if (q.from && q.to && q.from > q.to) {
    ctx.addIssue({ code: 'custom', path: ['from'], message: 'must not be later than to' });
  }
}

/** GET /api/results. Default sort: newest start first; grouped: candidate name A→Я. */
export const resultsQuery = z
  .object({
    ...filterFields,
    groupBy: z.enum(['none', 'candidate']).default('none'),
    sort: z.string().optional(),
    dir: sortDirection.optional(),
    page: int(1, RESULTS_MAX_PAGE).default(1),
    pageSize: int(1, RESULTS_MAX_PAGE_SIZE).default(RESULTS_DEFAULT_PAGE_SIZE),
  })
  .strict()
  .superRefine(checkRanges)
  .transform((q, ctx) => {
    const { sort, dir, ...rest } = q;
    const unknownSort = (keys: readonly string[], where: string) => {
      ctx.addIssue({
        code: 'custom',
        path: ['sort'],
        message: `unknown sort column ${JSON.stringify(sort)}${where}; expected one of ${keys.join(', ')}`,
      });
      return z.NEVER;
    };
    if (rest.groupBy === 'candidate') {
      const key = resultsGroupedSortKey.safeParse(sort ?? 'candidate');
      if (!key.success) return unknownSort(resultsGroupedSortKey.options, ' for the grouped view');
      return { ...rest, groupBy: 'candidate' as const, sort: key.data, dir: dir ?? 'asc' };
    }
    const key = resultsSortKey.safeParse(sort ?? 'startedAt');
    if (!key.success) return unknownSort(resultsSortKey.options, '');
    return { ...rest, groupBy: 'none' as const, sort: key.data, dir: dir ?? 'desc' };
  });
export type ResultsQueryInput = z.input<typeof resultsQuery>;
export type ResultsQuery = z.infer<typeof resultsQuery>;

/** GET /api/results/candidates/:candidateId/sessions ("Expand"): the same filters, no paging. */
export const candidateSessionsQuery = z
  .object({
    ...filterFields,
    sort: resultsSortKey.default('startedAt'),
    dir: sortDirection.default('desc'),
  })
  .strict()
  .superRefine(checkRanges);
export type CandidateSessionsQueryInput = z.input<typeof candidateSessionsQuery>;
export type CandidateSessionsQuery = z.infer<typeof candidateSessionsQuery>;

const timestamp = z.iso.datetime();

/** One row of the session table; also the payload of the `results:session` push. */
export const resultRow = z.object({
  sessionId: z.uuid(),
  examId: z.uuid(),
  candidateId: z.uuid(),
  /**
   * The candidate's latest photo (their latest verification, else the reference photo), as
   * resultsApi.candidatePhoto's URL with a version; null when no such file exists, so the
   * page never asks for a photo that is not there.
   */
  photoUrl: z.string().nullable(),
  candidateName: z.string(),
  groupId: z.uuid().nullable(),
  groupName: z.string().nullable(),
  status: sessionStatus,
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  honesty: z.number().int().min(0).max(100).nullable(),
  examName: z.string(),
  /** Show this row's times in this IANA zone (the exam's). */
  timeZone: z.string(),
  decision,
  reviewStatus,
});
export type ResultRow = z.infer<typeof resultRow>;

/** One row of the grouped view; the aggregates cover the candidate's matching sessions. */
export const candidateResultRow = z.object({
  candidateId: z.uuid(),
  /** As in resultRow. */
  photoUrl: z.string().nullable(),
  candidateName: z.string(),
  groupId: z.uuid().nullable(),
  groupName: z.string().nullable(),
  sessionCount: z.number().int().positive(),
  firstStartedAt: timestamp.nullable(),
  lastStartedAt: timestamp.nullable(),
  lastEndedAt: timestamp.nullable(),
  minHonesty: z.number().int().nullable(),
  avgHonesty: z.number().int().nullable(),
  notViewedCount: z.number().int().nonnegative(),
  undecidedCount: z.number().int().nonnegative(),
});
export type CandidateResultRow = z.infer<typeof candidateResultRow>;

const pageFields = {
  /** Matching sessions (or candidates, grouped); an estimate when totalExact is false. */
  total: z.number().int().nonnegative(),
  totalExact: z.boolean(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
};

export const resultsResponse = z.discriminatedUnion('groupBy', [
  z.object({ groupBy: z.literal('none'), rows: z.array(resultRow), ...pageFields }),
  z.object({ groupBy: z.literal('candidate'), rows: z.array(candidateResultRow), ...pageFields }),
]);
export type ResultsResponse = z.infer<typeof resultsResponse>;

export const candidateSessionsResponse = z.object({ rows: z.array(resultRow) });
export type CandidateSessionsResponse = z.infer<typeof candidateSessionsResponse>;

export const setDecisionRequest = z.object({ decision }).strict();
export type SetDecisionRequest = z.infer<typeof setDecisionRequest>;
export const sessionRowResponse = z.object({ row: resultRow });
export type SessionRowResponse = z.infer<typeof sessionRowResponse>;

/** Kinds of filter choice that GET /api/results/choices searches. */
export const resultsChoiceKind = z.enum(['exam', 'group', 'discipline']);
export type ResultsChoiceKind = z.infer<typeof resultsChoiceKind>;
export const RESULTS_CHOICES_MAX_LIMIT = 50;

/**
 * GET /api/results/choices: search-as-you-type over every exam, group or discipline the user
 * may filter by (older and archived ones included); `id` names chosen values to label them.
 */
export const resultsChoicesQuery = z
  .object({
    kind: resultsChoiceKind,
    search: filterFields.search,
    id: list(z.uuid()).optional(),
    limit: int(1, RESULTS_CHOICES_MAX_LIMIT).default(20),
  })
  .strict();
export type ResultsChoicesQueryInput = z.input<typeof resultsChoicesQuery>;

export const resultsChoice = z.object({
  id: z.uuid(),
  name: z.string(),
  /** Exams only: the start, shown in `timeZone` (tells exams of the same name apart). */
  startsAt: z.iso.datetime().nullable(),
  timeZone: z.string().nullable(),
  archived: z.boolean(),
});
export type ResultsChoice = z.infer<typeof resultsChoice>;
/** Newest exams first, groups and disciplines by name; `more` when the list was cut at `limit`. */
export const resultsChoicesResponse = z.object({ items: z.array(resultsChoice), more: z.boolean() });
export type ResultsChoicesResponse = z.infer<typeof resultsChoicesResponse>;

/** `?v=` is the photo's version, there only so a new photo gets a new URL (browsers cache it). */
export const candidatePhotoQuery = z.object({ v: z.string().regex(/^[0-9a-f]{1,40}$/).optional() }).strict();

/** Builds the query string of a Results request (list filters as repeated keys). */
export function resultsSearchParams(query: ResultsQueryInput | CandidateSessionsQueryInput | ResultsChoicesQueryInput): URLSearchParams {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) {
      params.append(key, String(item));
    }
  }
  return params;
}

/** Every Results route: method, path, query/body schema and response schema. */
export const resultsApi = {
  /** 400 bad_request for invalid filters; 403 forbidden when a proctor names an exam not assigned to them. */
  list: { method: 'GET', path: '/api/results', query: resultsQuery, body: null, response: resultsResponse },
  candidateSessions: {
    method: 'GET',
    path: '/api/results/candidates/:candidateId/sessions',
    query: candidateSessionsQuery,
    body: null,
    response: candidateSessionsResponse,
  },
  choices: { method: 'GET', path: '/api/results/choices', query: resultsChoicesQuery, body: null, response: resultsChoicesResponse },
  /**
   * The image a row's photoUrl names (JPEG or PNG). 404 when the candidate has no photo (or a
   * proctor has no session of theirs in an assigned exam: no existence oracle).
   */
  candidatePhoto: { method: 'GET', path: '/api/results/candidates/:candidateId/photo', query: candidatePhotoQuery, body: null, response: null },
  /** Returns the updated row; 404 for an unknown session and for one of an exam the proctor is not assigned to. */
  setDecision: { method: 'PATCH', path: '/api/sessions/:id/decision', query: null, body: setDecisionRequest, response: sessionRowResponse },
} as const;

// What the Results page asks for and gets back: sort keys, viewer, filters, paging, rows.
// The queries are results.repository.ts (over results-query.ts).
import type { Decision, ReviewStatus, SessionStatus, UserRole } from '../enums.ts';
import type { CandidatePhotoPaths } from './candidate-photo.repository.ts';

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

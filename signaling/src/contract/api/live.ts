/**
 * Synchronous (live) proctoring panel, manual §3: which exams a proctor can watch, and the
 * "Add student" dialog (§3.3–3.4: Group filter, Full name | Group table, "Total records",
 * pages). Signed-in proctors see their assigned exams only; admins see all.
 */
import { z } from 'zod';
import { sessionStatus } from './results.ts';

const uuid = z.uuid();
const iso = z.iso.datetime({ offset: true });

export const liveExam = z.object({
  examId: uuid,
  name: z.string(),
  disciplineName: z.string(),
  startsAt: iso,
  endsAt: iso,
  timeZone: z.string(),
  sessions: z.number().int().nonnegative(),
  inProgress: z.number().int().nonnegative(),
  finished: z.number().int().nonnegative(),
});
export type LiveExam = z.infer<typeof liveExam>;

export const liveExamsResponse = z.object({
  /** Exams running now or within 12 hours of now, earliest first. */
  exams: z.array(liveExam),
  now: iso,
});
export type LiveExamsResponse = z.infer<typeof liveExamsResponse>;

export const LIVE_CANDIDATES_MAX_PAGE_SIZE = 50;

export const liveCandidatesQuery = z
  .object({
    groupId: uuid.optional(),
    search: z.string().trim().max(100).optional(),
    page: z.coerce.number().int().min(1).max(100_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(LIVE_CANDIDATES_MAX_PAGE_SIZE).default(10),
  })
  .strict();
export type LiveCandidatesQuery = z.input<typeof liveCandidatesQuery>;

export const liveCandidate = z.object({
  sessionId: uuid,
  candidateName: z.string(),
  groupName: z.string().nullable(),
  status: sessionStatus,
});
export type LiveCandidate = z.infer<typeof liveCandidate>;

export const liveCandidatesResponse = z.object({
  exam: liveExam.omit({ sessions: true, inProgress: true, finished: true }),
  groups: z.array(z.object({ id: uuid, name: z.string() })),
  rows: z.array(liveCandidate),
  total: z.number().int().nonnegative(),
  page: z.number().int().positive(),
  pageSize: z.number().int().positive(),
});
export type LiveCandidatesResponse = z.infer<typeof liveCandidatesResponse>;

export const liveApi = {
  exams: { method: 'GET', path: '/api/live/exams', query: z.object({}).strict(), body: null, response: liveExamsResponse },
  /** 403 for a proctor not assigned to the exam; 404 for an admin naming an unknown exam. */
  candidates: {
    method: 'GET',
    path: '/api/live/exams/:examId/candidates',
    query: liveCandidatesQuery,
    body: null,
    response: liveCandidatesResponse,
  },
} as const;

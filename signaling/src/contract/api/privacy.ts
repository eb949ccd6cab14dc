/**
 * A candidate's personal data on request (admins only): export everything held about them
 * as a zip (data.json + media files) and erase it (with a reason; audited). An erased
 * candidate keeps a pseudonym; their sessions keep timings, honesty and decisions, so
 * statistics stay whole, while recordings, snapshots, photos, violations, IIN, e-mail and
 * the reference photo are deleted. Erasing again answers 409.
 */
import { z } from 'zod';

export const ERASURE_REASON_MIN = 5;
export const ERASURE_REASON_MAX = 500;

export const erasureRequest = z
  .object({
    reason: z
      .string()
      .trim()
      .min(ERASURE_REASON_MIN, { message: 'too_short' })
      .max(ERASURE_REASON_MAX, { message: 'too_long' }),
  })
  .strict();
export type ErasureRequest = z.infer<typeof erasureRequest>;

export const erasureResult = z.object({
  candidateId: z.uuid(),
  /** The name the record carries from now on. */
  pseudonym: z.string(),
  erasedAt: z.iso.datetime(),
  sessions: z.number().int().nonnegative(),
  /** Files (recordings, snapshots, photos) or rows (violations) deleted. */
  deleted: z.object({
    recordings: z.number().int().nonnegative(),
    snapshots: z.number().int().nonnegative(),
    photos: z.number().int().nonnegative(),
    violations: z.number().int().nonnegative(),
    referencePhoto: z.boolean(),
  }),
});
export type ErasureResult = z.infer<typeof erasureResult>;

/** Names inside the export zip. */
export const EXPORT_DATA_FILE = 'data.json';

export const privacyApi = {
  /** application/zip, streamed: data.json first, then media/… files; logs `candidate.data_exported`. */
  exportCandidate: { method: 'GET', path: '/api/admin/candidates/:id/export', query: null, body: null, response: null },
  /** Logs `candidate.erased` (reason, counts) and a `data.deleted` entry per session and kind. */
  eraseCandidate: { method: 'POST', path: '/api/admin/candidates/:id/erase', query: null, body: erasureRequest, response: z.object({ erasure: erasureResult }) },
} as const;

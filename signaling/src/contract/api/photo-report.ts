/**
 * Photo report ("Short report", manual §2.4.3) HTTP API: the candidate card of one session
 * (header + events with pictures), its pictures, the PDF, and e-mailing the PDF.
 * Every route needs a signed-in proctor assigned to the session's exam, or an admin
 * (404 otherwise, exactly as for an unknown session or event).
 */
import { z } from 'zod';
import { locale } from './auth.ts';

const timestamp = z.iso.datetime();

export const photoReportLocale = locale;
export type PhotoReportLocale = z.infer<typeof photoReportLocale>;

/**
 * One card event. `pictureUrl` is null when there is no picture (or its file is gone) and none will come (no
 * recording covers the moment); `pending` is true while the snapshot job has yet to run.
 */
export const photoReportEvent = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('verification'),
    id: z.uuid(),
    result: z.enum(['successful', 'failed', 'no_reference']),
    startsAt: timestamp,
    endsAt: timestamp,
    pictureUrl: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('violation'),
    id: z.uuid(),
    type: z.string(),
    startsAt: timestamp,
    endsAt: timestamp.nullable(),
    pictureUrl: z.string().nullable(),
    pending: z.boolean(),
  }),
]);
export type PhotoReportEvent = z.infer<typeof photoReportEvent>;

export const photoReport = z.object({
  sessionId: z.uuid(),
  candidateName: z.string(),
  examName: z.string(),
  timeZone: z.string(),
  startedAt: timestamp.nullable(),
  endedAt: timestamp.nullable(),
  violationCount: z.number().int().nonnegative(),
  honesty: z.number().nullable(),
  events: z.array(photoReportEvent),
});
export type PhotoReport = z.infer<typeof photoReport>;

export const photoReportPdfQuery = z.strictObject({ locale: photoReportLocale });

/** Address validated here and again by the e-mail job's payload schema. */
export const photoReportEmailRequest = z.strictObject({
  to: z.email({ error: 'email_invalid' }).max(254, { error: 'email_invalid' }),
  locale: photoReportLocale,
});
export type PhotoReportEmailRequest = z.infer<typeof photoReportEmailRequest>;

export const photoReportEmailResponse = z.object({ queued: z.literal(true) });

export const photoReportApi = {
  /** Opening it also enqueues the snapshot job for violations still without a picture. */
  get: { method: 'GET', path: '/api/sessions/:id/photo-report', query: null, body: null, response: photoReport },
  /** An event's JPEG (violation snapshot or verification photo); the path comes from the database only. */
  picture: { method: 'GET', path: '/api/sessions/:id/photo-report/pictures/:eventId', query: null, body: null, response: null },
  /** application/pdf as an attachment; logged in the action archive. */
  pdf: { method: 'GET', path: '/api/sessions/:id/photo-report/pdf', query: photoReportPdfQuery, body: null, response: null },
  /** 202: a job renders the PDF and sends it; the action archive records it when sent. */
  email: { method: 'POST', path: '/api/sessions/:id/photo-report/email', query: null, body: photoReportEmailRequest, response: photoReportEmailResponse },
} as const;

/** Action archive entries of this report (details: locale/bytes; to; to/error). */
export const PHOTO_REPORT_ACTIONS = ['photo_report.downloaded', 'photo_report.emailed', 'photo_report.email_failed'] as const;

export function photoReportPdfUrl(sessionId: string, locale: PhotoReportLocale): string {
  return `${photoReportApi.pdf.path.replace(':id', encodeURIComponent(sessionId))}?locale=${locale}`;
}

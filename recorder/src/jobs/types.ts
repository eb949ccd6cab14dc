/**
 * Queue names and the payload of every job, shared by producers (media node) and the
 * jobs process. Payloads are validated with zod on both ends: a job can sit in Redis or
 * PostgreSQL across a deploy, so the consumer must not trust its shape.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { LOCALES } from '@proctor/values';

export const QUEUES = {
  /** Remux a stopped recording so it is seekable, probe its duration, mark it finalised. */
  finaliseRecording: 'recording-finalise',
  /** Grab one JPEG per violation from its recording (photo report, manual §2.4.3). */
  violationSnapshots: 'violation-snapshots',
  /** Render a session's photo report to PDF and e-mail it as an attachment. */
  photoReportEmail: 'photo-report-email',
  /** Write a detailed exam report (.xlsx) for a report_exports row (manual §4.6). */
  reportExport: 'report-export',
  /** Server-side face checks on a finalised camera recording (sampled frames → violations). */
  faceSampling: 'face-sampling',
  /** Recompute the stored honesty of every session of an exam after its weights changed. */
  honestyRecompute: 'honesty-recompute',
  /** Post one webhook delivery (signed) to its endpoint; retried with backoff for ≈ 24 h. */
  webhookDelivery: 'webhook-delivery',
  /** Send a launched session's honesty and decision to its LMS (LTI Assignment and Grade Services). */
  ltiScore: 'lti-score',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** A payload naming one row by its id; the job reads the rest from the database. */
function idPayload<K extends string>(key: K) {
  return z.object({ [key]: z.uuid() } as Record<K, ReturnType<typeof z.uuid>>);
}
/** Who asked for a job: copied into the action archive entry written when it is done. */
const requester = (userId: ReturnType<typeof z.uuid> | z.ZodNullable<ReturnType<typeof z.uuid>>) =>
  z.object({ userId, fullName: z.string(), iin: z.string().nullable() });

export const finaliseRecordingPayload = idPayload('recordingId');
export type FinaliseRecordingPayload = z.infer<typeof finaliseRecordingPayload>;

export const violationSnapshotsPayload = idPayload('sessionId');
export type ViolationSnapshotsPayload = z.infer<typeof violationSnapshotsPayload>;

export const photoReportEmailPayload = z.object({
  sessionId: z.uuid(),
  to: z.email().max(254),
  locale: z.enum(LOCALES),
  requestedBy: requester(z.uuid()),
});
export type PhotoReportEmailPayload = z.infer<typeof photoReportEmailPayload>;

/** The report_exports row: filters, locale and requester are read from it, not the payload. */
export const reportExportPayload = idPayload('exportId');
export type ReportExportPayload = z.infer<typeof reportExportPayload>;

export const faceSamplingPayload = idPayload('recordingId');
export type FaceSamplingPayload = z.infer<typeof faceSamplingPayload>;

export const honestyRecomputePayload = z.object({
  examId: z.uuid(),
  /** Who changed the weights (userId null: an API key). */
  requestedBy: requester(z.uuid().nullable()).nullable(),
});
export type HonestyRecomputePayload = z.infer<typeof honestyRecomputePayload>;

export const webhookDeliveryPayload = idPayload('deliveryId');
export type WebhookDeliveryPayload = z.infer<typeof webhookDeliveryPayload>;
export const ltiScorePayload = idPayload('sessionId');
export type LtiScorePayload = z.infer<typeof ltiScorePayload>;

/** A platform that is down gets a few hours: 8 attempts, 30 s doubling (≈ 2 h in all). */
export const LTI_SCORE_JOB = { attempts: 8, backoffMs: 30_000 } as const;

export const jobPayloadSchemas = {
  [QUEUES.finaliseRecording]: finaliseRecordingPayload,
  [QUEUES.violationSnapshots]: violationSnapshotsPayload,
  [QUEUES.photoReportEmail]: photoReportEmailPayload,
  [QUEUES.reportExport]: reportExportPayload,
  [QUEUES.faceSampling]: faceSamplingPayload,
  [QUEUES.honestyRecompute]: honestyRecomputePayload,
  [QUEUES.webhookDelivery]: webhookDeliveryPayload,
  [QUEUES.ltiScore]: ltiScorePayload,
} satisfies Record<QueueName, z.ZodType>;

export type JobPayload<N extends QueueName> = z.infer<(typeof jobPayloadSchemas)[N]>;

/** One finalise job per recording: enqueueing twice (a retried stop, crash recovery) is a no-op. */
export function finaliseJobId(recordingId: string): string {
  return `finalise-${recordingId}`;
}

/**
 * One snapshot job per session and state (missing snapshots, settled recordings): enqueueing
 * again while nothing changed is a no-op; a new violation or recording gets a new job.
 */
export function snapshotsJobId(sessionId: string, stateKeys: readonly string[]): string {
  const digest = createHash('sha1').update([...stateKeys].sort().join(',')).digest('hex').slice(0, 16);
  return `snapshots-${sessionId}-${digest}`;
}

/** One job per export row: a retried request never writes the same file twice at once. */
export function reportExportJobId(exportId: string): string {
  return `report-export-${exportId}`;
}

/** One sampling job per recording: a retried finalise does not analyse the file twice. */
export function faceSamplingJobId(recordingId: string): string {
  return `faces-${recordingId}`;
}

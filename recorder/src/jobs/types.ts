/**
 * Queue names and the payload of every job, shared by producers (media node) and the
 * jobs process. Payloads are validated with zod on both ends: a job can sit in Redis or
 * PostgreSQL across a deploy, so the consumer must not trust its shape.
 */
import { z } from 'zod';

export const QUEUES = {
  /** Remux a stopped recording so it is seekable, probe its duration, mark it finalised. */
  finaliseRecording: 'recording-finalise',
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const finaliseRecordingPayload = z.object({
  recordingId: z.uuid(),
});
export type FinaliseRecordingPayload = z.infer<typeof finaliseRecordingPayload>;

export const jobPayloadSchemas = {
  [QUEUES.finaliseRecording]: finaliseRecordingPayload,
} satisfies Record<QueueName, z.ZodType>;

export type JobPayload<N extends QueueName> = z.infer<(typeof jobPayloadSchemas)[N]>;

/** One finalise job per recording: enqueueing twice (a retried stop, crash recovery) is a no-op. */
export function finaliseJobId(recordingId: string): string {
  return `finalise-${recordingId}`;
}

/**
 * Detailed report HTTP API (manual §2.4): one session's attempts, recordings, violations,
 * action archive and honesty breakdown; marking it viewed; streaming a recording.
 * Every route needs a signed-in proctor assigned to the session's exam, or an admin; a
 * session or recording the user may not see answers 404, exactly like an unknown one.
 */
import { z } from 'zod';
import { MEDIA_SOURCES } from '@proctor/values';
import { resultRow } from './results.ts';
import { violationCategory, violationSource } from '../violations.ts';
import { deviceSegmentView } from './device.ts';

const timestamp = z.iso.datetime();

export const reportRecordingSource = z.enum(MEDIA_SOURCES);
export type ReportRecordingSource = z.infer<typeof reportRecordingSource>;

/**
 * One recorded track of an attempt. `status` 'recording'/'stopped' files play too (they
 * are not yet made seekable by the finalise job); `available` is false when the file is not
 * on disk or the recording failed, and `problem` says which ('deleted': removed under the
 * exam's retention policy or an erasure, see `removals`). A track recorded as an RTP dump is
 * not playable until the finalise job has converted it: 'preparing' while it waits,
 * 'not_converted' if the conversion failed for good (the dump is kept on the server).
 */
export const reportRecording = z.object({
  id: z.uuid(),
  source: reportRecordingSource,
  kind: z.enum(['audio', 'video']),
  status: z.enum(['recording', 'stopped', 'finalised', 'failed']),
  startedAt: timestamp,
  endedAt: timestamp.nullable(),
  durationMs: z.number().int().nonnegative().nullable(),
  bytes: z.number().int().nonnegative(),
  available: z.boolean(),
  problem: z.enum(['file_missing', 'failed', 'deleted', 'preparing', 'not_converted']).nullable(),
});
export type ReportRecording = z.infer<typeof reportRecording>;

export const reportAttempt = z.object({
  id: z.uuid(),
  number: z.number().int().positive(),
  startedAt: timestamp,
  /** null while the attempt is still going on. */
  endedAt: timestamp.nullable(),
  endReason: z.string().nullable(),
  recordings: z.array(reportRecording),
});
export type ReportAttempt = z.infer<typeof reportAttempt>;

export const reportViolation = z.object({
  id: z.uuid(),
  type: z.string(),
  category: violationCategory,
  startsAt: timestamp,
  endsAt: timestamp.nullable(),
  source: violationSource,
  attemptNumber: z.number().int().positive().nullable(),
});
export type ReportViolation = z.infer<typeof reportViolation>;

export const reportAction = z.object({
  id: z.number().int(),
  actorName: z.string(),
  actorIin: z.string().nullable(),
  /** e.g. 'session.viewed', 'session.decision_changed' (details.from/to), 'recording.downloaded' (details.source, attemptNumber). */
  action: z.string(),
  details: z.record(z.string(), z.unknown()),
  at: timestamp,
});
export type ReportAction = z.infer<typeof reportAction>;

/** How the honesty % came about (see @proctor/db honesty.ts for the arithmetic). */
export const reportHonestyLine = z.object({
  type: z.string(),
  category: violationCategory,
  events: z.number().int().nonnegative(),
  totalMs: z.number().nonnegative(),
  weight: z.number().nonnegative(),
  counted: z.boolean(),
  deduction: z.number().nonnegative(),
});
export type ReportHonestyLine = z.infer<typeof reportHonestyLine>;
export const reportHonesty = z.object({
  honesty: z.number().int().min(0).max(100),
  sessionMs: z.number().nonnegative(),
  minEventMs: z.number().nonnegative(),
  lines: z.array(reportHonestyLine),
  /** The exam's automatic verdict line: below it the session needs a closer look. */
  threshold: z.number().int().min(0).max(100),
});
export type ReportHonesty = z.infer<typeof reportHonesty>;

export const reportRemoval = z.object({
  kind: z.enum(['recordings', 'snapshots', 'photos', 'violations']),
  reason: z.enum(['retention', 'erasure']),
  items: z.number().int().nonnegative(),
  removedAt: timestamp,
});
export type ReportRemoval = z.infer<typeof reportRemoval>;

export const sessionReport = z.object({
  session: resultRow,
  attempts: z.array(reportAttempt),
  /** In time order. */
  violations: z.array(reportViolation),
  /** The action archive, newest first. */
  actions: z.array(reportAction),
  /** null before the session has started, and once its violations were deleted (the stored honesty stands). */
  honesty: reportHonesty.nullable(),
  /** What was deleted from this session, when and why (retention policy, erasure). */
  removals: z.array(reportRemoval),
  /** The test ran in a separate window at some point (#10): focus tracking was weaker. */
  assessmentWindowUsed: z.boolean(),
  /** Segments the candidate's device recorded and uploaded for gaps of the server's recordings (#12), in time order. */
  deviceSegments: z.array(deviceSegmentView),
});
export type SessionReport = z.infer<typeof sessionReport>;

/** GET /api/recordings/:id: `download=1` asks for an attachment (and logs the download). */
export const reportRecordingQuery = z.object({ download: z.literal('1').optional() }).strict();

/** Every report route. The recording route answers media (Range → 206), not JSON. */
export const reportApi = {
  get: { method: 'GET', path: '/api/sessions/:id/report', query: null, body: null, response: sessionReport },
  /** The report page opened: logs "viewed", marks the session viewed; returns its Results row. */
  markViewed: { method: 'POST', path: '/api/sessions/:id/viewed', query: null, body: null, response: z.object({ row: resultRow }) },
  recording: { method: 'GET', path: '/api/recordings/:id', query: reportRecordingQuery, body: null, response: null },
  /** A device-recorded segment (#12), streamed like a recording. */
  deviceSegment: { method: 'GET', path: '/api/device-segments/:id', query: null, body: null, response: null },
} as const;

/** URL of a device-recorded segment for a media element. */
export function deviceSegmentUrl(segmentId: string): string {
  return reportApi.deviceSegment.path.replace(':id', encodeURIComponent(segmentId));
}

/** URL of a recording for a media element, or for downloading it. */
export function recordingUrl(recordingId: string, opts: { download?: boolean } = {}): string {
  const base = reportApi.recording.path.replace(':id', encodeURIComponent(recordingId));
  return opts.download ? `${base}?download=1` : base;
}

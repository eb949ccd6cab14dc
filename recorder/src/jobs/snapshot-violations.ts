/**
 * Snapshots for the photo report (manual §2.4.3): for every violation of a session that has
 * none yet, one JPEG frame grabbed from the recording of its attempt at the moment the
 * violation started, stored as `snapshots/<sessionId>/<violationId>.jpg` under the
 * recordings root and written to violations.snapshot_path.
 *
 * Which recording: the camera shows face and voice problems, the screen shows what the
 * candidate did on the computer (focus, tabs, clipboard, displays). When the preferred
 * source is missing the other video is used: a frame of something beats no frame.
 *
 * A violation without a usable recording (none in its attempt, failed, or the moment lies
 * outside the file) is skipped, not failed: the report shows a placeholder for it. Only
 * errors that may pass (ffmpeg crash, disk) fail the job so the queue retries it.
 */
import { mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { countUnsettledRecordings, isDataRemoved, listPhotoViolations, listRecordings, setViolationSnapshot, type RecordingListItem } from '@proctor/db';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import type { FfmpegPaths } from '../config.ts';
import { probe, run } from '../ffmpeg.ts';
import type { JobQueue } from '../queue.ts';
import { resolveRecordingPath } from './finalise-recording.ts';
import { QUEUES, snapshotsJobId, type ViolationSnapshotsPayload } from './types.ts';
import { sealFileEvidence, sealSessionViolations } from '../evidence/seal.ts';
import type { EvidenceSigner } from '../evidence/signer.ts';

export interface SnapshotDeps {
  db: Db;
  recordingsDir: string;
  ffmpeg: FfmpegPaths;
  logger: Logger;
  /** Seals each snapshot as it is written (and the session's violations once it is finished). */
  signer: EvidenceSigner;
}

export interface SnapshotOutcome {
  taken: number;
  /** Violations left without a snapshot because no usable recording covers them. */
  skipped: number;
}

const CAMERA_TYPES = new Set(['no_face', 'multiple_faces', 'other_person', 'head_turned', 'voice', 'camera_stopped', 'microphone_stopped']);

/** The video source that shows a violation best, then the fallback. */
export function snapshotSources(type: string): ['camera' | 'screen', 'camera' | 'screen'] {
  return CAMERA_TYPES.has(type) ? ['camera', 'screen'] : ['screen', 'camera'];
}

/** Relative path of a violation's snapshot (ids are uuids from the database, safe in paths). */
export function snapshotRelativePath(sessionId: string, violationId: string): string {
  return `snapshots/${sessionId}/${violationId}.jpg`;
}

/** Grace after a file's end: the recorder may stop a moment before the violation row's time. */
const END_TOLERANCE_MS = 1500;

async function durationMsOf(recording: RecordingListItem, file: string, ffprobe: string): Promise<number | null> {
  if (recording.durationMs) return recording.durationMs;
  const info = await probe(file, ffprobe).catch(() => null);
  return info?.durationSec ? Math.round(info.durationSec * 1000) : null;
}

export async function snapshotViolations(deps: SnapshotDeps, payload: ViolationSnapshotsPayload): Promise<SnapshotOutcome> {
  const { db, logger } = deps;
  const log = logger.child({ sessionId: payload.sessionId, job: 'snapshots' });
  // Deleted under retention or erasure: never grabbed again from whatever is left.
  if (await isDataRemoved(db, payload.sessionId, 'snapshots')) return { taken: 0, skipped: 0 };
  await sealSessionViolations(deps, payload.sessionId);
  const [violations, recordings] = await Promise.all([listPhotoViolations(db, payload.sessionId), listRecordings(db, payload.sessionId)]);
  const usable = recordings.filter((r) => r.kind === 'video' && r.status !== 'failed' && r.status !== 'recording');
  let taken = 0;
  let skipped = 0;

  for (const violation of violations) {
    if (violation.snapshotPath) continue;
    const inAttempt = usable.filter((r) =>
      violation.attemptId
        ? r.attemptId === violation.attemptId
        : r.startedAt <= violation.startsAt && (!r.endedAt || violation.startsAt.getTime() <= r.endedAt.getTime() + END_TOLERANCE_MS),
    );
    let grabbed = false;
    for (const source of snapshotSources(violation.type)) {
      const recording = inAttempt.find((r) => r.source === source);
      if (!recording) continue;
      const file = resolveRecordingPath(deps.recordingsDir, recording.path);
      if (!(await stat(file).then((s) => s.size > 0, () => false))) continue;
      const durationMs = await durationMsOf(recording, file, deps.ffmpeg.ffprobe);
      const offsetMs = violation.startsAt.getTime() - recording.startedAt.getTime();
      if (durationMs === null || offsetMs > durationMs + END_TOLERANCE_MS) continue;
      // Clamp into the file: a violation a moment before the first frame or after the last still gets the nearest one.
      const atSec = Math.max(0, Math.min(offsetMs, durationMs - 300)) / 1000;
      const relative = snapshotRelativePath(payload.sessionId, violation.id);
      const target = resolveRecordingPath(deps.recordingsDir, relative);
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.tmp.jpg`;
      const res = await run(
        deps.ffmpeg.ffmpeg,
        // -ss before -i seeks by the cues (fast); scale keeps reports small; -q:v 4 is a good JPEG.
        ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-ss', atSec.toFixed(3), '-i', file, '-frames:v', '1', '-vf', "scale='min(640,iw)':-2", '-q:v', '4', tmp],
        { timeoutMs: 60_000 },
      );
      const size = await stat(tmp).then((s) => s.size, () => 0);
      if (res.code !== 0 || size === 0) {
        await unlink(tmp).catch(() => {});
        throw new Error(`frame grab failed for violation ${violation.id} (${source} at ${atSec}s): ${res.stderr.trim().slice(-300) || `exit ${res.code}`}`);
      }
      await rename(tmp, target);
      await setViolationSnapshot(db, violation.id, relative);
      await sealFileEvidence(deps, { sessionId: payload.sessionId, kind: 'snapshot', itemId: violation.id, relativePath: relative });
      taken++;
      grabbed = true;
      break;
    }
    if (!grabbed) skipped++;
  }
  log.info({ taken, skipped }, 'violation snapshots done');
  return { taken, skipped };
}

/**
 * Enqueues the snapshot job when the session has violations without a snapshot; returns how
 * many are missing. Called after a finalise (once no recording of the session is left
 * unsettled) and when a photo report is opened.
 */
export async function enqueueMissingSnapshots(db: Db, queue: JobQueue, sessionId: string): Promise<number> {
  if (await isDataRemoved(db, sessionId, 'snapshots')) return 0;
  const [violations, recordings] = await Promise.all([listPhotoViolations(db, sessionId), listRecordings(db, sessionId)]);
  const missing = violations.filter((v) => !v.snapshotPath).map((v) => v.id);
  if (missing.length > 0) {
    // A recording settling later can fill a gap that an earlier run had to skip: part of the id.
    const settled = recordings.filter((r) => r.status === 'finalised' || r.status === 'stopped').map((r) => `${r.id}:${r.status}`);
    await queue.add(QUEUES.violationSnapshots, { sessionId }, { jobId: snapshotsJobId(sessionId, [...missing, ...settled]) });
  }
  return missing.length;
}

/** After a recording is finalised: the session's snapshots once all its recordings are settled. */
export async function enqueueSnapshotsAfterFinalise(db: Db, queue: JobQueue, sessionId: string): Promise<void> {
  if ((await countUnsettledRecordings(db, sessionId)) === 0) await enqueueMissingSnapshots(db, queue, sessionId);
}

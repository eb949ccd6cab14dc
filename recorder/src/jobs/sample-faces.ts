/**
 * Server-side face checks of a finalised camera recording: one frame every SAMPLE_EVERY_MS
 * is decoded with ffmpeg and analysed with @vladmandic/human (node-wasm), and the runs of
 * "no face", "several faces", "another person" and "head turned" become violations with
 * source 'server'. The candidate's browser runs the same checks live; this job is what still
 * catches a candidate whose page had its detectors switched off.
 *
 * Idempotent: a re-run first removes this recording's earlier server face findings. Findings
 * go through the same repository as the socket's (touching intervals merge), then the
 * session's honesty is recomputed and the photo-report snapshots are requested for them.
 */
import path from 'node:path';
import {
  VIOLATION_CATEGORY,
  deleteViolationsInRange,
  getRecording,
  inTransaction,
  recomputeSessionHonesty,
  recordViolation,
  sessionFaceReference,
} from '@proctor/db';
import { UnrecoverableError } from 'bullmq';
import { recordEvidenceRemoval, sealSessionViolations } from '../evidence/seal.ts';
import type { EvidenceSigner } from '../evidence/signer.ts';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import type { FfmpegPaths } from '../config.ts';
import type { JobQueue } from '../queue.ts';
import { FaceAnalyser } from '../face/face-analyser.ts';
import { pictureFrame, sampleFrames } from '../face/frame-sampler.ts';
import { SAMPLE_EVERY_MS, classifyFrame, intervalsFromFrames, type FaceInterval, type FrameFinding } from '../face/face-rules.ts';
import { resolveRecordingPath } from './finalise-recording.ts';
import { QUEUES, faceSamplingJobId, type FaceSamplingPayload } from './types.ts';

const FACE_TYPES = ['no_face', 'multiple_faces', 'other_person', 'head_turned'] as const;

export interface SampleFacesDeps {
  db: Db;
  recordingsDir: string;
  /** Root of candidates' reference photos (signaling's PHOTOS_DIR); null = only verification photos are used. */
  photosDir: string | null;
  ffmpeg: FfmpegPaths;
  logger: Logger;
  /** Records replaced findings in the session's evidence chain and seals the new ones. */
  signer: EvidenceSigner;
}

export interface SampleFacesOutcome {
  status: 'sampled' | 'skipped';
  sessionId: string | null;
  frames: number;
  intervals: FaceInterval[];
  /** Whether a reference face was available (otherwise "another person" is not checked). */
  withReference: boolean;
  /** Sampled frames too dark to judge (no face found, face-rules.ts): neither "no face" nor "another person". */
  tooDarkFrames: number;
}

/** Enqueues sampling for a recording that just became a finalised camera file. */
export async function enqueueFaceSamplingAfterFinalise(db: Db, queue: JobQueue, recordingId: string): Promise<void> {
  const row = await getRecording(db, recordingId);
  if (row?.source !== 'camera' || row.status !== 'finalised') return;
  await queue.add(QUEUES.faceSampling, { recordingId }, { jobId: faceSamplingJobId(recordingId) });
}

async function referenceEmbedding(deps: SampleFacesDeps, analyser: FaceAnalyser, sessionId: string): Promise<number[] | null> {
  const ref = await sessionFaceReference(deps.db, sessionId);
  const candidates: string[] = [];
  if (ref.verificationPhotoPath) candidates.push(resolveRecordingPath(deps.recordingsDir, ref.verificationPhotoPath));
  if (ref.referencePhotoPath && deps.photosDir) candidates.push(resolveRecordingPath(deps.photosDir, ref.referencePhotoPath));
  for (const file of candidates) {
    try {
      const { faces } = await analyser.analyse(await pictureFrame(deps.ffmpeg.ffmpeg, file));
      if (faces[0]?.embedding) return faces[0].embedding;
    } catch (err) {
      deps.logger.warn({ err, file: path.basename(file) }, 'reference photo unreadable; trying the next one');
    }
  }
  return null;
}

export async function sampleFaces(deps: SampleFacesDeps, payload: FaceSamplingPayload): Promise<SampleFacesOutcome> {
  const row = await getRecording(deps.db, payload.recordingId);
  if (!row) throw new UnrecoverableError(`recording ${payload.recordingId} does not exist`);
  if (row.source !== 'camera' || row.status !== 'finalised') return { status: 'skipped', sessionId: row.sessionId, frames: 0, intervals: [], withReference: false, tooDarkFrames: 0 };
  const log = deps.logger.child({ recordingId: row.id, sessionId: row.sessionId });
  const file = resolveRecordingPath(deps.recordingsDir, row.path);

  const analyser = await FaceAnalyser.shared();
  const reference = await referenceEmbedding(deps, analyser, row.sessionId);
  const similarity = (a: number[], b: number[]) => analyser.similarity(a, b);
  const frames: Array<{ atMs: number; finding: FrameFinding }> = [];
  const started = Date.now();
  for await (const frame of sampleFrames(deps.ffmpeg.ffmpeg, file, SAMPLE_EVERY_MS)) {
    frames.push({ atMs: frame.atMs, finding: classifyFrame(await analyser.analyse(frame), reference, similarity) });
  }
  const lastEnd = frames.length ? frames[frames.length - 1]!.atMs + SAMPLE_EVERY_MS : 0;
  const durationMs = row.durationMs ?? lastEnd;
  // A finding still present at the last sample lasts to the end of the recording (nothing
  // after it said otherwise); any other ends where the next sample no longer saw it.
  const intervals = intervalsFromFrames(frames, SAMPLE_EVERY_MS).map((i) => ({
    ...i,
    endMs: Math.max(i.startMs, i.endMs >= lastEnd ? durationMs : Math.min(i.endMs, durationMs)),
  }));

  const origin = row.startedAt.getTime();
  await inTransaction(deps.db, async (trx) => {
    const replaced = await deleteViolationsInRange(trx, {
      sessionId: row.sessionId,
      source: 'server',
      types: [...FACE_TYPES],
      from: row.startedAt,
      to: new Date(origin + durationMs),
    });
    // The chain learns that this re-analysis, not someone else, replaced those findings.
    await recordEvidenceRemoval({ db: trx, signer: deps.signer }, row.sessionId, 'violation', replaced, 'resampled');
    const written: string[] = [];
    for (const i of intervals) {
      const { violation } = await recordViolation(trx, {
        sessionId: row.sessionId,
        attemptId: row.attemptId,
        type: i.type,
        category: VIOLATION_CATEGORY[i.type],
        startsAt: new Date(origin + i.startMs),
        endsAt: new Date(origin + i.endMs),
        confidence: Math.round(i.confidence * 1000) / 1000,
        source: 'server',
      });
      written.push(violation.id);
    }
    await sealSessionViolations({ db: trx, signer: deps.signer }, row.sessionId, written);
  });
  await recomputeSessionHonesty(deps.db, row.sessionId);
  const tooDarkFrames = frames.filter((f) => f.finding.outcome === 'too_dark').length;
  log.info({ frames: frames.length, intervals: intervals.length, withReference: reference !== null, tooDarkFrames, ms: Date.now() - started }, 'camera recording sampled for faces');
  return { status: 'sampled', sessionId: row.sessionId, frames: frames.length, intervals, withReference: reference !== null, tooDarkFrames };
}

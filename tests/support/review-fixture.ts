/**
 * A finished session worth reviewing: two attempts (the candidate reconnected once), real
 * camera (VP8), microphone (Opus) and screen (VP8) WebM files per attempt made with ffmpeg
 * lavfi, their rows in attempts/recordings, violations spread over both attempts and the
 * honesty computed from them.
 * Built on seedMediaDemo's exam and proctor; used by the detailed-report and photo-report tests.
 *
 * The videos show ffmpeg's test pattern with its running counter, so frames at different
 * times differ (a seek is visible). Encoded files are cached under the OS temp directory:
 * encoding is the slow part and the output depends only on the parameters.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import {
  type DB,
  type RecordingSource,
  type ViolationType,
  VIOLATION_CATEGORY,
  createRecording,
  endAttempt,
  markFinalised,
  markFinished,
  markStarted,
  recomputeSessionHonesty,
  seedMediaDemo,
  startAttempt,
  stopRecording,
} from '@proctor/db';
// Not exported by @proctor/db (the realistic seed's batched insert); reused so the fixture
// adds no SQL of its own.
import { insertDemoRows } from '../../db/src/repositories/demo-data.repository.ts';
import { recordingRelativePath } from '@proctor/recorder';

const run = promisify(execFile);

export interface ReviewSessionOptions {
  /** Which of seedMediaDemo's sessions becomes the reviewed one (default 0). */
  candidateIndex?: number;
  /** Length of each attempt's recordings in seconds (default 9). */
  attemptSeconds?: number;
  /** Time between the end of attempt 1 and the start of attempt 2 (default 20 s). */
  gapSeconds?: number;
  /** When attempt 1 started (default: 30 minutes before now). */
  startedAt?: Date;
  /**
   * 'finalised' (default): as after the finalise job. 'stopped': as the live recorder leaves
   * them before that job has run — rows 'stopped', files written as a stream (no cues, no
   * duration in the header), so players must cope without an index.
   */
  recordingStatus?: 'finalised' | 'stopped';
}

export interface ReviewRecording {
  id: string;
  source: RecordingSource;
  /** Relative to recordingsDir, as stored in the row. */
  path: string;
  /** Absolute path of the file on disk. */
  file: string;
  bytes: number;
  startedAt: Date;
}

export interface ReviewAttempt {
  id: string;
  number: number;
  startedAt: Date;
  endedAt: Date;
  recordings: Record<RecordingSource, ReviewRecording>;
}

export interface ReviewViolation {
  id: string;
  type: ViolationType;
  attemptNumber: number;
  startsAt: Date;
  endsAt: Date;
  /** Seconds from the start of its attempt (= from the start of that attempt's recordings). */
  offsetSec: number;
}

export interface ReviewSession {
  examId: string;
  sessionId: string;
  candidateName: string;
  proctorUserId: string;
  adminUserId: string;
  attempts: ReviewAttempt[];
  /** In chronological order. */
  violations: ReviewViolation[];
}

// [attempt number, type, offset s, duration s (0 = an instant event such as a copy)]
const VIOLATION_PLAN: [number, ViolationType, number, number][] = [
  [1, 'focus_lost', 2, 2],
  [1, 'no_face', 5.5, 1.5],
  [2, 'tab_hidden', 3, 1.5],
  [2, 'multiple_faces', 5, 1],
  [2, 'copy', 7, 0],
];

const SOURCES: { source: RecordingSource; kind: 'audio' | 'video'; codec: string }[] = [
  { source: 'camera', kind: 'video', codec: 'video/VP8' },
  { source: 'microphone', kind: 'audio', codec: 'audio/opus' },
  { source: 'screen', kind: 'video', codec: 'video/VP8' },
];

function ffmpegArgs(source: RecordingSource, attemptNumber: number, seconds: number): string[] {
  // Keyframe every second so seeking lands quickly; realtime VP8 keeps encoding cheap.
  const vp8 = ['-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '400k', '-g', '15', '-pix_fmt', 'yuv420p'];
  switch (source) {
    case 'camera':
      return ['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=15:duration=${seconds}`, ...vp8];
    case 'screen':
      return ['-f', 'lavfi', '-i', `testsrc=size=640x360:rate=15:duration=${seconds}`, ...vp8];
    case 'microphone':
      // A different tone per attempt, so a listener can tell them apart.
      return ['-f', 'lavfi', '-i', `sine=frequency=${330 * attemptNumber}:sample_rate=48000:duration=${seconds}`, '-c:a', 'libopus', '-b:a', '48k'];
  }
}

/**
 * Encodes (or reuses from the cache) one recording and copies it to `target`. `streamed`
 * writes through a pipe, as the live recorder does: the muxer cannot go back to add cues
 * and the duration.
 */
async function makeMedia(source: RecordingSource, attemptNumber: number, seconds: number, target: string, streamed: boolean): Promise<number> {
  const cacheDir = path.join(os.tmpdir(), 'proctor-review-fixture-v1');
  await fs.mkdir(cacheDir, { recursive: true });
  const cached = path.join(cacheDir, `${source}-${attemptNumber}-${seconds}s${streamed ? '-streamed' : ''}.webm`);
  const exists = await fs.stat(cached).then((s) => s.size > 0, () => false);
  if (!exists) {
    // Encode beside the cache entry, then rename: parallel test files never see half a file.
    const tmp = `${cached}.${process.pid}.${randomBytes(3).toString('hex')}.webm`;
    const args = ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', ...ffmpegArgs(source, attemptNumber, seconds), '-f', 'webm'];
    if (streamed) {
      const { stdout } = await run('ffmpeg', [...args, 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
      await fs.writeFile(tmp, stdout);
    } else {
      await run('ffmpeg', [...args, tmp]);
    }
    await fs.rename(tmp, cached);
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.copyFile(cached, target);
  return (await fs.stat(target)).size;
}

/** Seeds the reviewed session (see the file comment). Call once per candidateIndex and database. */
export async function seedReviewSession(
  db: Kysely<DB>,
  recordingsDir: string,
  opts: ReviewSessionOptions = {},
): Promise<ReviewSession> {
  const seconds = opts.attemptSeconds ?? 9;
  const gapMs = (opts.gapSeconds ?? 20) * 1000;
  const t0 = opts.startedAt ?? new Date(Date.now() - 30 * 60_000);
  const demo = await seedMediaDemo(db);
  const session = demo.sessions[opts.candidateIndex ?? 0];
  if (!session) throw new Error(`seedMediaDemo has no session #${opts.candidateIndex}`);
  const { sessionId } = session;

  await markStarted(db, sessionId, t0);
  const attempts: ReviewAttempt[] = [];
  for (const number of [1, 2]) {
    const startedAt = new Date(t0.getTime() + (number - 1) * (seconds * 1000 + gapMs));
    const endedAt = new Date(startedAt.getTime() + seconds * 1000);
    const attempt = await startAttempt(db, { sessionId, nodeId: 'review-fixture', at: startedAt });
    if (attempt.number !== number) throw new Error(`session ${sessionId} already has attempts; seed a fresh database`);

    const recordings = {} as Record<RecordingSource, ReviewRecording>;
    await Promise.all(
      SOURCES.map(async ({ source, kind, codec }) => {
        const relative = recordingRelativePath({ examId: demo.examId, sessionId, attemptNumber: number, source, startedAt, extension: '.webm' });
        const file = path.join(recordingsDir, relative);
        const bytes = await makeMedia(source, number, seconds, file, opts.recordingStatus === 'stopped');
        const id = await createRecording(db, { attemptId: attempt.id, source, kind, codec, path: relative, startedAt });
        await stopRecording(db, id, { endedAt, bytes });
        if ((opts.recordingStatus ?? 'finalised') === 'finalised') await markFinalised(db, id, { durationMs: seconds * 1000, bytes });
        recordings[source] = { id, source, path: relative, file, bytes, startedAt };
      }),
    );
    await endAttempt(db, attempt.id, { at: endedAt, reason: number === 1 ? 'disconnected' : 'finished' });
    attempts.push({ id: attempt.id, number, startedAt, endedAt, recordings });
  }
  await markFinished(db, sessionId, attempts[1]!.endedAt);

  const violations: ReviewViolation[] = VIOLATION_PLAN.map(([attemptNumber, type, offsetSec, durationSec]) => {
    const attempt = attempts[attemptNumber - 1]!;
    const startsAt = new Date(attempt.startedAt.getTime() + offsetSec * 1000);
    const endsAt = new Date(startsAt.getTime() + durationSec * 1000);
    return { id: crypto.randomUUID(), type, attemptNumber, startsAt, endsAt, offsetSec };
  });
  await insertDemoRows(db, {
    exams: [],
    examProctors: [],
    candidates: [],
    examSessions: [],
    attempts: [],
    connectionEvents: [],
    violations: violations.map((v) => ({
      id: v.id,
      sessionId,
      attemptId: attempts[v.attemptNumber - 1]!.id,
      type: v.type,
      category: VIOLATION_CATEGORY[v.type],
      startsAt: v.startsAt,
      endsAt: v.endsAt,
      source: 'client' as const,
    })),
  });
  await recomputeSessionHonesty(db, sessionId);

  return {
    examId: demo.examId,
    sessionId,
    candidateName: session.candidateName,
    proctorUserId: demo.proctorUserId,
    adminUserId: demo.adminUserId,
    attempts,
    violations,
  };
}

/**
 * The detailed report (manual §2.4): everything one session's review page shows, and access
 * to its recordings. HTTP-free; routes/report.routes.ts maps requests onto it.
 *
 * Recording files are found from their database row only: the client names a recording by
 * id, never a path. The row's relative path is resolved inside the recordings directory and
 * refused if it (or a symlink on the way) leads outside it.
 */
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Kysely } from 'kysely';
import {
  getExam,
  appendAction,
  getRecording,
  getSessionAssessment,
  getResultRow,
  listActionsForSession,
  listAttempts,
  listRecordings,
  listDeviceSegments,
  getDeviceSegment,
  listSessionRemovals,
  listSessionViolations,
  sessionHonestyBreakdown,
  type DB,
  type RecordingListItem,
} from '@proctor/db';
import { isDumpPath, resolveRecordingPath } from '@proctor/recorder';
import type { ReportRecording, SessionReport } from '../contract/api/report.ts';
import { DomainError } from '../domain/errors.ts';
import { assertSessionAccess } from '../domain/access.ts';
import type { ResultsService, StaffUser } from './results.service.ts';

export interface ReportServiceDeps {
  db: Kysely<DB>;
  /** Root of the recording files; null on a node that serves no recordings (API-only tests). */
  recordingsDir: string | null;
  /** The session's row as Results shows it (photo included). */
  results: Pick<ResultsService, 'toRow'>;
}

/** A recording the caller may read, ready to be streamed. */
export interface RecordingFile {
  file: string;
  size: number;
  contentType: string;
  /** For Content-Disposition when downloading, e.g. "attempt-2-screen.webm". */
  fileName: string;
}

const iso = (date: Date) => date.toISOString();
const isoOrNull = (date: Date | null) => date?.toISOString() ?? null;

const CONTENT_TYPES: Record<string, { audio: string; video: string }> = {
  '.webm': { audio: 'audio/webm', video: 'video/webm' },
  '.mkv': { audio: 'audio/x-matroska', video: 'video/x-matroska' },
};

export class ReportService {
  constructor(private readonly deps: ReportServiceDeps) {}

  async report(user: StaffUser, sessionId: string): Promise<SessionReport> {
    await assertSessionAccess(this.deps.db, user, sessionId);
    const { db } = this.deps;
    const [row, attempts, recordings, violations, actions, honesty, removals, assessment] = await Promise.all([
      getResultRow(db, sessionId),
      listAttempts(db, sessionId),
      listRecordings(db, sessionId),
      listSessionViolations(db, sessionId),
      listActionsForSession(db, sessionId),
      sessionHonestyBreakdown(db, sessionId),
      listSessionRemovals(db, sessionId),
      getSessionAssessment(db, sessionId),
    ]);
    const segments = await listDeviceSegments(db, sessionId);
    if (!row) throw noSuchSession();
    const threshold = honesty ? ((await getExam(db, row.examId))?.honestyThreshold ?? 0) : 0;
    const recordingsDeleted = removals.some((r) => r.kind === 'recordings');
    const tracks = await Promise.all(recordings.map((r) => this.describe(r, recordingsDeleted)));
    const deviceSegments = await Promise.all(
      segments.map(async (s) => {
        const file = await this.fileOf(s.path);
        const available = file ? await stat(file).then((st) => st.isFile() && st.size > 0, () => false) : false;
        return { id: s.id, source: s.source, startedAt: iso(s.startedAt), endedAt: iso(s.endedAt), sha256: s.sha256, bytes: s.bytes, available };
      }),
    );
    return {
      deviceSegments,
      assessmentWindowUsed: assessment?.assessmentWindowUsed ?? false,
      session: await this.deps.results.toRow(row),
      attempts: attempts.map((a) => ({
        id: a.id,
        number: a.number,
        startedAt: iso(a.startedAt),
        endedAt: isoOrNull(a.endedAt),
        endReason: a.endReason,
        recordings: tracks.filter((_, i) => recordings[i]!.attemptId === a.id),
      })),
      violations: violations.map((v) => ({
        id: v.id,
        type: v.type,
        category: v.category,
        startsAt: iso(v.startsAt),
        endsAt: isoOrNull(v.endsAt),
        source: v.source,
        attemptNumber: v.attemptNumber,
      })),
      actions: actions.map((a) => ({
        id: a.id,
        actorName: a.actorName,
        actorIin: a.actorIin,
        action: a.action,
        details: a.details,
        at: iso(a.at),
      })),
      honesty: honesty ? { ...honesty, threshold } : null,
      removals: removals.map((r) => ({ kind: r.kind, reason: r.reason, items: r.items, removedAt: iso(r.removedAt) })),
    };
  }

  /**
   * A recording the user may read (404 for an unknown id, a recording of an exam the proctor
   * is not assigned to, or a file that is not on disk). `download` appends "downloaded" to the audit log.
   */
  async openRecording(user: StaffUser, recordingId: string, opts: { download: boolean }): Promise<RecordingFile> {
    const { db } = this.deps;
    const recording = await getRecording(db, recordingId);
    if (!recording) throw new DomainError('not_found', 'There is no such recording.');
    await assertSessionAccess(this.deps.db, user, recording.sessionId);

    // A raw RTP dump is no media file a browser can play; the job makes the WebM from it.
    if (isDumpPath(recording.path)) {
      throw new DomainError('conflict', `The ${recording.source} recording is still being prepared for playback.`);
    }
    const file = await this.fileOf(recording.path);
    const size = file ? await stat(file).then((s) => (s.isFile() ? s.size : null), () => null) : null;
    if (!file || size === null) throw new DomainError('not_found', `The ${recording.source} recording file is missing on the server.`);

    const ext = path.extname(file);
    const contentType = CONTENT_TYPES[ext]?.[recording.kind] ?? 'application/octet-stream';
    const attemptNumber = (await listRecordings(db, recording.sessionId)).find((r) => r.id === recording.id)?.attemptNumber ?? 1;
    if (opts.download) {
      await appendAction(db, {
        actorUserId: user.id,
        actorName: user.fullName,
        actorIin: user.iin,
        sessionId: recording.sessionId,
        action: 'recording.downloaded',
        details: { recordingId: recording.id, source: recording.source, attemptNumber },
      });
    }
    return { file, size, contentType, fileName: `attempt-${attemptNumber}-${recording.source}${ext}` };
  }

  /** A device-recorded segment the user may read (404 like openRecording). */
  async openDeviceSegment(user: StaffUser, segmentId: string): Promise<RecordingFile> {
    const segment = await getDeviceSegment(this.deps.db, segmentId);
    if (!segment) throw new DomainError('not_found', 'There is no such device recording.');
    await assertSessionAccess(this.deps.db, user, segment.sessionId);
    const file = await this.fileOf(segment.path);
    const size = file ? await stat(file).then((s) => (s.isFile() ? s.size : null), () => null) : null;
    if (!file || size === null) throw new DomainError('not_found', 'The device recording file is missing on the server.');
    return { file, size, contentType: 'video/webm', fileName: `device-${segment.source}-${segment.startedAt.getTime()}.webm` };
  }

  private async describe(r: RecordingListItem, deleted: boolean): Promise<ReportRecording> {
    const file = await this.fileOf(r.path);
    const onDisk = file ? await stat(file).then((s) => s.isFile() && s.size > 0, () => false) : false;
    // A row still on its RTP dump (recorded without a live muxer) plays only once converted.
    const dump = isDumpPath(r.path);
    const gone = deleted ? 'deleted' : 'file_missing';
    const problem = dump
      ? onDisk ? (r.status === 'failed' ? 'not_converted' : 'preparing') : gone
      : r.status === 'failed' ? 'failed' : onDisk ? null : gone;
    return {
      id: r.id,
      source: r.source,
      kind: r.kind,
      status: r.status,
      startedAt: iso(r.startedAt),
      endedAt: isoOrNull(r.endedAt),
      durationMs: r.durationMs,
      bytes: r.bytes,
      // A failed finalise may still leave a playable file; a missing file or a dump is unplayable.
      available: onDisk && !dump,
      problem,
    };
  }

  /**
   * The absolute file of a row's path, or null when there is no recordings directory, the
   * path escapes it, or the file does not exist. realpath() follows symlinks, so a link
   * planted inside the directory cannot lead out of it either.
   */
  private async fileOf(relative: string): Promise<string | null> {
    const dir = this.deps.recordingsDir;
    if (!dir) return null;
    try {
      const root = await realpath(dir);
      const real = await realpath(resolveRecordingPath(root, relative));
      return real.startsWith(root + path.sep) ? real : null;
    } catch {
      return null;
    }
  }
}

const noSuchSession = () => new DomainError('not_found', 'There is no such exam session.');

/**
 * Finalising a stopped recording: make the file seekable, measure it, mark the row.
 *
 * ffmpeg writes cues and the duration only in the trailer. A clean stop writes it, but a
 * recorder killed with SIGKILL, or a media node that crashed, leaves a file without
 * either: players then cannot seek and ffprobe reports no duration. A `-c copy` remux
 * rewrites the whole file with cues and duration, cheaply (no decoding).
 *
 * The remux goes to a temporary file in the same directory (same filesystem, so the
 * rename is atomic), is probed, fsynced, and only then renamed over the original, then
 * the directory is fsynced. At every instant exactly one complete file exists under the
 * recorded name, so one file per recording is kept rather than two copies doubling the
 * disk use.
 *
 * A row whose file is an RTP dump (`.rtpdump`, recording without a process per track) is
 * converted instead (`finalise-dump.ts`): same temp-file-then-rename discipline, the row
 * then points at `<same name>.webm`, and the dump is deleted only after that.
 *
 * Failures are retried by the queue; only the last attempt marks the row failed,
 * because a failed row cannot become finalised any more.
 */
import { stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { getRecording, markFailed, markFinalised } from '@proctor/db';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import type { FfmpegPaths } from '../config.ts';
import { probe, run } from '../ffmpeg.ts';
import type { JobContext } from '../queue.ts';
import type { FinaliseRecordingPayload } from './types.ts';
import { DUMP_EXTENSION } from '../dump/rtp-dump-format.ts';
import { finaliseDump, removeConvertedDump } from './finalise-dump.ts';
import { commitFile, tempPathBeside } from './durable-file.ts';

export interface FinaliseDeps {
  db: Db;
  recordingsDir: string;
  ffmpeg: FfmpegPaths;
  logger: Logger;
}

export interface FinaliseOutcome {
  status: 'finalised' | 'skipped';
  /** The recording's session (the worker enqueues its snapshots once all are settled). */
  sessionId: string;
  durationMs?: number;
  bytes?: number;
}

/** Resolves a DB path (relative to the recordings root) and refuses anything outside it. */
export function resolveRecordingPath(recordingsDir: string, relative: string): string {
  const root = path.resolve(recordingsDir);
  const abs = path.resolve(root, relative);
  if (!abs.startsWith(root + path.sep)) throw new Error(`recording path escapes the recordings root: ${relative}`);
  return abs;
}

function formatFor(file: string): 'webm' | 'matroska' {
  return path.extname(file) === '.webm' ? 'webm' : 'matroska';
}

export async function finaliseRecording(
  deps: FinaliseDeps,
  payload: FinaliseRecordingPayload,
  ctx: JobContext,
): Promise<FinaliseOutcome> {
  const { db, logger } = deps;
  const log = logger.child({ recordingId: payload.recordingId, job: ctx.id, attempt: ctx.attempt });
  const row = await getRecording(db, payload.recordingId);
  if (!row) throw new UnrecoverableError(`recording ${payload.recordingId} does not exist`);
  if (row.status === 'finalised' || row.status === 'failed') {
    // A crash between marking the row and deleting its dump leaves the dump behind.
    if (row.status === 'finalised') await removeConvertedDump(resolveRecordingPath(deps.recordingsDir, row.path), log);
    log.info({ status: row.status }, 'finalise skipped: already settled');
    return { status: 'skipped', sessionId: row.sessionId };
  }
  // 'recording' means the writer has not stopped (or stop is mid-flight): try again later.
  if (row.status !== 'stopped') throw new Error(`recording ${row.id} is still ${row.status}`);

  let tmp: string | undefined;
  try {
    const file = resolveRecordingPath(deps.recordingsDir, row.path);
    const size = await stat(file).then((s) => s.size, () => -1);
    if (size <= 0) {
      const reason = size < 0 ? `recording file is missing: ${row.path}` : `recording file is empty: ${row.path}`;
      await markFailed(db, row.id, reason);
      throw new UnrecoverableError(reason);
    }

    if (path.extname(file) === DUMP_EXTENSION) {
      const done = await finaliseDump(deps, row, file, log);
      // The dump is gone and the row points at the WebM: nothing to clean up from here on.
      return { status: 'finalised', sessionId: row.sessionId, durationMs: done.durationMs, bytes: done.bytes };
    }

    const started = Date.now();
    tmp = tempPathBeside(file, 'finalise');
    const res = await run(
      deps.ffmpeg.ffmpeg,
      ['-nostdin', '-hide_banner', '-loglevel', 'error', '-y', '-i', file, '-map', '0', '-c', 'copy', '-f', formatFor(file), tmp],
      { timeoutMs: 10 * 60_000 },
    );
    if (res.code !== 0) throw new Error(`remux failed (exit ${res.code ?? res.signal}): ${res.stderr.trim().slice(-500)}`);

    const info = await probe(tmp, deps.ffmpeg.ffprobe);
    if (info.streams.length === 0) throw new Error('remuxed file has no streams');
    if (info.durationSec === null || info.durationSec <= 0) throw new Error('remuxed file has no duration');

    await commitFile(tmp, file);
    tmp = undefined;

    const bytes = (await stat(file)).size;
    const durationMs = Math.round(info.durationSec * 1000);
    const changed = await markFinalised(db, row.id, { durationMs, bytes });
    log.info({ durationMs, bytes, remuxMs: Date.now() - started, changed }, 'recording finalised');
    return { status: 'finalised', sessionId: row.sessionId, durationMs, bytes };
  } catch (error) {
    if (tmp) await unlink(tmp).catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    if (ctx.isFinalAttempt || error instanceof UnrecoverableError) {
      await markFailed(db, row.id, `finalise failed: ${message}`).catch((err: unknown) =>
        log.error({ err }, 'could not mark recording failed'),
      );
      log.error({ err: error }, 'finalise failed for good');
    } else {
      log.warn({ err: error }, 'finalise failed; will retry');
    }
    throw error;
  }
}

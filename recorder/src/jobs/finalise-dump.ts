/**
 * Finalising a recording written as an RTP dump: convert it to WebM beside it, verify the
 * WebM, point the row at it, then delete the dump.
 *
 *   <name>.rtpdump ─▶ .<name>.convert-<pid>-<t>.webm (niced worker thread)
 *                  ─▶ ffprobe: one stream of the right kind, duration ≈ the converter's
 *                  ─▶ fsync, rename to <name>.webm, fsync dir
 *                  ─▶ row: finalised, path <name>.webm, duration, bytes, started_at = first frame
 *                  ─▶ delete <name>.rtpdump
 *
 * The dump is the only copy of the recording until the row names a verified WebM, so it is
 * deleted last; a crash anywhere before leaves the row 'stopped' on its dump and the job
 * simply runs again (the WebM is rewritten). A crash after the row changed leaves an
 * orphan dump, removed when the job is re-run for the finalised row. A dump that cannot be
 * converted is kept (the row is marked failed, and retention removes it with the rest).
 */
import { rm, stat, unlink } from 'node:fs/promises';
import { markFailed, markFinalised } from '@proctor/db';
import type { Recording } from '@proctor/db';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import { DumpInputError, convertDumpOnThread } from '../dump/convert-thread.ts';
import { DUMP_EXTENSION } from '../dump/rtp-dump-format.ts';
import type { FfmpegPaths } from '../config.ts';
import { probe } from '../ffmpeg.ts';
import { commitFile, tempPathBeside } from './durable-file.ts';

export interface FinaliseDumpDeps {
  db: Db;
  recordingsDir: string;
  ffmpeg: FfmpegPaths;
}

/** Whether a recording's path is an RTP dump not converted yet (it cannot be played as it is). */
export function isDumpPath(recordingPath: string): boolean {
  return recordingPath.endsWith(DUMP_EXTENSION);
}

/** The converted file's path for a dump path (DB-relative or absolute): same name, `.webm`. */
export function webmPathOf(dumpPath: string): string {
  if (!dumpPath.endsWith(DUMP_EXTENSION)) throw new Error(`not an RTP dump path: ${dumpPath}`);
  return `${dumpPath.slice(0, -DUMP_EXTENSION.length)}.webm`;
}

/** A started_at more than this far from the row's is not believed (a broken clock in the dump). */
const MAX_START_SHIFT_MS = 60_000;
/** ffprobe's duration and the converter's may differ by the last frame's length at most. */
const MAX_DURATION_MISMATCH_MS = 500;

export async function finaliseDump(
  deps: FinaliseDumpDeps,
  row: Recording,
  dumpFile: string,
  log: Logger,
): Promise<{ durationMs: number; bytes: number }> {
  const webmFile = webmPathOf(dumpFile);
  const tmp = tempPathBeside(webmFile, 'convert');
  try {
    let result;
    try {
      result = await convertDumpOnThread(dumpFile, tmp);
    } catch (error) {
      // Bad input does not get better on retry.
      if (error instanceof DumpInputError) {
        const reason = `the RTP dump cannot be converted: ${error.message}`;
        await markFailed(deps.db, row.id, reason);
        throw new UnrecoverableError(reason);
      }
      throw error;
    }
    const info = await probe(tmp, deps.ffmpeg.ffprobe);
    if (info.streams.length !== 1 || info.streams[0]!.codecType !== row.kind) {
      throw new Error(`converted file has streams ${JSON.stringify(info.streams)}, expected one ${row.kind} stream`);
    }
    if (info.durationSec === null || Math.abs(info.durationSec * 1000 - result.durationMs) > MAX_DURATION_MISMATCH_MS) {
      throw new Error(`converted file reads as ${info.durationSec} s, the converter wrote ${result.durationMs} ms`);
    }
    await commitFile(tmp, webmFile);

    const bytes = (await stat(webmFile)).size;
    const shift = result.startedAtMs - row.startedAt.getTime();
    const startedAt = Math.abs(shift) <= MAX_START_SHIFT_MS ? new Date(Math.round(result.startedAtMs)) : undefined;
    if (!startedAt) log.warn({ shiftMs: shift }, 'converted start is far from the row\'s start; started_at kept');
    const relative = webmPathOf(row.path);
    const changed = await markFinalised(deps.db, row.id, { durationMs: result.durationMs, bytes, path: relative, ...(startedAt ? { startedAt } : {}) });
    if (changed) await unlink(dumpFile).catch((err: unknown) => log.warn({ err }, 'could not delete the converted dump'));
    log.info(
      {
        durationMs: result.durationMs, bytes, cpuMs: Math.round(result.cpuMs), wallMs: Math.round(result.wallMs),
        startShiftMs: Math.round(shift), clock: result.clock, resolutions: result.resolutions, stats: result.stats, changed,
      },
      'recording converted from its RTP dump',
    );
    return { durationMs: result.durationMs, bytes };
  } finally {
    await rm(tmp, { force: true });
  }
}

/** Deletes `<name>.rtpdump` next to a finalised `<name>.webm` (a crash came between the two steps). */
export async function removeConvertedDump(webmFile: string, log: Logger): Promise<void> {
  if (!webmFile.endsWith('.webm')) return;
  const dump = `${webmFile.slice(0, -'.webm'.length)}${DUMP_EXTENSION}`;
  const webmThere = await stat(webmFile).then((s) => s.size > 0, () => false);
  if (!webmThere) return;
  await unlink(dump).then(
    () => log.info({ dump }, 'deleted an RTP dump left behind after its conversion'),
    () => {},
  );
}

/**
 * The jobs process side: consumes the queues this package defines.
 *
 * On start it also re-enqueues every recording left 'stopped' (its enqueue may have
 * failed, e.g. Redis was down at the moment of stop, or crash recovery just stopped it);
 * job ids are per recording, so a job that is already queued is not duplicated.
 */
import type { Logger } from 'pino';
import type { Db } from '../db.ts';
import { type FfmpegPaths, resolveFfmpeg } from '../ffmpeg.ts';
import type { JobQueue } from '../queue.ts';
import { finaliseRecording } from './finalise-recording.ts';
import { QUEUES, finaliseJobId } from './types.ts';

export interface StartJobWorkersOptions {
  db: Db;
  queue: JobQueue;
  recordingsDir: string;
  logger: Logger;
  /** Default: resolveFfmpeg() (throws at start-up when ffmpeg is missing). */
  ffmpeg?: FfmpegPaths;
  /** Parallel finalise jobs. A -c copy remux is disk-bound; default 2. */
  concurrency?: number;
  /** Re-enqueue recordings left 'stopped'. Default true. */
  requeueStopped?: boolean;
}

export interface JobWorkers {
  close(): Promise<void>;
}

/** Enqueues a finalise job for every 'stopped' recording; returns how many were found. */
export async function requeueStoppedRecordings(db: Db, queue: JobQueue): Promise<number> {
  const rows = await db.selectFrom('recordings').select('id').where('status', '=', 'stopped').execute();
  for (const { id } of rows) {
    await queue.add(QUEUES.finaliseRecording, { recordingId: id }, { jobId: finaliseJobId(id) });
  }
  return rows.length;
}

export async function startJobWorkers(opts: StartJobWorkersOptions): Promise<JobWorkers> {
  const ffmpeg = opts.ffmpeg ?? resolveFfmpeg();
  const logger = opts.logger.child({ component: 'jobs' });
  const deps = { db: opts.db, recordingsDir: opts.recordingsDir, ffmpeg, logger };

  const finalise = opts.queue.process(
    QUEUES.finaliseRecording,
    async (data, ctx) => {
      await finaliseRecording(deps, data, ctx);
    },
    { concurrency: opts.concurrency ?? 2 },
  );

  if (opts.requeueStopped ?? true) {
    const n = await requeueStoppedRecordings(opts.db, opts.queue);
    if (n > 0) logger.info({ count: n }, 're-enqueued stopped recordings for finalising');
  }

  return {
    close: () => finalise.close(),
  };
}

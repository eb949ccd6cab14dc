/**
 * Recording of candidate producers on a media node: one StreamRecorder and one
 * `recordings` row per producer, and a finalise job once the file is closed.
 *
 * Row life: 'recording' (start) → 'stopped' (file closed, bytes known) → 'finalised'
 * (jobs process) | 'failed' (recorder crashed, wrote nothing, or finalising failed).
 *
 * A recording problem must not break the exam: apart from the database insert in
 * start() (without a row there is nothing to record into), nothing here throws into
 * the caller. A recorder that cannot start or that dies marks its row failed, logs it
 * and emits 'failed' for whoever wants to tell the proctor.
 */
import { EventEmitter } from 'node:events';
import { unlink } from 'node:fs/promises';
import {
  type RecordingSource,
  createRecording,
  markFailed,
  stopOpenRecordingsOnNode,
  stopRecording,
} from '@proctor/db';
import type * as ms from 'mediasoup/types';
import type { Logger } from 'pino';
import type { Db } from './db.ts';
import { resolveFfmpeg } from './ffmpeg.ts';
import { resolveRecordingPath } from './jobs/finalise-recording.ts';
import { QUEUES, finaliseJobId } from './jobs/types.ts';
import type { PortPool } from './port-pool.ts';
import type { JobQueue } from './queue.ts';
import { containerFor, mediaCodecOf } from './sdp.ts';
import { StreamRecorder, type StreamRecorderOptions } from './stream-recorder.ts';

export interface RecordingServiceOptions {
  db: Db;
  /** Root directory; rows store paths relative to it. */
  recordingsDir: string;
  queue: JobQueue;
  logger: Logger;
  /** Default: resolveFfmpeg().ffmpeg, resolved in the constructor (fails fast when missing). */
  ffmpegPath?: string;
  portPool?: PortPool;
  recorder?: Partial<Pick<StreamRecorderOptions, 'keyframeRequestIntervalMs' | 'quitGraceMs' | 'killTimeoutMs' | 'readyTimeoutMs'>>;
}

export interface StartRecordingInput {
  router: ms.Router;
  producer: ms.Producer;
  sessionId: string;
  examId: string;
  attemptId: string;
  attemptNumber: number;
  source: RecordingSource;
}

export interface RecordingFailure {
  recordingId: string;
  producerId: string;
  source: RecordingSource;
  error: string;
}

interface RecordingServiceEvents {
  failed: [RecordingFailure];
  stopped: [{ recordingId: string; producerId: string; bytes: number }];
}

interface Entry {
  producerId: string;
  source: RecordingSource;
  recordingId?: string;
  recorder?: StreamRecorder;
  /** Resolves to the row id (even when the recorder failed to start). */
  started: Promise<string>;
  stopping?: Promise<void>;
}

const SAFE_SEGMENT = /^[A-Za-z0-9_-]+$/;
const ENQUEUE_TIMEOUT_MS = 10_000;

/** 2025-05-01T09:30:00.123Z → 20250501T093000123Z: sortable, no ':' (Windows, URLs). */
export function fileTimestamp(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

export function recordingRelativePath(input: {
  examId: string;
  sessionId: string;
  attemptNumber: number;
  source: RecordingSource;
  startedAt: Date;
  extension: string;
}): string {
  for (const [name, value] of [['examId', input.examId], ['sessionId', input.sessionId]] as const) {
    if (!SAFE_SEGMENT.test(value)) throw new Error(`${name} is not safe in a path: ${JSON.stringify(value)}`);
  }
  if (!Number.isInteger(input.attemptNumber) || input.attemptNumber < 1) {
    throw new Error(`attemptNumber must be a positive integer, got ${input.attemptNumber}`);
  }
  return `${input.examId}/${input.sessionId}/attempt-${input.attemptNumber}/${input.source}-${fileTimestamp(input.startedAt)}${input.extension}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export class RecordingService extends EventEmitter<RecordingServiceEvents> {
  private readonly db: Db;
  private readonly recordingsDir: string;
  private readonly queue: JobQueue;
  private readonly logger: Logger;
  private readonly ffmpegPath: string;
  private readonly opts: RecordingServiceOptions;
  private readonly entries = new Map<string, Entry>();
  private shuttingDown = false;

  constructor(opts: RecordingServiceOptions) {
    super();
    this.opts = opts;
    this.db = opts.db;
    this.recordingsDir = opts.recordingsDir;
    this.queue = opts.queue;
    this.logger = opts.logger.child({ component: 'recording' });
    this.ffmpegPath = opts.ffmpegPath ?? resolveFfmpeg().ffmpeg;
  }

  /** Producers being recorded right now. */
  get activeCount(): number {
    return this.entries.size;
  }

  isRecording(producerId: string): boolean {
    return this.entries.has(producerId);
  }

  /** The live recorder of a producer (diagnostics, tests). */
  recorderOf(producerId: string): StreamRecorder | undefined {
    return this.entries.get(producerId)?.recorder;
  }

  /**
   * Starts recording a producer and returns its recording id. Starting a producer that
   * is already being recorded returns the existing id. If the recorder cannot start,
   * the row is marked failed and its id is still returned ('failed' is emitted).
   */
  start(input: StartRecordingInput): Promise<string> {
    if (this.shuttingDown) return Promise.reject(new Error('recording service is shutting down'));
    const existing = this.entries.get(input.producer.id);
    if (existing) return existing.started;

    const entry: Entry = { producerId: input.producer.id, source: input.source, started: Promise.resolve('') };
    this.entries.set(input.producer.id, entry);
    entry.started = this.doStart(entry, input);
    return entry.started;
  }

  private async doStart(entry: Entry, input: StartRecordingInput): Promise<string> {
    const { producer, router } = input;
    const startedAt = new Date();
    let recordingId: string;
    let outputPath: string;
    const mimeType = mediaCodecOf(producer.rtpParameters).mimeType;
    try {
      const relative = recordingRelativePath({
        examId: input.examId,
        sessionId: input.sessionId,
        attemptNumber: input.attemptNumber,
        source: input.source,
        startedAt,
        extension: containerFor(mimeType).extension,
      });
      outputPath = resolveRecordingPath(this.recordingsDir, relative);
      recordingId = await createRecording(this.db, {
        attemptId: input.attemptId,
        source: input.source,
        kind: producer.kind,
        codec: mimeType,
        path: relative,
        startedAt,
      });
    } catch (error) {
      this.entries.delete(producer.id);
      throw error;
    }
    entry.recordingId = recordingId;
    const log = this.logger.child({ recordingId, producerId: producer.id, source: input.source });

    try {
      entry.recorder = await StreamRecorder.start({
        router,
        producer,
        outputPath,
        ffmpegPath: this.ffmpegPath,
        logger: log,
        ...(this.opts.portPool ? { portPool: this.opts.portPool } : {}),
        ...this.opts.recorder,
      });
    } catch (error) {
      this.entries.delete(producer.id);
      await this.fail(entry, `recorder failed to start: ${errorMessage(error)}`, log);
      return recordingId;
    }

    entry.recorder.on('error', (error) => {
      // Died on its own: the row fails; a later stop() finds no entry and does nothing.
      if (this.entries.get(producer.id) === entry && !entry.stopping) this.entries.delete(producer.id);
      void this.fail(entry, errorMessage(error), log);
    });
    // Producer closed (candidate left, transport gone) or router closed: close the file.
    entry.recorder.on('sourceclose', (reason) => {
      log.info({ reason }, 'source closed; stopping recording');
      void this.stop(producer.id);
    });
    return recordingId;
  }

  private async fail(entry: Entry, error: string, log: Logger): Promise<void> {
    log.error({ error }, 'recording failed');
    if (entry.recordingId) {
      await markFailed(this.db, entry.recordingId, error).catch((err: unknown) =>
        log.error({ err }, 'could not mark recording failed'),
      );
      this.emit('failed', { recordingId: entry.recordingId, producerId: entry.producerId, source: entry.source, error });
    }
  }

  /**
   * Stops recording a producer: closes the file, marks the row stopped with its size and
   * enqueues finalising. Unknown or already stopped producers are ignored; concurrent
   * calls share one stop. Never rejects.
   */
  stop(producerId: string): Promise<void> {
    const entry = this.entries.get(producerId);
    if (!entry) return Promise.resolve();
    entry.stopping ??= this.doStop(entry).finally(() => {
      if (this.entries.get(producerId) === entry) this.entries.delete(producerId);
    });
    return entry.stopping;
  }

  private async doStop(entry: Entry): Promise<void> {
    const recordingId = await entry.started.catch(() => undefined);
    const recorder = entry.recorder;
    if (!recordingId || !recorder) return; // never started; start() already reported why
    const log = this.logger.child({ recordingId, producerId: entry.producerId, source: entry.source });
    try {
      const result = await recorder.stop();
      if (result.bytes === 0) {
        // Stopped before ffmpeg got decodable media (e.g. no keyframe ever arrived).
        await unlink(recorder.outputPath).catch(() => {});
        await this.fail(entry, 'no media was recorded', log);
        return;
      }
      await stopRecording(this.db, recordingId, { endedAt: result.endedAt, bytes: result.bytes });
      this.emit('stopped', { recordingId, producerId: entry.producerId, bytes: result.bytes });
    } catch (error) {
      await this.fail(entry, `stopping failed: ${errorMessage(error)}`, log);
      return;
    }
    await this.enqueueFinalise(recordingId, log);
  }

  /**
   * Bounded: with Redis down, BullMQ/ioredis queue the command until it is back, and a
   * stop (or shutdown) must not hang on that. A row left 'stopped' is re-enqueued by the
   * jobs process when it starts.
   */
  private async enqueueFinalise(recordingId: string, log: Logger): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`queue did not answer within ${ENQUEUE_TIMEOUT_MS} ms`)), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        this.queue.add(QUEUES.finaliseRecording, { recordingId }, { jobId: finaliseJobId(recordingId) }),
        timeout,
      ]);
    } catch (error) {
      log.error({ err: error }, 'could not enqueue finalising; the row stays stopped');
    } finally {
      clearTimeout(timer);
    }
  }

  /** Stops every recording (shutdown); later start() calls are refused. */
  async stopAll(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id)));
  }

  /**
   * Crash recovery, called once when a media node starts: rows this node left in
   * 'recording' become 'stopped' and are queued for finalising (which fails them if no
   * usable file exists). Returns how many were recovered.
   */
  async recoverInterrupted(nodeId: string): Promise<number> {
    const rows = await stopOpenRecordingsOnNode(this.db, nodeId, new Date());
    for (const row of rows) await this.enqueueFinalise(row.id, this.logger.child({ recordingId: row.id }));
    if (rows.length > 0) this.logger.warn({ count: rows.length, nodeId }, 'recovered interrupted recordings');
    return rows.length;
  }
}

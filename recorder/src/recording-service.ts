/**
 * Recording of candidate producers on a media node: one `recordings` row and one RTP dump
 * per producer (tap/rtp-tap.ts: no process per track), and a finalise job once the dump is
 * closed, which converts it to WebM beside it (same name, `.webm`).
 *
 * Recording observes the room: `observe(rooms)` subscribes to the rooms' producerAdded /
 * producerClosed, so the media handshake never starts or stops a recording itself, and
 * there is one stop path: producer closed → track closed (dump flushed, fsynced) → row
 * 'stopped' → finalise job enqueued. `start`/`stop` stay public for the bench and tests.
 *
 * Holes (#12): when a track that is being recorded gets no media for a while (the candidate's
 * link dropped and came back on the same producer, or the stream stalled) the tap reports
 * the span once the media is back, and a silent tail is found at the stop; each becomes a
 * recording_gaps row, which the "missing spans" answer to the candidate's page subtracts, so
 * the page uploads its own recording of exactly that time.
 *
 * Row life: 'recording' (start) → 'stopped' (dump closed, bytes known) → 'finalised'
 * (jobs process) | 'failed' (tap could not start, nothing recorded, or finalising failed).
 *
 * A recording problem must not break the exam: apart from the database insert in
 * start() (without a row there is nothing to record into), nothing here throws into
 * the caller. A track that cannot start marks its row failed, logs it and emits 'failed'.
 */
import { EventEmitter } from 'node:events';
import { readFile, stat, unlink } from 'node:fs/promises';
import {
  type RecordingSource,
  addRecordingGap,
  createRecording,
  markFailed,
  retryWhileUnavailable,
  settleRecoveredRecording,
  stopOpenRecordingsOnNode,
  stopRecording,
} from '@proctor/db';
import type * as ms from 'mediasoup/types';
import type { Logger } from 'pino';
import type { Db } from './db.ts';
import { DUMP_EXTENSION, parseDumpHeader, readDumpRecords } from './dump/rtp-dump-format.ts';
import { resolveRecordingPath } from './jobs/finalise-recording.ts';
import { QUEUES, finaliseJobId } from './jobs/types.ts';
import type { JobQueue } from './queue.ts';
import type { TapHostMode } from './tap/tap-host.ts';
import { mediaCodecOf, RtpTap, type TapTrack } from './tap/rtp-tap.ts';

export interface RecordingServiceOptions {
  db: Db;
  /** Root directory; rows store paths relative to it. */
  recordingsDir: string;
  queue: JobQueue;
  logger: Logger;
  /** Where each worker's tap receives: its own thread (default) or this one (RECORDER_TAP). */
  tapMode?: TapHostMode;
}

export interface StartRecordingInput {
  router: ms.Router;
  /** The mediasoup worker the router lives on (tracks of one worker share one tap); default 0. */
  workerIndex?: number;
  producer: ms.Producer;
  sessionId: string;
  examId: string;
  attemptId: string;
  attemptNumber: number;
  source: RecordingSource;
}

/** The part of RoomRegistry (or one ExamRoom) the recorder observes. */
export interface ProducerSource {
  on(event: 'producerAdded', fn: (e: StartRecordingInput & { workerIndex: number }) => void): unknown;
  on(event: 'producerClosed', fn: (e: { producerId: string }) => void): unknown;
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
  track?: TapTrack;
  /** Resolves to the row id (even when the track failed to start). */
  started: Promise<string>;
  stopping?: Promise<void>;
}

const ENQUEUE_TIMEOUT_MS = 10_000;
/**
 * A row written at the end of a track (stopped / failed) while the database is away
 * (restarting, failing over) is retried this long; after that the row stays 'recording' and the next start of this node settles it
 * from its dump (recoverInterrupted).
 */
const ROW_RETRY_MS = 60_000;

/**
 * How long a track may go without RTP before that is a hole. The camera sends without pause;
 * the microphone's Opus DTX sends one packet per 400 ms in silence; a still screen may send
 * one frame a second (Chromium repeats an idle screen frame about once a second), so only
 * longer pauses are holes there.
 */
export const HOLE_MS_BY_SOURCE: Record<RecordingSource, number> = { camera: 500, microphone: 1000, screen: 1500 };

const SAFE_SEGMENT = /^[A-Za-z0-9_-]+$/;


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
  private readonly tap: RtpTap;
  private readonly entries = new Map<string, Entry>();
  private shuttingDown = false;

  constructor(opts: RecordingServiceOptions) {
    super();
    this.db = opts.db;
    this.recordingsDir = opts.recordingsDir;
    this.queue = opts.queue;
    this.logger = opts.logger.child({ component: 'recording' });
    this.tap = new RtpTap({ ...(opts.tapMode ? { mode: opts.tapMode } : {}), onHole: (h) => void this.saveGap(h.recordingId, h.fromMs, h.toMs) });
  }

  /** A hole in a running recording: stored for the missing-spans answer; a failure only logs. */
  private async saveGap(recordingId: string, fromMs: number, toMs: number): Promise<void> {
    try {
      await addRecordingGap(this.db, { recordingId, startedAt: new Date(fromMs), endedAt: new Date(toMs) });
      this.logger.info({ recordingId, from: new Date(fromMs).toISOString(), ms: toMs - fromMs }, 'recording hole');
    } catch (err) {
      this.logger.error({ err, recordingId }, 'could not store a recording hole');
    }
  }

  /** Records every producer the rooms announce and stops it when they announce its close. */
  observe(rooms: ProducerSource): void {
    rooms.on('producerAdded', (e) => {
      void this.start(e).catch((err: unknown) => this.logger.error({ err, sessionId: e.sessionId }, 'recording did not start'));
    });
    rooms.on('producerClosed', (e) => void this.stop(e.producerId));
  }

  /** Producers being recorded right now. */
  get activeCount(): number {
    return this.entries.size;
  }

  isRecording(producerId: string): boolean {
    return this.entries.has(producerId);
  }

  /** The live track of a producer: its dump and when it started (metrics, tests). */
  recorderOf(producerId: string): { outputPath: string; startedAt: Date; ssrc: number } | undefined {
    const track = this.entries.get(producerId)?.track;
    return track && { outputPath: track.file, startedAt: track.startedAt, ssrc: track.ssrc };
  }

  /** Receive counters of each worker's tap (bench, diagnostics). */
  tapStats() {
    return this.tap.stats();
  }

  get tapMode(): TapHostMode {
    return this.tap.mode;
  }

  /**
   * Starts recording a producer and returns its recording id. Starting a producer that
   * is already being recorded returns the existing id. If the track cannot start,
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
    try {
      const mimeType = mediaCodecOf(producer.rtpParameters).mimeType;
      const relative = recordingRelativePath({
        examId: input.examId,
        sessionId: input.sessionId,
        attemptNumber: input.attemptNumber,
        source: input.source,
        startedAt,
        extension: DUMP_EXTENSION,
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
    if (producer.closed || entry.stopping) {
      // Gone while the row was being written: nothing to consume; stop() settles the row.
      await this.fail(entry, 'the stream closed before recording started', log);
      this.entries.delete(producer.id);
      return recordingId;
    }
    try {
      entry.track = await this.tap.record({
        router,
        workerIndex: input.workerIndex ?? 0,
        producer,
        recordingId,
        file: outputPath,
        startedAt,
        holeMs: HOLE_MS_BY_SOURCE[input.source],
      });
      log.debug({ ssrc: entry.track.ssrc, file: outputPath }, 'recording started');
    } catch (error) {
      this.entries.delete(producer.id);
      await this.fail(entry, `recording tap failed to start: ${errorMessage(error)}`, log);
    }
    return recordingId;
  }

  private async fail(entry: Entry, error: string, log: Logger): Promise<void> {
    log.error({ error }, 'recording failed');
    if (entry.recordingId) {
      await retryWhileUnavailable(() => markFailed(this.db, entry.recordingId!, error), ROW_RETRY_MS).catch((err: unknown) =>
        log.error({ err }, 'could not mark recording failed'),
      );
      this.emit('failed', { recordingId: entry.recordingId, producerId: entry.producerId, source: entry.source, error });
    }
  }

  /**
   * Stops recording a producer: closes its dump, marks the row stopped with its size and
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
    // The end of the content is now: the producer has just closed (or shutdown).
    const endedAt = new Date();
    const recordingId = await entry.started.catch(() => undefined);
    const track = entry.track;
    if (!recordingId || !track) return; // never started; start() already reported why
    const log = this.logger.child({ recordingId, producerId: entry.producerId, source: entry.source });
    try {
      const result = await track.stop();
      if (result.error) log.error({ error: result.error, file: track.file }, 'the dump had write errors; keeping what was written');
      if (result.droppedRecords > 0) log.warn({ dropped: result.droppedRecords }, 'records dropped while the disk lagged');
      if (result.rtpRecords === 0) {
        await unlink(track.file).catch(() => {});
        await this.fail(entry, 'no media was recorded', log);
        return;
      }
      // Media stopped arriving a while before the stop: a silent tail is a hole too.
      if (result.lastRtpAtMs !== null && endedAt.getTime() - result.lastRtpAtMs > HOLE_MS_BY_SOURCE[entry.source]) {
        await this.saveGap(recordingId, result.lastRtpAtMs, endedAt.getTime());
      }
      // The dump is complete on disk; the row must say so even if the database is restarting now.
      await retryWhileUnavailable(() => stopRecording(this.db, recordingId, { endedAt, bytes: result.bytes }), ROW_RETRY_MS);
      log.debug({ bytes: result.bytes, packets: result.rtpRecords, nacks: result.nacksSent, plis: result.plisSent, lost: result.lostPackets }, 'recording stopped');
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

  /** Stops every recording (shutdown) and the taps; later start() calls are refused. */
  async stopAll(): Promise<void> {
    this.shuttingDown = true;
    await Promise.all([...this.entries.keys()].map((id) => this.stop(id)));
    await this.tap.close();
  }

  /**
   * Crash recovery, called once when a media node starts: rows this node left in
   * 'recording' become 'stopped', their dumps are kept (everything flushed up to the
   * crash, i.e. all but the last ≤ 1 s), the row's end and size are taken from the dump
   * (its last record), and they are queued for conversion. A row without a usable dump
   * fails. Returns how many were recovered.
   */
  async recoverInterrupted(nodeId: string): Promise<number> {
    const rows = await stopOpenRecordingsOnNode(this.db, nodeId, new Date());
    for (const row of rows) {
      const log = this.logger.child({ recordingId: row.id });
      const end = await dumpEnd(resolveRecordingPath(this.recordingsDir, row.path)).catch((e: unknown) => errorMessage(e));
      if (typeof end === 'string') {
        await markFailed(this.db, row.id, `interrupted recording has no usable dump: ${end}`);
        continue;
      }
      await settleRecoveredRecording(this.db, row.id, end);
      await this.enqueueFinalise(row.id, log);
    }
    if (rows.length > 0) this.logger.warn({ count: rows.length, nodeId }, 'recovered interrupted recordings');
    return rows.length;
  }
}

/** Size and the wall-clock time of the last whole record of a dump cut short by a crash. */
async function dumpEnd(file: string): Promise<{ endedAt: Date; bytes: number }> {
  const buf = await readFile(file);
  const { header, bodyOffset } = parseDumpHeader(buf);
  let last = -1;
  for (const r of readDumpRecords(buf, bodyOffset)) if (r.kind === 1) last = r.arrivalMs;
  if (last < 0) throw new Error('no RTP packet in it');
  const { size } = await stat(file);
  return { endedAt: new Date(header.startedAtMs + last), bytes: size };
}

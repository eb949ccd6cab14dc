/**
 * FULL: the product's media path for synthetic candidates, built from the same classes
 * the media node uses (WorkerPool, RoomRegistry, ExamRoom placement and pipeToRouter,
 * RecordingService + StreamRecorder with a real database and job queue), in the order
 * signaling's MediaService drives them:
 *
 *   per exam room: candidates join (attempt row, session started) and publish camera +
 *   screen, each candidate placed on the least-loaded worker (placeCandidate()), each
 *   producer recorded there (ffmpeg -c copy to WebM) → a proctor joins: one placeProctor()
 *   placement, each producer piped there from its own worker (unless it lives there) and
 *   consumed.
 *
 * Only the transports differ: plain RTP instead of WebRTC (no ICE/DTLS/SRTP), so the
 * candidates' ingest and the proctor's egress use PlainTransports on the routers that
 * ExamRoom chose. Rooms hold `roomSize` candidates; each room is its own exam.
 *
 * After the window the candidates leave (ingest closed → producers close → recordings
 * stop and enqueue finalising, as in the product), then — unless disabled — the
 * product's finalise jobs run (outside the measurement) and the finalised files are
 * checked for gaps.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type * as ms from 'mediasoup/types';
import type { Logger } from 'pino';
import {
  createExam,
  endAttempt,
  ensureDiscipline,
  ensureExamSession,
  getRecording,
  markStarted,
  seedMediaDemo,
  startAttempt,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import {
  type JobQueue,
  type JobWorkers,
  PortPool,
  RecordingService,
  createJobQueue,
  resolveFfmpeg,
  resolveRecordingPath,
  startJobWorkers,
} from '@proctor/recorder';
import { type ExamRoom, type MediaConfig, RoomRegistry, WorkerPool } from '@proctor/sfu';
import type { Source } from './encode.ts';
import { readIvf } from './ivf.ts';
import type { GeneratorReport, StreamPlan } from './protocol.ts';
import { type RecordingCheck, type RecordingToCheck, checkRecordings } from './recording-gaps.ts';
import type { SetupResult, SfuPids, SfuUnderTest } from './sfu-under-test.ts';
import { SocketLabels } from './socket-labels.ts';
import {
  consumeToSink,
  consumerSsrc,
  createEgressTransport,
  createIngestTransport,
  mapLimit,
  producerRtpParameters,
  streamPlans,
} from './streams.ts';

export interface FullOptions {
  candidates: number;
  roomSize: number;
  finalise: boolean;
  /** Keep the recordings directory (its path is logged). */
  keep: boolean;
  /** The IVF clips the generator plays (to locate recorded frames in them). */
  clips: Record<Source, string>;
  logger: Logger;
  log: (line: string) => void;
}

interface CandidateState {
  index: number;
  sessionId: string;
  attemptId: string;
  ingest: ms.PlainTransport;
  workerIndex: number;
  producers: { plan: StreamPlan; producer: ms.Producer; recordingId: string }[];
}

const NODE_ID = 'bench-media';
const BENCH_RECORDER_PORTS = { min: 52000, max: 57999 };
/** Candidates joining at once: 2 (the cores) keeps ffmpeg start-up inside the recorder's ready timeout on a busy machine. */
const JOIN_CONCURRENCY = 2;

export async function startFull(cfg: MediaConfig, opts: FullOptions): Promise<SfuUnderTest> {
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const fn of closers.splice(0).reverse()) await fn().catch((e: unknown) => opts.log(`[full] cleanup: ${String(e)}`));
  };
  try {
    const pool = await WorkerPool.start(cfg);
    closers.push(() => pool.close());
    const labels = new SocketLabels();
    for (let i = 0; i < pool.size; i++) {
      const w = pool.get(i);
      if (w) labels.watch(w);
    }
    const registry = new RoomRegistry(pool, cfg);
    closers.push(async () => registry.closeAll());

    const tdb: TestDatabase = await createTestDatabase();
    closers.push(() => tdb.drop());
    // BullMQ's PostgreSQL backend inside the test database: dropped with it, nothing left behind.
    const queue: JobQueue = createJobQueue({ postgresUrl: tdb.url, namespace: 'bench_media', logger: opts.logger });
    closers.push(() => queue.close());

    const recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    closers.push(async () => {
      if (opts.keep) opts.log(`[full] recordings kept in ${recordingsDir}`);
      else await rm(recordingsDir, { recursive: true, force: true });
    });
    // The recorder's own port range, away from its default 45000–49999: other programs on
    // this machine (test runs, a demo media node) start their PortPool cursors at 45000 too,
    // and two processes probing the same free pair at once both hand it to an ffmpeg.
    const portPool = new PortPool({ min: BENCH_RECORDER_PORTS.min, max: BENCH_RECORDER_PORTS.max });
    // Load ffmpeg's libraries into the page cache once, so the first recorders' start-up
    // (bounded by the recorder's 5 s ready timeout) does not include cold disk reads.
    execFileSync(resolveFfmpeg().ffmpeg, ['-hide_banner', '-version'], { stdio: 'ignore' });
    const recordings = new RecordingService({ db: tdb.db, recordingsDir, queue, logger: opts.logger, portPool });
    closers.push(() => recordings.stopAll());

    return makeFull(cfg, opts, { labels, pool, registry, tdb, queue, recordingsDir, recordings, close });
  } catch (error) {
    await close();
    throw error;
  }
}

interface Parts {
  labels: SocketLabels;
  pool: WorkerPool;
  registry: RoomRegistry;
  tdb: TestDatabase;
  queue: JobQueue;
  recordingsDir: string;
  recordings: RecordingService;
  close: () => Promise<void>;
}

function makeFull(cfg: MediaConfig, opts: FullOptions, parts: Parts): SfuUnderTest {
  const { pool, registry, tdb, queue, recordingsDir, recordings } = parts;
  const db = tdb.db;
  const portRange = { min: cfg.rtcMinPort, max: cfg.rtcMaxPort };
  const candidates: CandidateState[] = [];

  /** Exam ids and session ids per room: room 0 is the seeded exam, others are created beside it. */
  async function seedRooms(): Promise<{ examId: string; sessionIds: string[] }[]> {
    const demo = await seedMediaDemo(db, { candidates: opts.candidates });
    const rows = await db.selectFrom('examSessions').select(['id', 'candidateId']).where('examId', '=', demo.examId).execute();
    const bySession = new Map(rows.map((r) => [r.id, r.candidateId]));
    const sessions = demo.sessions.map((s) => s.sessionId);
    const disciplineId = await ensureDiscipline(db, 'Экология');
    const now = Date.now();
    const rooms: { examId: string; sessionIds: string[] }[] = [];
    for (let start = 0, r = 0; start < sessions.length; start += opts.roomSize, r++) {
      const chunk = sessions.slice(start, start + opts.roomSize);
      if (r === 0) {
        rooms.push({ examId: demo.examId, sessionIds: chunk });
        continue;
      }
      const examId = await createExam(db, {
        name: `bench:media room ${r}`,
        disciplineId,
        startsAt: new Date(now - 3_600_000),
        endsAt: new Date(now + 3 * 3_600_000),
        proctoringMode: 'online',
      });
      const sessionIds = [];
      for (const s of chunk) sessionIds.push(await ensureExamSession(db, examId, bySession.get(s)!));
      rooms.push({ examId, sessionIds });
    }
    return rooms;
  }

  /** candidate:join + transport + produce ×2, each recorded (MediaService.candidateJoin/produce). */
  async function joinCandidate(room: ExamRoom, examId: string, sessionId: string, index: number): Promise<CandidateState> {
    const now = new Date();
    const attempt = await startAttempt(db, { sessionId, nodeId: NODE_ID, at: now });
    await markStarted(db, sessionId, now);
    // transport:create(send): the candidate's placement holds its load until the ingest closes.
    const placed = await room.placeCandidate();
    const ingest = await createIngestTransport(placed.router, portRange, { candidate: index, direction: 'send' });
    ingest.observer.once('close', placed.release);
    const state: CandidateState = { index, sessionId, attemptId: attempt.id, ingest, workerIndex: placed.workerIndex, producers: [] };
    for (const plan of streamPlans(index)) {
      const producer = await ingest.produce({
        kind: 'video',
        rtpParameters: producerRtpParameters(plan),
        appData: { source: plan.source, sessionId },
      });
      room.adoptProducer(producer, placed);
      const recordingId = await recordings.start({
        router: placed.router,
        producer,
        sessionId,
        examId,
        attemptId: attempt.id,
        attemptNumber: attempt.number,
        source: plan.source,
      });
      state.producers.push({ plan, producer, recordingId });
    }
    return state;
  }

  return {
    name: 'full',
    labels: parts.labels,
    pids(): SfuPids {
      const ffmpeg: number[] = [];
      for (const c of candidates) {
        for (const p of c.producers) {
          const pid = recordings.recorderOf(p.producer.id)?.pid;
          if (pid !== undefined) ffmpeg.push(pid);
        }
      }
      return { workers: pool.pids().filter((p) => p > 0), ffmpeg, node: [process.pid] };
    },

    async setup(sinkPorts: number[]): Promise<SetupResult> {
      const result: SetupResult = { candidates: [], sinkStreams: [], placement: '' };
      const placement: string[] = [];
      const rooms = await seedRooms();
      let index = 0;
      for (const [r, { examId, sessionIds }] of rooms.entries()) {
        const room = await registry.getOrCreate(examId);
        const first = index;
        index += sessionIds.length;
        // Candidates of a room join concurrently, as browsers would, a few at a time.
        const joined = await mapLimit(sessionIds, JOIN_CONCURRENCY, (sessionId, k) => joinCandidate(room, examId, sessionId, first + k));
        candidates.push(...joined);

        // proctor:join → transport:create(recv): one placement for the proctor, then consume every stream.
        const placed = await room.placeProctor();
        placement.push(`room ${r}: candidates on ${perWorker(joined)}, proctor on worker ${placed.workerIndex}`);
        for (const c of joined) {
          const egress = await createEgressTransport(placed.router, portRange, sinkPorts[c.index]!);
          for (const { plan, producer } of c.producers) {
            await room.ensureProducerOn(producer.id, placed);
            const consumer = await consumeToSink(egress, placed.router, producer.id);
            consumer.observer.once('close', room.chargeConsumer(placed.workerIndex));
            result.sinkStreams.push({ ssrc: consumerSsrc(consumer), id: plan.id, tsBase: plan.tsBase });
          }
          result.candidates.push({ port: c.ingest.tuple.localPort, streams: c.producers.map((p) => p.plan) });
        }
        opts.log(`[full] room ${r + 1}/${rooms.length}: ${joined.length} candidates publishing and recorded, proctor consuming`);
      }
      result.placement = placement.join('; ');
      return result;
    },

    async finish(generator: GeneratorReport): Promise<RecordingCheck | undefined> {
      // Candidates leave: closing the ingest closes their producers, which stops the
      // recordings through the recorder's 'sourceclose' (as MediaService#dropCandidate).
      const t0 = performance.now();
      for (const c of candidates) c.ingest.close();
      await Promise.all(candidates.flatMap((c) => c.producers.map((p) => recordings.stop(p.producer.id))));
      for (const c of candidates) await endAttempt(db, c.attemptId, { at: new Date(), reason: 'left' });
      opts.log(`[full] ${candidates.length * 2} recordings stopped in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

      const ids = candidates.flatMap((c) => c.producers.map((p) => p.recordingId));
      if (opts.finalise) await finaliseAll(ids);

      const sentById = new Map(generator.streams.map((s) => [s.id, s]));
      const clipSizes = {
        camera: (await readIvf(opts.clips.camera)).frames.map((f) => f.data.length),
        screen: (await readIvf(opts.clips.screen)).frames.map((f) => f.data.length),
      };
      const items: RecordingToCheck[] = [];
      for (const c of candidates) {
        for (const p of c.producers) {
          const row = await getRecording(db, p.recordingId);
          const sent = sentById.get(p.plan.id);
          items.push({
            streamId: p.plan.id,
            file: row && row.status !== 'failed' ? resolveRecordingPath(recordingsDir, row.path) : undefined,
            status: row?.status ?? 'missing',
            publishedSec: sent ? sent.framesSent / sent.fps : 0,
            fps: sent?.fps ?? 30,
            clipFrameSizes: clipSizes[p.plan.source],
          });
        }
      }
      return checkRecordings(items, resolveFfmpeg().ffprobe);
    },

    close: parts.close,
  };

  /** "worker 0 (13), worker 1 (12)": how many of a room's candidates each worker ingests. */
  function perWorker(joined: CandidateState[]): string {
    const counts = new Map<number, number>();
    for (const c of joined) counts.set(c.workerIndex, (counts.get(c.workerIndex) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a - b).map(([w, n]) => `worker ${w} (${n})`).join(', ');
  }

  /** Runs the product's finalise jobs (remux with cues + duration) until every row settles. */
  async function finaliseAll(ids: string[]): Promise<void> {
    const t0 = performance.now();
    const jobs: JobWorkers = await startJobWorkers({ db, queue, recordingsDir, logger: opts.logger, concurrency: 2 });
    try {
      const deadline = Date.now() + 60_000 + ids.length * 2_000;
      for (;;) {
        const rows = await db.selectFrom('recordings').select(['status']).where('id', 'in', ids).execute();
        const open = rows.filter((r) => r.status === 'recording' || r.status === 'stopped').length;
        if (open === 0) break;
        if (Date.now() > deadline) {
          opts.log(`[full] finalising: ${open} recordings still not settled at the deadline; checking them as they are`);
          break;
        }
        await new Promise((r) => setTimeout(r, 500));
      }
    } finally {
      await jobs.close();
    }
    opts.log(`[full] finalise jobs done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
}

/**
 * FULL: the product's media path for synthetic candidates, built from the same classes
 * the media node uses (WorkerPool, RoomRegistry, ExamRoom placement and pipeToRouter,
 * RecordingService observing the rooms, with a real database and job queue), in the order
 * signaling's MediaService drives them:
 *
 *   per exam room: candidates join (attempt row, session started) and publish camera
 *   (2 simulcast layers) + microphone + screen, each placed by placeCandidate() (the room's
 *   home worker, unless the room outgrew a worker's share); the room announces each tagged
 *   producer and the recorder, observing the rooms, records it through its worker's RTP
 *   tap → a proctor joins: one placeProctor() placement (home), each producer piped there
 *   from its own worker if it lives elsewhere, and consumed at the grid layer.
 *
 * Only the transports differ: plain RTP instead of WebRTC (no ICE/DTLS/SRTP), so the
 * candidates' ingest and the proctor's egress use PlainTransports on the routers that
 * ExamRoom chose. Rooms hold `roomSize` candidates; each room is its own exam.
 *
 * After the window the candidates leave (ingest closed → producers close → the room says
 * so → recordings stop and enqueue finalising, as in the product); the dumps are checked
 * for gaps, then — unless disabled — the product's finalise jobs run (outside the
 * measurement) and their CPU is measured against the media seconds they converted.
 */
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
  markStarted,
  seedMediaDemo,
  startAttempt,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import {
  type JobQueue,
  type JobWorkers,
  RecordingService,
  createJobQueue,
  resolveRecordingPath,
  startJobWorkers,
} from '@proctor/recorder';
import { type ExamRoom, type MediaConfig, RoomRegistry, WorkerPool } from '@proctor/sfu';
import type { GeneratorReport, ProducerPlan } from './protocol.ts';
import { selfCpuWithChildrenSec } from './proc.ts';
import { type RecordingCheck, type RecordingToCheck, checkRecordings } from './recording-gaps.ts';
import type { SetupResult, SfuPids, SfuUnderTest } from './sfu-under-test.ts';
import { SocketLabels } from './socket-labels.ts';
import {
  consumeToSink,
  consumerSsrc,
  createEgressTransport,
  createIngestTransport,
  mapLimit,
  producerPlans,
  producerRtpParameters,
  recordedStream,
  watchedStream,
} from './streams.ts';

export interface FullOptions {
  candidates: number;
  roomSize: number;
  finalise: boolean;
  /** Check the recordings at all (the curve's smaller steps only measure CPU and memory). */
  checkRecordings: boolean;
  /** Keep the recordings directory (its path is logged). */
  keep: boolean;
  logger: Logger;
  log: (line: string) => void;
}

/** What the finalise jobs cost: media seconds converted per CPU second. */
export interface ConvertResult {
  statuses: Record<string, number>;
  mediaSeconds: number;
  cpuSeconds: number;
  wallSeconds: number;
  /** null when nothing was converted (e.g. a finalise job that cannot read dumps). */
  realtimeFactor: number | null;
  errors: string[];
}

interface CandidateState {
  index: number;
  sessionId: string;
  attemptId: string;
  ingest: ms.PlainTransport;
  workerIndex: number;
  producers: { plan: ProducerPlan; producer: ms.Producer }[];
}

const NODE_ID = 'bench-media';
/** Candidates joining at once, as browsers would, a few at a time. */
const JOIN_CONCURRENCY = 4;

export async function startFull(cfg: MediaConfig, opts: FullOptions): Promise<SfuUnderTest & { convert?: ConvertResult }> {
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
    const recordings = new RecordingService({ db: tdb.db, recordingsDir, queue, logger: opts.logger });
    recordings.observe(registry);
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

function makeFull(cfg: MediaConfig, opts: FullOptions, parts: Parts): SfuUnderTest & { convert?: ConvertResult } {
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

  /** candidate:join + transport + produce ×3 (MediaService.candidateJoin/produce); the room announces each for recording. */
  async function joinCandidate(room: ExamRoom, sessionId: string, index: number): Promise<CandidateState> {
    const now = new Date();
    const attempt = await startAttempt(db, { sessionId, nodeId: NODE_ID, at: now });
    await markStarted(db, sessionId, now);
    // transport:create(send): the candidate's placement holds its load until the ingest closes.
    const placed = await room.placeCandidate();
    const ingest = await createIngestTransport(placed.router, portRange, { candidate: index, direction: 'send' });
    ingest.observer.once('close', placed.release);
    const state: CandidateState = { index, sessionId, attemptId: attempt.id, ingest, workerIndex: placed.workerIndex, producers: [] };
    for (const plan of producerPlans(index)) {
      const producer = await ingest.produce({
        kind: plan.kind,
        rtpParameters: producerRtpParameters(plan),
        appData: { source: plan.source, sessionId },
      });
      room.adoptProducer(producer, placed, { sessionId, attemptId: attempt.id, attemptNumber: attempt.number, source: plan.source });
      state.producers.push({ plan, producer });
    }
    return state;
  }

  /** Waits until the recorder has a live track for every producer (it starts them on the rooms' events). */
  async function waitRecording(): Promise<void> {
    const all = candidates.flatMap((c) => c.producers.map((p) => p.producer.id));
    const deadline = Date.now() + 30_000 + all.length * 50;
    while (all.some((id) => !recordings.recorderOf(id))) {
      if (Date.now() > deadline) {
        opts.log(`[full] ${all.filter((id) => !recordings.recorderOf(id)).length} producers still not recorded; going on`);
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  const full: SfuUnderTest & { convert?: ConvertResult } = {
    name: 'full',
    labels: parts.labels,
    pids(): SfuPids {
      // No recorder process any more: the taps are threads of this process ("node").
      return { workers: pool.pids().filter((p) => p > 0), ffmpeg: [], node: [process.pid] };
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
        const joined = await mapLimit(sessionIds, JOIN_CONCURRENCY, (sessionId, k) => joinCandidate(room, sessionId, first + k));
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
            const watched = watchedStream(plan);
            result.sinkStreams.push({ ssrc: consumerSsrc(consumer), id: watched.id, tsBase: watched.tsBase, clockRate: watched.clockRate });
          }
          result.candidates.push({ port: c.ingest.tuple.localPort, streams: c.producers.flatMap((p) => p.plan.streams) });
        }
        opts.log(`[full] room ${r + 1}/${rooms.length}: ${joined.length} candidates publishing, proctor consuming`);
      }
      await waitRecording();
      result.placement = `${placement.join('; ')}; recording tap: ${recordings.tapMode}`;
      return result;
    },

    async finish(generator: GeneratorReport): Promise<RecordingCheck | undefined> {
      // Candidates leave: closing the ingest closes their producers; the room announces
      // it and the recorder stops those tracks (the one stop path, as in the product).
      const t0 = performance.now();
      const attemptIds = candidates.map((c) => c.attemptId);
      for (const c of candidates) c.ingest.close();
      for (const c of candidates) await endAttempt(db, c.attemptId, { at: new Date(), reason: 'left' });
      const deadline = Date.now() + 60_000;
      for (;;) {
        const open = await db.selectFrom('recordings').select('id').where('attemptId', 'in', attemptIds).where('status', '=', 'recording').execute();
        if (open.length === 0 || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const rows = await db.selectFrom('recordings').selectAll().where('attemptId', 'in', attemptIds).execute();
      opts.log(`[full] ${rows.length} recordings stopped in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      if (!opts.checkRecordings) return undefined;

      const byKey = new Map(rows.map((r) => [`${r.attemptId}/${r.source}`, r]));
      const sentById = new Map(generator.streams.map((s) => [s.id, s]));
      const items: RecordingToCheck[] = [];
      for (const c of candidates) {
        for (const p of c.producers) {
          const row = byKey.get(`${c.attemptId}/${p.plan.source}`);
          const kept = recordedStream(p.plan);
          const sent = sentById.get(kept.id);
          items.push({
            streamId: kept.id,
            file: row && row.status !== 'failed' ? resolveRecordingPath(recordingsDir, row.path) : undefined,
            status: row?.status ?? 'missing',
            publishedSec: sent ? sent.framesSent / sent.fps : 0,
            fps: sent?.fps ?? 15,
            tsBase: kept.tsBase,
            clockRate: kept.clockRate,
            packetsSent: sent?.packetsSent ?? 0,
          });
        }
      }
      // The dumps are checked as the live path left them, before any job touches them.
      const check = await checkRecordings(items);
      if (opts.finalise) full.convert = await finaliseAll(rows.map((r) => r.id));
      return check;
    },

    close: parts.close,
  };
  return full;

  /** "worker 0 (13), worker 1 (12)": how many of a room's candidates each worker ingests. */
  function perWorker(joined: CandidateState[]): string {
    const counts = new Map<number, number>();
    for (const c of joined) counts.set(c.workerIndex, (counts.get(c.workerIndex) ?? 0) + 1);
    return [...counts].sort(([a], [b]) => a - b).map(([w, n]) => `worker ${w} (${n})`).join(', ');
  }

  /**
   * Runs the product's finalise jobs (whatever they are: the converter once it lands)
   * until every row settles, and measures their CPU: this process and its children.
   */
  async function finaliseAll(ids: string[]): Promise<ConvertResult> {
    const t0 = performance.now();
    const cpu0 = selfCpuWithChildrenSec();
    // The jobs log every failed attempt; the summary below says what failed, once.
    const jobs: JobWorkers = await startJobWorkers({ db, queue, recordingsDir, logger: opts.logger.child({}, { level: 'fatal' }), concurrency: 2, faceSampling: false });
    try {
      const deadline = Date.now() + 60_000 + ids.length * 2_000;
      for (;;) {
        const rows = await db.selectFrom('recordings').select(['status']).where('id', 'in', ids).execute();
        const open = rows.filter((r) => r.status === 'recording' || r.status === 'stopped').length;
        if (open === 0) break;
        if (Date.now() > deadline) {
          opts.log(`[full] finalising: ${open} recordings still not settled at the deadline`);
          break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      await jobs.close();
    }
    const cpuSeconds = selfCpuWithChildrenSec() - cpu0;
    const wallSeconds = (performance.now() - t0) / 1000;
    const rows = await db.selectFrom('recordings').select(['status', 'durationMs', 'error']).where('id', 'in', ids).execute();
    const statuses: Record<string, number> = {};
    for (const r of rows) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    const mediaSeconds = rows.reduce((sum, r) => sum + (r.status === 'finalised' ? (r.durationMs ?? 0) / 1000 : 0), 0);
    const errors = [...new Set(rows.filter((r) => r.error).map((r) => r.error!.slice(0, 160)))].slice(0, 3);
    opts.log(`[full] finalise jobs done in ${wallSeconds.toFixed(1)} s: ${JSON.stringify(statuses)}, ${mediaSeconds.toFixed(0)} media s, ${cpuSeconds.toFixed(1)} CPU s`);
    return { statuses, mediaSeconds, cpuSeconds, wallSeconds, realtimeFactor: mediaSeconds > 0 && cpuSeconds > 0 ? mediaSeconds / cpuSeconds : null, errors };
  }
}

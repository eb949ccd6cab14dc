/**
 * RecordingService end to end: real mediasoup + ffmpeg, real PostgreSQL (throwaway
 * database), and the finalise job through BullMQ on both backends (Redis, PostgreSQL).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { createRecording, getRecording, listRecordings, seedMediaDemo, startAttempt, stopRecording } from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { Redis } from 'ioredis';
import type * as ms from 'mediasoup/types';
import { probe, resolveFfmpeg } from '../src/ffmpeg.ts';
import { finaliseRecording } from '../src/jobs/finalise-recording.ts';
import { startJobWorkers } from '../src/jobs/worker.ts';
import { PortPool } from '../src/port-pool.ts';
import { createJobQueue, type JobQueue } from '../src/queue.ts';
import { RecordingService } from '../src/recording-service.ts';
import { StreamRecorder } from '../src/stream-recorder.ts';
import { createRouter, logger, publish, sleep, waitForMedia } from './media-fixtures.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Matroska/WebM "Cues" element id: present when a player can seek without scanning. */
const CUES_ID = Buffer.from([0x1c, 0x53, 0xbb, 0x6b]);

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('RecordingService', () => {
  let worker: ms.Worker;
  let router: ms.Router;
  let tdb: TestDatabase;
  let recordingsDir: string;
  let demo: { examId: string; sessionId: string };
  const portPool = new PortPool({ min: 48000, max: 48999 });

  beforeAll(async () => {
    ({ worker, router } = await createRouter());
    tdb = await createTestDatabase();
    recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'recordings-'));
    const seeded = await seedMediaDemo(tdb.db, { candidates: 1 });
    demo = { examId: seeded.examId, sessionId: seeded.sessions[0]!.sessionId };
  });
  afterAll(async () => {
    worker.close();
    await tdb.drop();
    await rm(recordingsDir, { recursive: true, force: true });
  });

  const backends = [
    { name: 'Redis', make: (ns: string) => createJobQueue({ redisUrl: REDIS_URL, namespace: ns, logger }) },
    { name: 'PostgreSQL', make: (ns: string) => createJobQueue({ postgresUrl: tdb.url, namespace: ns, logger }) },
  ];

  for (const backend of backends) {
    test(`camera + microphone: recording → stopped → finalised (queue on ${backend.name})`, async () => {
      const namespace = `rectest_${randomBytes(4).toString('hex')}`;
      const queue: JobQueue = backend.make(namespace);
      const service = new RecordingService({ db: tdb.db, recordingsDir, queue, logger, portPool });
      const attempt = await startAttempt(tdb.db, { sessionId: demo.sessionId, nodeId: 'test-node', at: new Date() });
      const camera = await publish(router, 'video');
      const mic = await publish(router, 'audio');
      try {
        await Promise.all([waitForMedia(camera.producer), waitForMedia(mic.producer)]);
        const common = { router, sessionId: demo.sessionId, examId: demo.examId, attemptId: attempt.id, attemptNumber: attempt.number };
        const [cameraId, micId] = await Promise.all([
          service.start({ ...common, producer: camera.producer, source: 'camera' }),
          service.start({ ...common, producer: mic.producer, source: 'microphone' }),
        ]);
        assert.equal(await service.start({ ...common, producer: camera.producer, source: 'camera' }), cameraId, 'start is idempotent');
        assert.equal(service.activeCount, 2);

        const live = await getRecording(tdb.db, cameraId);
        assert.equal(live?.status, 'recording');
        assert.match(live!.path, new RegExp(`^${demo.examId}/${demo.sessionId}/attempt-${attempt.number}/camera-\\d{8}T\\d{9}Z\\.webm$`));
        assert.equal(live!.codec, 'video/VP8');

        await sleep(3000);
        // Concurrent and repeated stops share one stop.
        await Promise.all([service.stop(camera.producer.id), service.stop(camera.producer.id)]);
        await service.stopAll();
        await service.stop(camera.producer.id);
        assert.equal(service.activeCount, 0);

        for (const id of [cameraId, micId]) {
          const row = await getRecording(tdb.db, id);
          assert.equal(row?.status, 'stopped', `${id} stopped before any worker ran`);
          assert.ok(row.bytes > 0);
          assert.ok(row.endedAt && row.endedAt >= row.startedAt);
        }
        assert.equal((await queue.counts('recording-finalise')).waiting, 2, 'two finalise jobs queued');

        const jobs = await startJobWorkers({ db: tdb.db, queue, recordingsDir, logger });
        try {
          for (const [id, kind] of [[cameraId, 'video'], [micId, 'audio']] as const) {
            const row = await waitFor(`finalised ${kind}`, async () => {
              const r = await getRecording(tdb.db, id);
              assert.notEqual(r?.status, 'failed', r?.error ?? '');
              return r?.status === 'finalised' ? r : undefined;
            });
            // At least the 3 s recorded before the first stop; at most what the row says was
            // recorded (the mic keeps going while the camera's stop runs first).
            const span = row.endedAt!.getTime() - row.startedAt.getTime();
            assert.ok(row.durationMs! > 2500 && row.durationMs! <= span + 250, `${kind} duration ${row.durationMs} ms, recorded for ${span} ms`);
            const file = path.join(recordingsDir, row.path);
            assert.equal((await stat(file)).size, row.bytes);
            const info = await probe(file);
            assert.ok(info.durationSec! > 2.5);
            assert.equal(info.streams[0]?.codecType, kind);
            assert.ok((await readFile(file)).includes(CUES_ID), 'finalised file has cues (seekable)');
          }
          const listed = await listRecordings(tdb.db, demo.sessionId);
          assert.ok(listed.filter((r) => r.attemptId === attempt.id).every((r) => r.status === 'finalised'));
          // Each finalised file raised recording.ready in the outbox, for a media node to publish (#13).
          const ready = await tdb.db.selectFrom('domainEventOutbox').selectAll().where('type', '=', 'recording.ready').execute();
          const readyIds = ready.map((e) => (e.payload as { recordingId: string }).recordingId);
          for (const id of [cameraId, micId]) assert.equal(readyIds.filter((r) => r === id).length, 1, `recording.ready once for ${id}`);
          // No temporary files left next to the recordings.
          const dir = path.dirname(path.join(recordingsDir, (await getRecording(tdb.db, cameraId))!.path));
          const { readdir } = await import('node:fs/promises');
          assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('.')), []);
        } finally {
          await jobs.close();
        }
      } finally {
        await service.stopAll();
        await Promise.all([camera.close(), mic.close()]);
        await queue.close();
        if (backend.name === 'Redis') {
          const redis = new Redis(REDIS_URL);
          const keys = await redis.keys(`${namespace}:*`);
          if (keys.length) await redis.del(...keys);
          await redis.quit();
        }
      }
    });
  }

  test('a recorder that dies marks its row failed and emits failed, without throwing', async () => {
    const queue = createJobQueue({ postgresUrl: tdb.url, namespace: 'rectest_crash', logger });
    const service = new RecordingService({ db: tdb.db, recordingsDir, queue, logger, portPool });
    const attempt = await startAttempt(tdb.db, { sessionId: demo.sessionId, nodeId: 'test-node', at: new Date() });
    const camera = await publish(router, 'video');
    try {
      await waitForMedia(camera.producer);
      const failed = new Promise<{ recordingId: string; error: string }>((resolve) => service.once('failed', resolve));
      const id = await service.start({
        router,
        producer: camera.producer,
        sessionId: demo.sessionId,
        examId: demo.examId,
        attemptId: attempt.id,
        attemptNumber: attempt.number,
        source: 'camera',
      });
      process.kill(service.recorderOf(camera.producer.id)!.pid!, 'SIGKILL');
      const failure = await failed;
      assert.equal(failure.recordingId, id);
      assert.match(failure.error, /ffmpeg exited unexpectedly/);
      const row = await waitFor('failed row', async () => {
        const r = await getRecording(tdb.db, id);
        return r?.status === 'failed' ? r : undefined;
      });
      assert.match(row.error!, /ffmpeg exited unexpectedly/);
      await service.stop(camera.producer.id); // no-op, no throw
      assert.equal(service.activeCount, 0);
    } finally {
      await service.stopAll();
      await camera.close();
      await queue.close();
    }
  });

  test('finalising repairs a file whose writer was killed (no trailer: no duration, no cues)', async () => {
    const attempt = await startAttempt(tdb.db, { sessionId: demo.sessionId, nodeId: 'test-node', at: new Date() });
    const relative = `${demo.examId}/${demo.sessionId}/attempt-${attempt.number}/camera-killed.webm`;
    const file = path.join(recordingsDir, relative);
    const camera = await publish(router, 'video');
    try {
      await waitForMedia(camera.producer);
      const recorder = await StreamRecorder.start({ router, producer: camera.producer, outputPath: file, logger, portPool });
      recorder.on('error', () => {});
      await sleep(2500);
      process.kill(recorder.pid!, 'SIGKILL');
      await recorder.stop();
    } finally {
      await camera.close();
    }
    const before = await probe(file);
    assert.equal(before.durationSec, null, 'a killed writer leaves no duration');

    const id = await createRecording(tdb.db, {
      attemptId: attempt.id,
      source: 'camera',
      kind: 'video',
      codec: 'video/VP8',
      path: relative,
      startedAt: new Date(Date.now() - 3000),
    });
    await stopRecording(tdb.db, id, { endedAt: new Date(), bytes: (await stat(file)).size });
    const outcome = await finaliseRecording(
      { db: tdb.db, recordingsDir, ffmpeg: resolveFfmpeg(), logger },
      { recordingId: id },
      { id: 'direct', attempt: 1, maxAttempts: 1, isFinalAttempt: true },
    );
    assert.equal(outcome.status, 'finalised');
    const row = await getRecording(tdb.db, id);
    assert.equal(row?.status, 'finalised');
    assert.ok(row.durationMs! > 1000, `duration ${row.durationMs}`);
    assert.ok((await readFile(file)).includes(CUES_ID));
  });
});

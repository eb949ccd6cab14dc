/**
 * RecordingService end to end: real mediasoup, real PostgreSQL (throwaway database), the
 * finalise queue on both backends (Redis, PostgreSQL). Recording observes a room (its
 * producerAdded / producerClosed events), writes one .rtpdump per track and enqueues the
 * conversion when the producer closes; crash recovery keeps the dumps of a dead node.
 * (What the finalise job then does with a dump is recorder/test of the converter.)
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { createRecording, getRecording, seedMediaDemo, startAttempt } from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { Redis } from 'ioredis';
import type * as ms from 'mediasoup/types';
import { encodeDumpHeader, parseDumpHeader, readDumpRecords, RecordKind, writeDumpRecord } from '../src/dump/rtp-dump-format.ts';
import { createJobQueue, type JobQueue } from '../src/queue.ts';
import { RecordingService, type StartRecordingInput } from '../src/recording-service.ts';
import { createRouter, logger, publish, sleep, waitForMedia } from './media-fixtures.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** Stands in for RoomRegistry: the same two events, emitted by the test. */
class FakeRooms extends EventEmitter<{ producerAdded: [StartRecordingInput & { workerIndex: number }]; producerClosed: [{ producerId: string }] }> {}

describe('RecordingService', () => {
  let worker: ms.Worker;
  let router: ms.Router;
  let tdb: TestDatabase;
  let recordingsDir: string;
  let demo: { examId: string; sessionId: string };

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
    test(`observing the room: producer added → recording, producer closed → stopped + finalise queued (${backend.name})`, async () => {
      const namespace = `rectest_${randomBytes(4).toString('hex')}`;
      const queue: JobQueue = backend.make(namespace);
      const service = new RecordingService({ db: tdb.db, recordingsDir, queue, logger });
      const rooms = new FakeRooms();
      service.observe(rooms);
      const attempt = await startAttempt(tdb.db, { sessionId: demo.sessionId, nodeId: 'test-node', at: new Date() });
      const camera = await publish(router, 'video');
      const mic = await publish(router, 'audio');
      try {
        await Promise.all([waitForMedia(camera.producer), waitForMedia(mic.producer)]);
        const common = { router, workerIndex: 0, sessionId: demo.sessionId, examId: demo.examId, attemptId: attempt.id, attemptNumber: attempt.number };
        rooms.emit('producerAdded', { ...common, producer: camera.producer, source: 'camera' });
        rooms.emit('producerAdded', { ...common, producer: mic.producer, source: 'microphone' });
        await waitFor('both tracks live', async () => (service.recorderOf(camera.producer.id) && service.recorderOf(mic.producer.id) ? true : undefined));
        const cameraId = await service.start({ ...common, producer: camera.producer, source: 'camera' });
        assert.equal(service.activeCount, 2, 'start is idempotent');

        const live = await getRecording(tdb.db, cameraId);
        assert.equal(live?.status, 'recording');
        assert.match(live!.path, new RegExp(`^${demo.examId}/${demo.sessionId}/attempt-${attempt.number}/camera-\\d{8}T\\d{9}Z\\.rtpdump$`));
        assert.equal(live!.codec, 'video/VP8');

        await sleep(2000);
        // The producers close (candidate left): the room says so, the recorder stops.
        camera.producer.close();
        mic.producer.close();
        rooms.emit('producerClosed', { producerId: camera.producer.id });
        rooms.emit('producerClosed', { producerId: mic.producer.id });
        await waitFor('stopped', async () => (service.activeCount === 0 ? true : undefined));

        const rows = await tdb.db.selectFrom('recordings').selectAll().where('attemptId', '=', attempt.id).execute();
        assert.equal(rows.length, 2);
        for (const row of rows) {
          assert.equal(row.status, 'stopped', `${row.source} stopped`);
          const file = path.join(recordingsDir, row.path);
          assert.equal((await stat(file)).size, Number(row.bytes), 'bytes = the dump on disk');
          const buf = await readFile(file);
          const { header, bodyOffset } = parseDumpHeader(buf);
          assert.equal(header.recordingId, row.id);
          assert.equal(header.kind, row.kind);
          const rtp = [...readDumpRecords(buf, bodyOffset)].filter((r) => r.kind === RecordKind.rtp);
          const span = (rtp.at(-1)!.arrivalMs - rtp[0]!.arrivalMs) / 1000;
          assert.ok(span > 1.5 && span < 3, `${row.source}: ${span} s of packets`);
          assert.ok(row.endedAt! >= row.startedAt);
        }
        assert.equal((await queue.counts('recording-finalise')).waiting, 2, 'two finalise jobs queued');
        await service.stop(camera.producer.id); // no-op after the stop
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

  test('a stream that closes before its track starts fails its row without throwing', async () => {
    const queue = createJobQueue({ postgresUrl: tdb.url, namespace: 'rectest_early', logger });
    const service = new RecordingService({ db: tdb.db, recordingsDir, queue, logger, tapMode: 'inline' });
    const attempt = await startAttempt(tdb.db, { sessionId: demo.sessionId, nodeId: 'test-node', at: new Date() });
    const mic = await publish(router, 'audio');
    try {
      const failed = new Promise<{ recordingId: string; error: string }>((resolve) => service.once('failed', resolve));
      const started = service.start({ router, producer: mic.producer, sessionId: demo.sessionId, examId: demo.examId, attemptId: attempt.id, attemptNumber: attempt.number, source: 'microphone' });
      mic.producer.close();
      const id = await started;
      assert.equal((await failed).recordingId, id);
      assert.equal((await getRecording(tdb.db, id))?.status, 'failed');
      assert.equal(service.activeCount, 0);
    } finally {
      await service.stopAll();
      await mic.close();
      await queue.close();
    }
  });

  test('crash recovery keeps the dumps of a dead node: row stopped at its last packet, conversion queued', async () => {
    const queue = createJobQueue({ postgresUrl: tdb.url, namespace: 'rectest_recover', logger });
    const service = new RecordingService({ db: tdb.db, recordingsDir, queue, logger });
    const attempt = await startAttempt(tdb.db, { sessionId: demo.sessionId, nodeId: 'crashed-node', at: new Date() });
    try {
      const startedAt = new Date(Date.now() - 60_000);
      const relative = `${demo.examId}/${demo.sessionId}/attempt-${attempt.number}/microphone-crashed.rtpdump`;
      const id = await createRecording(tdb.db, { attemptId: attempt.id, source: 'microphone', kind: 'audio', codec: 'audio/opus', path: relative, startedAt });
      const lost = await createRecording(tdb.db, {
        attemptId: attempt.id, source: 'camera', kind: 'video', codec: 'video/VP8', path: `${demo.examId}/${demo.sessionId}/attempt-${attempt.number}/camera-gone.rtpdump`, startedAt,
      });
      // A dump as a killed writer leaves it: 10 s of packets, then half a record.
      const head = encodeDumpHeader({ version: 1, recordingId: id, kind: 'audio', mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, ssrc: 7, startedAtMs: startedAt.getTime() });
      const body = Buffer.alloc(500 * 40 + 20);
      let at = 0;
      for (let i = 0; i < 500; i++) {
        const p = Buffer.alloc(32);
        p[0] = 0x80;
        p[1] = 100;
        p.writeUInt16BE(i, 2);
        p.writeUInt32BE(7, 8);
        at = writeDumpRecord(body, at, RecordKind.rtp, i * 20, p);
      }
      const file = path.join(recordingsDir, relative);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, Buffer.concat([head, body.subarray(0, at + 12)]));

      assert.equal(await service.recoverInterrupted('crashed-node'), 2);
      const row = await getRecording(tdb.db, id);
      assert.equal(row?.status, 'stopped');
      assert.equal(row!.endedAt!.getTime(), startedAt.getTime() + 499 * 20, 'ended at the last whole packet');
      assert.equal(Number(row!.bytes), (await stat(file)).size);
      assert.equal((await getRecording(tdb.db, lost))?.status, 'failed', 'no dump: nothing to convert');
      assert.equal((await queue.counts('recording-finalise')).waiting, 1);
    } finally {
      await service.stopAll();
      await queue.close();
    }
  });
});

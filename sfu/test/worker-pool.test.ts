/**
 * The sfu against real mediasoup workers: one router per exam, consumers placed on
 * another worker get the producer through pipeToRouter, and a killed worker is replaced
 * while its rooms are reported lost.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { ExamRoom, MediaPeer, RoomRegistry, WorkerPool, mediaConfigFromEnv, type MediaConfig } from '../src/index.ts';

const cfg: MediaConfig = { ...mediaConfigFromEnv(), numWorkers: 2, listenIp: '127.0.0.1', logLevel: 'error' };
const vp8 = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }],
  encodings: [{ ssrc: 123456 }],
};

describe('sfu', () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await WorkerPool.start(cfg);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('starts one live worker per configured core', () => {
    assert.equal(pool.size, 2);
    assert.ok(pool.pids().every((pid) => pid > 0));
  });

  it('pipes a producer to the worker a proctor is placed on', async () => {
    // One candidate per worker's share: the second candidate lives off the room's home.
    const room = await ExamRoom.create('exam-pipe', pool, { ...cfg, candidatesPerWorker: 1 });
    const first = new MediaPeer(room, 'cand-home', cfg.maxIncomingBitrate);
    await first.createTransport('send');
    const candidate = new MediaPeer(room, 'cand', cfg.maxIncomingBitrate);
    const send = await candidate.createTransport('send');
    const producer = await candidate.produce(send.id, 'camera', 'video', vp8 as never, {});

    const proctor = new MediaPeer(room, 'proc', cfg.maxIncomingBitrate);
    const recv = await proctor.createTransport('recv');
    assert.notEqual(recv.appData.workerIndex, send.appData.workerIndex, 'the proctor is at home, the producer is not');
    const consumer = await proctor.consume(recv.id, producer, room.rtpCapabilities, {});
    assert.equal(consumer.producerId, producer.id);
    assert.equal(consumer.paused, true);

    await assert.rejects(candidate.produce(send.id, 'camera', 'video', vp8 as never, {}), /already being published/);
    await assert.rejects(candidate.produce(send.id, 'microphone', 'video', vp8 as never, {}), /must be audio/);
    await assert.rejects(proctor.consume(send.id, producer, room.rtpCapabilities, {}), /no such transport/);
    room.close();
    assert.equal(candidate.closed, true);
  });

  it('replaces a killed worker and reports the rooms that lived on it', async () => {
    const registry = new RoomRegistry(pool, cfg);
    const room = await registry.getOrCreate('exam-crash');
    const index = room.home.workerIndex;
    const oldPid = pool.pids()[index]!;
    const lost = once(registry, 'roomLost');
    const replaced = once(pool, 'replaced');
    process.kill(oldPid, 'SIGKILL');
    const [examId, reason] = await lost;
    assert.equal(examId, 'exam-crash');
    assert.match(reason, /died/);
    const [newIndex] = await replaced;
    assert.equal(newIndex, index);
    assert.ok(pool.pids()[index]! > 0 && pool.pids()[index] !== oldPid, 'a new process took the slot');
    assert.equal(room.closed, true);
    const again = await registry.getOrCreate('exam-crash');
    assert.notEqual(again, room);
    assert.equal(again.closed, false);
  });
});

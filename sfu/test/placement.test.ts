/**
 * Placement on real mediasoup workers (#11): a room's candidates and proctors live on its
 * home worker, rooms balance over the workers, a room larger than a worker's share spreads,
 * a proctor consumes a producer living on the other worker through a pipe and really
 * receives its RTP, and closing peers gives their load back.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { once } from 'node:events';
import { ExamRoom, LOAD, MediaPeer, RoomRegistry, WorkerPool, mediaConfigFromEnv, type MediaConfig, type ProducerAdded, type ProducerClosed } from '../src/index.ts';

const cfg: MediaConfig = { ...mediaConfigFromEnv(), numWorkers: 2, listenIp: '127.0.0.1', logLevel: 'error' };
/** Rooms of more than two candidates outgrow a worker's share here. */
const small: MediaConfig = { ...cfg, candidatesPerWorker: 2 };
const opus = (ssrc: number) => ({
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc }],
});

/** A minimal RTP packet (version 2, no extensions) with an opaque payload. */
function rtp(seq: number, ssrc: number): Buffer {
  const b = Buffer.alloc(12 + 20, 0xab);
  b.writeUInt8(0x80, 0);
  b.writeUInt8(100, 1);
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(seq * 960, 4);
  b.writeUInt32BE(ssrc, 8);
  return b;
}

describe('sfu placement', () => {
  let pool: WorkerPool;
  beforeAll(async () => {
    pool = await WorkerPool.start(cfg);
  });
  afterAll(async () => {
    await pool.close();
  });

  it('keeps a room on its home worker, and balances rooms over the workers', async () => {
    const a = await ExamRoom.create('exam-home-a', pool, cfg);
    const b = await ExamRoom.create('exam-home-b', pool, cfg);
    assert.notEqual(a.home.workerIndex, b.home.workerIndex, 'the second room goes to the less loaded worker');
    const peers: MediaPeer[] = [];
    for (const room of [a, b]) {
      const candidates = [0, 1, 2, 3].map((i) => new MediaPeer(room, `cand-${i}`, cfg.maxIncomingBitrate));
      const sends = await Promise.all(candidates.map((c) => c.createTransport('send')));
      assert.deepEqual(new Set(sends.map((t) => t.appData.workerIndex)), new Set([room.home.workerIndex]), 'every candidate at home');
      const proctor = new MediaPeer(room, 'proc', cfg.maxIncomingBitrate);
      const recv = await proctor.createTransport('recv');
      assert.equal(recv.appData.workerIndex, room.home.workerIndex, 'the proctor at home too: nothing to pipe');
      assert.deepEqual(room.workers(), [room.home.workerIndex]);
      peers.push(...candidates, proctor);
    }
    for (const p of peers) p.close();
    a.close();
    b.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(pool.load(), [0, 0], 'closing peers and rooms releases their load');
  });

  it('spreads a room larger than a worker share and releases its load on close', async () => {
    const room = await ExamRoom.create('exam-spread', pool, small);
    const home = room.home.workerIndex;
    const idle = pool.load();
    const candidates = [0, 1, 2, 3, 4].map((i) => new MediaPeer(room, `cand-${i}`, cfg.maxIncomingBitrate));
    // Joined together, as browsers do: the room's count is taken before the routers exist.
    const sends = await Promise.all(candidates.slice(0, 4).map((c) => c.createTransport('send')));
    const perWorker = [0, 0];
    for (const t of sends) perWorker[t.appData.workerIndex as number]!++;
    assert.deepEqual(perWorker, [2, 2], 'two (the share) at home, the rest on the other worker');
    assert.deepEqual(room.workers(), [0, 1]);
    const total = (l: number[]) => l.reduce((a, b) => a + b, 0);
    // Four candidates plus the router made on the second worker.
    assert.equal(total(pool.load()) - total(idle), 4 * LOAD.candidate + LOAD.router);
    // Every worker holds its share: the fifth goes to the least loaded one.
    const loads = pool.load();
    const fifth = await candidates[4]!.createTransport('send');
    assert.equal(fifth.appData.workerIndex, loads[0]! <= loads[1]! ? 0 : 1);
    // A candidate leaving home frees a place there.
    candidates[sends.findIndex((t) => t.appData.workerIndex === home)]!.close();
    const back = await new MediaPeer(room, 'cand-5', cfg.maxIncomingBitrate).createTransport('send');
    assert.equal(back.appData.workerIndex, home);

    for (const c of candidates) c.close();
    back.close();
    assert.equal(total(pool.load()), total(idle) + LOAD.router, 'candidates released; routers stay while the room lives');
    room.close();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(pool.load(), [0, 0], 'closing the room releases its routers');
  });

  it('announces tagged producers and their close through the registry (what the recorder observes)', async () => {
    const registry = new RoomRegistry(pool, cfg);
    const added: ProducerAdded[] = [];
    const closed: ProducerClosed[] = [];
    registry.on('producerAdded', (e) => added.push(e));
    registry.on('producerClosed', (e) => closed.push(e));
    const room = await registry.getOrCreate('exam-events');
    const placed = await room.placeCandidate();
    const ingest = await placed.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
    const tags = { sessionId: 's-1', attemptId: 'a-1', attemptNumber: 2, source: 'microphone' as const };
    const producer = await ingest.produce({ kind: 'audio', rtpParameters: opus(3333) as never });
    room.adoptProducer(producer, placed, tags);
    const untagged = await ingest.produce({ kind: 'audio', rtpParameters: opus(4444) as never });
    room.adoptProducer(untagged, placed);
    assert.equal(added.length, 1, 'only tagged producers are announced');
    assert.equal(added[0]!.producer, producer);
    assert.equal(added[0]!.router, placed.router);
    assert.deepEqual({ ...added[0]!, producer: undefined, router: undefined }, { ...tags, examId: 'exam-events', workerIndex: placed.workerIndex, producer: undefined, router: undefined });
    ingest.close(); // the transport closes → its producers close → the room says so
    assert.deepEqual(closed, [{ ...tags, examId: 'exam-events', producerId: producer.id }]);
    registry.closeAll();
    placed.release();
  });

  it('lets a proctor consume a producer that lives on the other worker, through a pipe, with RTP flowing', async () => {
    const room = await ExamRoom.create('exam-pipe-rtp', pool, { ...cfg, candidatesPerWorker: 1 });
    // Ingest over plain RTP (no DTLS), on the router the room picks for a candidate.
    const producers = [];
    for (const ssrc of [1111, 2222]) {
      const placed = await room.placeCandidate();
      const ingest = await placed.router.createPlainTransport({
        listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
        rtcpMux: true,
        comedia: true,
      });
      ingest.observer.once('close', placed.release);
      const producer = await ingest.produce({ kind: 'audio', rtpParameters: opus(ssrc) as never });
      room.adoptProducer(producer, placed);
      producers.push({ producer, ingest, ssrc, workerIndex: placed.workerIndex });
    }
    assert.notEqual(producers[0]!.workerIndex, producers[1]!.workerIndex, 'the two candidates are on different workers');

    const proctor = await room.placeProctor();
    const remote = producers.find((p) => p.workerIndex !== proctor.workerIndex);
    assert.ok(remote, 'one producer lives on a worker other than the proctor');
    assert.equal(room.routerOf(remote.producer.id).workerIndex, remote.workerIndex, 'the recorder would consume at home');

    const sink = dgram.createSocket('udp4');
    sink.bind(0, '127.0.0.1');
    await once(sink, 'listening');
    const egress = await proctor.router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true });
    await egress.connect({ ip: '127.0.0.1', port: sink.address().port });
    await room.ensureProducerOn(remote.producer.id, proctor);
    await room.ensureProducerOn(remote.producer.id, proctor); // cached: no second pipe
    const consumer = await egress.consume({ producerId: remote.producer.id, rtpCapabilities: proctor.router.rtpCapabilities, paused: true });
    const release = room.chargeConsumer(proctor.workerIndex);
    await consumer.resume();

    let received = 0;
    sink.on('message', (msg) => {
      // RTCP shares the port (rtcp-mux): its second byte is 192–223 (RFC 5761); RTP's is not.
      const second = msg.readUInt8(1);
      if (msg.length >= 12 && (second < 192 || second > 223)) received++;
    });
    const sender = dgram.createSocket('udp4');
    for (let seq = 1; seq <= 50 && received < 10; seq++) {
      sender.send(rtp(seq, remote.ssrc), remote.ingest.tuple.localPort, '127.0.0.1');
      await new Promise((r) => setTimeout(r, 20));
    }
    sender.close();
    sink.close();
    assert.ok(received >= 10, `proctor received ${received} RTP packets from the other worker`);

    // Bad input: a producer id the room never saw.
    await assert.rejects(room.ensureProducerOn('nope', proctor), /no such stream/);

    const before = pool.load()[proctor.workerIndex]!;
    release();
    release(); // idempotent
    assert.equal(pool.load()[proctor.workerIndex], before - LOAD.consumer);
    for (const p of producers) p.ingest.close();
    room.close();
  });
});

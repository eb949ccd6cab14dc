import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import type * as ms from 'mediasoup/types';
import { probe } from '../src/ffmpeg.ts';
import { PortPool } from '../src/port-pool.ts';
import { StreamRecorder } from '../src/stream-recorder.ts';
import { createRouter, logger, publish, sleep, waitForMedia } from './media-fixtures.ts';

describe('StreamRecorder (real mediasoup + ffmpeg)', () => {
  let worker: ms.Worker;
  let router: ms.Router;
  let dir: string;
  const portPool = new PortPool({ min: 46000, max: 46999 });

  beforeAll(async () => {
    ({ worker, router } = await createRouter());
    dir = await mkdtemp(path.join(os.tmpdir(), 'recorder-test-'));
  });
  afterAll(async () => {
    worker.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Publishes, records `recordMs`, stops; returns what was measured. */
  async function recordFor(kind: ms.MediaKind, recordMs: number, file: string) {
    const pub = await publish(router, kind);
    try {
      await waitForMedia(pub.producer);
      const outputPath = path.join(dir, 'nested', kind, file);
      const recorder = await StreamRecorder.start({ router, producer: pub.producer, outputPath, logger, portPool });
      const errors: Error[] = [];
      recorder.on('error', (e) => errors.push(e));
      const t0 = Date.now();
      await sleep(recordMs);
      const stopAt = Date.now();
      const result = await recorder.stop();
      const stopMs = Date.now() - stopAt;
      assert.deepEqual(errors, []);
      assert.deepEqual(await recorder.stop(), result, 'stop() is idempotent');
      return { recorder, result, outputPath, wallSec: (stopAt - t0) / 1000, stopMs };
    } finally {
      await pub.close();
    }
  }

  test('records a VP8 producer into a valid WebM of the published length', async (t) => {
    const { recorder, result, outputPath, wallSec, stopMs } = await recordFor('video', 4000, 'camera.webm');
    assert.equal(recorder.container, 'webm');
    assert.ok(recorder.firstKeyframeAt, 'a keyframe was forwarded');
    assert.equal((await stat(outputPath)).size, result.bytes);
    assert.ok(result.bytes > 50_000, `file has media (${result.bytes} bytes)`);
    assert.equal(result.stoppedBy, 'q', 'ffmpeg honoured q while media flowed');
    assert.ok(stopMs < 5000, `stop took ${stopMs} ms`);
    console.log(
      `vp8: ${result.bytes} bytes, first keyframe after ${recorder.firstKeyframeAt!.getTime() - recorder.startedAt.getTime()} ms, stop ${stopMs} ms`,
    );

    const info = await probe(outputPath);
    const video = info.streams.find((s) => s.codecType === 'video');
    assert.ok(video, 'has a video stream');
    assert.equal(video.codecName, 'vp8');
    assert.equal(video.width, 640);
    assert.ok(info.durationSec !== null, 'duration is written (trailer present)');
    const error = Math.abs(info.durationSec - wallSec) / wallSec;
    assert.ok(error < 0.15, `duration ${info.durationSec}s vs recorded ${wallSec}s (${(error * 100).toFixed(1)}%)`);
    console.log(`vp8: duration ${info.durationSec}s for ${wallSec}s recorded`);
    assert.equal(portPool.inUse, 0, 'ports returned');
  });

  test('records an Opus producer into WebM', async () => {
    const { result, outputPath, wallSec } = await recordFor('audio', 3000, 'microphone.webm');
    assert.ok(result.bytes > 5_000, `file has media (${result.bytes} bytes)`);
    const info = await probe(outputPath);
    assert.deepEqual(
      info.streams.map((s) => [s.codecType, s.codecName]),
      [['audio', 'opus']],
    );
    assert.ok(info.durationSec !== null);
    const error = Math.abs(info.durationSec - wallSec) / wallSec;
    assert.ok(error < 0.15, `duration ${info.durationSec}s vs recorded ${wallSec}s`);
  });

  test("a producer paused longer than ffmpeg's 10 s input timeout keeps recording", async () => {
    const pub = await publish(router, 'audio');
    try {
      await waitForMedia(pub.producer);
      const outputPath = path.join(dir, 'paused.webm');
      const recorder = await StreamRecorder.start({ router, producer: pub.producer, outputPath, logger, portPool });
      const t0 = Date.now();
      await sleep(1000);
      await pub.producer.pause();
      await sleep(12_000);
      assert.equal(recorder.isRunning, true, 'ffmpeg still running after 12 s without packets');
      await pub.producer.resume();
      await sleep(1000);
      const wallSec = (Date.now() - t0) / 1000;
      const result = await recorder.stop();
      assert.equal(result.stoppedBy, 'q');
      const { durationSec } = await probe(outputPath);
      // The pause stays in the timeline (RTP timestamps run on), so media lines up with wall time.
      assert.ok(durationSec !== null && Math.abs(durationSec - wallSec) / wallSec < 0.15, `${durationSec}s vs ${wallSec}s`);
    } finally {
      await pub.close();
    }
  });

  test('stop without any media falls back to SIGINT and reports an empty file', async () => {
    // A producer whose sender never starts: ffmpeg sits waiting for its first packet,
    // where 'q' is never read.
    const transport = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, comedia: true });
    const producer = await transport.produce({
      kind: 'video',
      rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: 1 }] },
    });
    const outputPath = path.join(dir, 'silent.webm');
    const recorder = await StreamRecorder.start({ router, producer, outputPath, logger, portPool, quitGraceMs: 300 });
    await sleep(500);
    const result = await recorder.stop();
    assert.equal(result.stoppedBy, 'SIGINT');
    assert.equal(result.bytes, 0);
    assert.equal(recorder.firstKeyframeAt, undefined);
    transport.close();
  });

  test("emits 'sourceclose' when the producer closes and 'error' when ffmpeg dies", async () => {
    const pub = await publish(router, 'video');
    try {
      await waitForMedia(pub.producer);
      const recorder = await StreamRecorder.start({
        router,
        producer: pub.producer,
        outputPath: path.join(dir, 'killed.webm'),
        logger,
        portPool,
      });
      const exited = new Promise<{ expected: boolean }>((resolve) => recorder.once('exit', resolve));
      const failed = new Promise<Error>((resolve) => recorder.once('error', resolve));
      process.kill(recorder.pid!, 'SIGKILL');
      assert.equal((await exited).expected, false);
      assert.match((await failed).message, /ffmpeg exited unexpectedly/);
      assert.equal(portPool.inUse, 0, 'ports released after a crash');
      const result = await recorder.stop();
      assert.equal(result.stoppedBy, 'exited');

      const again = await StreamRecorder.start({
        router,
        producer: pub.producer,
        outputPath: path.join(dir, 'producer-closed.webm'),
        logger,
        portPool,
      });
      const closed = new Promise((resolve) => again.once('sourceclose', resolve));
      pub.producer.close();
      assert.equal(await closed, 'producerclose');
      await again.stop();
    } finally {
      await pub.close();
    }
  });
});

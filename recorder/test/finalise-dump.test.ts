/**
 * The finalise job on recordings written as RTP dumps, through the real job workers
 * (BullMQ on Redis, PostgreSQL): dump rows become verified WebM rows and lose their dump,
 * an old-style WebM row is still remuxed as before, and a dump that is not one fails
 * clearly and is kept.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { createRecording, getRecording, seedMediaDemo, startAttempt, stopRecording } from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { pino } from 'pino';
import { EvidenceSigner } from '../src/evidence/signer.ts';
import { verifySessionEvidence } from '../src/evidence/verify.ts';
import { resolveFfmpeg } from '../src/config.ts';
import { probe, run } from '../src/ffmpeg.ts';
import { startJobWorkers } from '../src/jobs/worker.ts';
import { createJobQueue } from '../src/queue.ts';
import { packetizeOpus, packetizeVp8, rng, senderReport, shuffle, writeDump } from './dump/build-dump.ts';
import { opusPackets, vp8Clip } from './dump/media.ts';
import { RecordKind } from '../src/dump/rtp-dump-format.ts';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe('finalise job on RTP dumps', () => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'finalise-dump-'));
  });
  afterAll(async () => {
    await tdb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  test('dump rows become seekable WebM rows with their true start; WebM rows still remux; a bad dump fails and is kept', async () => {
    const seeded = await seedMediaDemo(tdb.db, { candidates: 1 });
    const sessionId = seeded.sessions[0]!.sessionId;
    const t0 = Date.now() - 60_000;
    const attempt = await startAttempt(tdb.db, { sessionId, nodeId: 'test-node', at: new Date(t0 - 1000) });
    const folder = path.join(dir, sessionId, '1');
    await mkdir(folder, { recursive: true });
    const random = rng(7);

    // Camera: 3 s at 15 fps; the dump began 400 ms before the first frame arrived.
    const clip = await vp8Clip({ sizes: ['320x240'], seconds: 3, fps: 15, gopFrames: 15, kbps: 200 });
    const video = packetizeVp8(clip, { ssrc: 5, payloadType: 101, seq0: 100, ts0: 1000, startMs: t0, networkMs: 30, random });
    await writeDump(path.join(folder, 'camera.rtpdump'), { version: 1, recordingId: 'x', kind: 'video', mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, ssrc: 5, startedAtMs: t0 - 400 }, shuffle(video.records, random, 3, 0.1), { tornTail: true });

    // Microphone: 3 s of Opus with SRs, DTX between 1 and 2 s.
    const audio = packetizeOpus((await opusPackets({ seconds: 3 })).slice(0, 150), { ssrc: 6, payloadType: 100, seq0: 65000, ts0: 77, startMs: t0, networkMs: 30, random, silence: { fromSec: 1, toSec: 2 } });
    const srs = [0.5, 1.5, 2.5].map((s) => ({ kind: RecordKind.rtcp, arrivalMs: t0 + s * 1000 + 30, packet: senderReport(6, 5_000_000 + s * 1000, 77 + s * 48000) }));
    await writeDump(path.join(folder, 'microphone.rtpdump'), { version: 1, recordingId: 'y', kind: 'audio', mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2, ssrc: 6, startedAtMs: t0 - 400 }, [...audio.records, ...srs].sort((a, b) => a.arrivalMs - b.arrivalMs));

    // Screen: an old-style live WebM (as ffmpeg recorded it before dumps).
    const screenFile = path.join(folder, 'screen.webm');
    const enc = await run('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=5', '-t', '2', '-c:v', 'libvpx', '-deadline', 'realtime', '-f', 'webm', screenFile]);
    assert.equal(enc.code, 0, enc.stderr);

    // A file that claims to be a dump and is not.
    await writeFile(path.join(folder, 'broken.rtpdump'), 'PRD1 not really');

    const rel = (name: string) => `${sessionId}/1/${name}`;
    const rows = {
      camera: await createRecording(tdb.db, { attemptId: attempt.id, source: 'camera', kind: 'video', codec: 'video/VP8', path: rel('camera.rtpdump'), startedAt: new Date(t0 - 400) }),
      microphone: await createRecording(tdb.db, { attemptId: attempt.id, source: 'microphone', kind: 'audio', codec: 'audio/opus', path: rel('microphone.rtpdump'), startedAt: new Date(t0 - 400) }),
      screen: await createRecording(tdb.db, { attemptId: attempt.id, source: 'screen', kind: 'video', codec: 'video/VP8', path: rel('screen.webm'), startedAt: new Date(t0) }),
      broken: await createRecording(tdb.db, { attemptId: attempt.id, source: 'screen', kind: 'video', codec: 'video/VP8', path: rel('broken.rtpdump'), startedAt: new Date(t0) }),
    };
    for (const id of Object.values(rows)) await stopRecording(tdb.db, id, { endedAt: new Date(t0 + 3000), bytes: 1 });

    const queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `dumpfin_${randomBytes(4).toString('hex')}`, logger });
    const workers = await startJobWorkers({ db: tdb.db, queue, recordingsDir: dir, logger, ffmpeg: resolveFfmpeg(), faceSampling: false, evidenceSigner: EvidenceSigner.generate('jobs') });
    try {
      const deadline = Date.now() + 60_000;
      const settled = async () => Promise.all(Object.values(rows).map((id) => getRecording(tdb.db, id)));
      let all = await settled();
      while (all.some((r) => r!.status === 'stopped') && Date.now() < deadline) {
        await sleep(200);
        all = await settled();
      }
      const [camera, microphone, screen, broken] = all.map((r) => r!);

      assert.equal(camera!.status, 'finalised', camera!.error ?? '');
      assert.equal(camera!.path, rel('camera.webm'));
      assert.equal(existsSync(path.join(folder, 'camera.rtpdump')), false, 'the dump is deleted once its WebM is verified');
      const cameraInfo = await probe(path.join(dir, camera!.path));
      assert.ok(Math.abs(cameraInfo.durationSec! - 3.0) <= 0.1, `camera ${cameraInfo.durationSec} s`);
      assert.ok(Math.abs(camera!.durationMs! - 3000) <= 100);
      assert.equal(camera!.bytes, (await stat(path.join(dir, camera!.path))).size);
      // started_at moved to the first frame (t0 + network), not the dump's opening 400 ms earlier.
      assert.ok(Math.abs(camera!.startedAt.getTime() - (t0 + 30)) <= 20, `camera starts ${camera!.startedAt.getTime() - t0} ms after t0`);

      assert.equal(microphone!.status, 'finalised', microphone!.error ?? '');
      assert.equal(microphone!.path, rel('microphone.webm'));
      assert.equal(existsSync(path.join(folder, 'microphone.rtpdump')), false);
      assert.ok(Math.abs(microphone!.durationMs! - 3000) <= 100, `microphone ${microphone!.durationMs} ms`);
      assert.ok(Math.abs(microphone!.startedAt.getTime() - (t0 + 30)) <= 20, `microphone starts ${microphone!.startedAt.getTime() - t0} ms after t0`);

      assert.equal(screen!.status, 'finalised', 'an old WebM row still finalises');
      assert.equal(screen!.path, rel('screen.webm'));
      assert.ok(Math.abs(screen!.durationMs! - 2000) <= 100);

      assert.equal(broken!.status, 'failed');
      assert.match(broken!.error ?? '', /cannot be converted/);
      assert.ok(existsSync(path.join(folder, 'broken.rtpdump')), 'an unconvertible dump is kept');

      // The sealed evidence is the WebM now on disk.
      const report = await verifySessionEvidence({ db: tdb.db, recordingsDir: dir }, sessionId);
      const issues = report.items.filter((i) => [camera!.id, microphone!.id].includes(i.itemId));
      assert.deepEqual(issues, [], 'both converted files are sealed and intact');
      assert.ok(report.sealed >= 3);
    } finally {
      await workers.close();
      await queue.close();
    }
  });
});

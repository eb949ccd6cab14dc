/**
 * Server-side face sampling on real recordings, with the real models (human node-wasm),
 * ffmpeg, PostgreSQL and a BullMQ queue on Redis:
 * - a camera recording showing no face (ffmpeg's test pattern), from a candidate whose page
 *   reported nothing (detectors switched off), is caught by the job chain
 *   finalise → face sampling, stored as a 'server' no_face violation, and lowers honesty;
 * - the verified person in front of the camera gives no finding, another person gives
 *   other_person, two people give multiple_faces.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createRecording, markFinalised, seedMediaDemo, startAttempt, stopRecording } from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { pino } from 'pino';
import { resolveFfmpeg } from '../src/config.ts';
import { probe } from '../src/ffmpeg.ts';
import { sampleFaces } from '../src/jobs/sample-faces.ts';
import { EvidenceSigner } from '../src/evidence/signer.ts';
import { startJobWorkers } from '../src/jobs/worker.ts';
import { createJobQueue } from '../src/queue.ts';
import { makeClip, makePhoto, PORTRAITS, type ClipScene } from '../src/face/sample-pictures.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const ffmpeg = resolveFfmpeg();

describe('server-side face sampling', () => {
  let t: TestDatabase;
  let recordingsDir: string;
  let seed: Awaited<ReturnType<typeof seedMediaDemo>>;

  beforeAll(async () => {
    t = await createTestDatabase();
    recordingsDir = await mkdtemp(path.join(os.tmpdir(), 'faces-'));
    seed = await seedMediaDemo(t.db, { candidates: 4 });
  });
  afterAll(async () => {
    await t?.drop();
    if (recordingsDir) await rm(recordingsDir, { recursive: true, force: true });
  });

  /** A started session with one attempt whose camera recording is `scene`; returns ids. */
  async function cameraRecording(index: number, scene: ClipScene, seconds: number) {
    const sessionId = seed.sessions[index]!.sessionId;
    const startedAt = new Date(Date.now() - (seconds + 5) * 1000);
    await t.db.updateTable('examSessions').set({ status: 'finished', startedAt, endedAt: new Date(startedAt.getTime() + seconds * 1000) }).where('id', '=', sessionId).execute();
    const attempt = await startAttempt(t.db, { sessionId, nodeId: 'test', at: startedAt });
    const relative = `${sessionId}/1/camera.webm`;
    await mkdir(path.join(recordingsDir, sessionId, '1'), { recursive: true });
    await makeClip(ffmpeg.ffmpeg, path.join(recordingsDir, relative), scene, { seconds });
    const recordingId = await createRecording(t.db, { attemptId: attempt.id, source: 'camera', kind: 'video', codec: 'VP8', path: relative, startedAt });
    const bytes = (await stat(path.join(recordingsDir, relative))).size;
    await stopRecording(t.db, recordingId, { endedAt: new Date(startedAt.getTime() + seconds * 1000), bytes });
    return { sessionId, recordingId, attemptId: attempt.id, startedAt };
  }

  const violationsOf = (sessionId: string) =>
    t.db.selectFrom('violations').selectAll().where('sessionId', '=', sessionId).orderBy('startsAt').execute();

  it('catches "no face" in a recording whose page reported nothing, through the job chain', async () => {
    const { sessionId, recordingId, startedAt } = await cameraRecording(0, { kind: 'lavfi', source: 'testsrc' }, 10);
    assert.equal((await violationsOf(sessionId)).length, 0, 'the candidate page reported nothing');

    const queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `facetest_${randomBytes(4).toString('hex')}`, logger });
    const jobs = await startJobWorkers({ db: t.db, queue, recordingsDir, logger });
    try {
      const deadline = Date.now() + 240_000;
      let found: Awaited<ReturnType<typeof violationsOf>> = [];
      while (Date.now() < deadline) {
        found = (await violationsOf(sessionId)).filter((v) => v.source === 'server');
        if (found.length > 0) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      assert.equal(found.length, 1, JSON.stringify(found));
      const v = found[0]!;
      assert.equal(v.type, 'no_face');
      assert.equal(v.category, 'behaviour');
      assert.ok(v.attemptId, 'tied to the attempt of the recording');
      assert.equal(v.startsAt.getTime(), startedAt.getTime());
      const rec = await t.db.selectFrom('recordings').select(['status', 'durationMs']).where('id', '=', recordingId).executeTakeFirstOrThrow();
      assert.equal(rec.status, 'finalised');
      // The whole ~10 s recording is covered (frames at 0, 3, 6, 9 s; clipped to the duration).
      assert.equal(v.endsAt!.getTime() - v.startsAt.getTime(), rec.durationMs);
      const session = await t.db.selectFrom('examSessions').select('honesty').where('id', '=', sessionId).executeTakeFirstOrThrow();
      assert.equal(session.honesty, 0, 'absent for the whole (10 s) session at weight 2');
    } finally {
      await jobs.close();
      await queue.close();
    }
  });

  it('compares the face with the verified one: same person passes, another person and two people are flagged', async () => {
    const deps = { db: t.db, recordingsDir, photosDir: null, ffmpeg, logger, signer: await EvidenceSigner.generate('test').register(t.db) };
    const verify = async (sessionId: string) => {
      const rel = `${sessionId}/verification.jpg`;
      await makePhoto(ffmpeg.ffmpeg, path.join(recordingsDir, rel), PORTRAITS.manReference);
      const now = new Date();
      await t.db.insertInto('verifications').values({ sessionId, startedAt: now, endedAt: now, result: 'successful', similarity: 0.9, facePhotoPath: rel }).execute();
    };
    const finalise = async (recordingId: string, sessionRel: string) => {
      const info = await probe(path.join(recordingsDir, sessionRel), ffmpeg.ffprobe);
      await markFinalised(t.db, recordingId, { durationMs: Math.round((info.durationSec ?? 0) * 1000), bytes: 1 });
    };

    const same = await cameraRecording(1, { kind: 'faces', faces: [PORTRAITS.man], size: 220 }, 7);
    await verify(same.sessionId);
    await finalise(same.recordingId, `${same.sessionId}/1/camera.webm`);
    const sameOut = await sampleFaces(deps, { recordingId: same.recordingId });
    assert.equal(sameOut.withReference, true);
    assert.deepEqual(sameOut.intervals, [], 'the verified man gives no finding');

    const other = await cameraRecording(2, { kind: 'faces', faces: [PORTRAITS.woman2], size: 220 }, 7);
    await verify(other.sessionId);
    await finalise(other.recordingId, `${other.sessionId}/1/camera.webm`);
    const otherOut = await sampleFaces(deps, { recordingId: other.recordingId });
    assert.deepEqual(otherOut.intervals.map((i) => i.type), ['other_person']);
    assert.deepEqual((await violationsOf(other.sessionId)).map((v) => [v.type, v.source]), [['other_person', 'server']]);

    const two = await cameraRecording(3, { kind: 'faces', faces: [PORTRAITS.man, PORTRAITS.woman3], size: 180 }, 7);
    await verify(two.sessionId);
    await finalise(two.recordingId, `${two.sessionId}/1/camera.webm`);
    await sampleFaces(deps, { recordingId: two.recordingId });
    // Re-running is idempotent: the earlier server findings of this recording are replaced.
    await sampleFaces(deps, { recordingId: two.recordingId });
    assert.deepEqual((await violationsOf(two.sessionId)).map((v) => [v.type, v.source]), [['multiple_faces', 'server']]);
  });
});

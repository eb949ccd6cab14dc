/**
 * The review fixture itself: the files it writes are real, playable WebM of the stated
 * length, and its rows agree with what it returns (other tests trust both).
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { listAttempts, listRecordings } from '@proctor/db';
import { probe } from '../support/media.ts';
import { seedReviewSession } from '../support/review-fixture.ts';

describe('review fixture', () => {
  let testDb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    testDb = await createTestDatabase();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'proctor-review-'));
  });
  afterAll(async () => {
    await testDb?.drop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('seeds two attempts with camera, microphone and screen files and violations in both', async () => {
    const review = await seedReviewSession(testDb.db, dir);
    const attempts = await listAttempts(testDb.db, review.sessionId);
    assert.deepEqual(attempts.map((a) => a.number), [1, 2]);
    const recordings = await listRecordings(testDb.db, review.sessionId);
    assert.equal(recordings.length, 6);
    assert.ok(recordings.every((r) => r.status === 'finalised'));

    for (const attempt of review.attempts) {
      const camera = await probe(attempt.recordings.camera.file);
      const mic = await probe(attempt.recordings.microphone.file);
      assert.equal(camera.videoStreams, 1);
      assert.equal(mic.audioStreams, 1);
      assert.ok(Math.abs(camera.durationSec - 9) < 0.5, `camera lasts ${camera.durationSec}s`);
      assert.ok(Math.abs(mic.durationSec - 9) < 0.5, `microphone lasts ${mic.durationSec}s`);
    }
    assert.ok(review.violations.length >= 4);
    assert.deepEqual([...new Set(review.violations.map((v) => v.attemptNumber))], [1, 2]);
    assert.equal(review.violations[2]!.attemptNumber, 2, 'the 3rd violation is in attempt 2');
  });

  it('can leave recordings as the live recorder does: rows stopped, files without a duration', async () => {
    const review = await seedReviewSession(testDb.db, dir, { candidateIndex: 1, recordingStatus: 'stopped' });
    const recordings = await listRecordings(testDb.db, review.sessionId);
    assert.equal(recordings.length, 6);
    assert.ok(recordings.every((r) => r.status === 'stopped' && r.durationMs === null));
    const camera = await probe(review.attempts[0]!.recordings.camera.file);
    assert.equal(camera.videoStreams, 1);
    assert.ok(Number.isNaN(camera.durationSec), `a streamed file has no duration (got ${camera.durationSec})`);
  });
});

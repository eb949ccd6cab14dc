/**
 * Photo report snapshots: real WebM recordings (the review fixture, ffmpeg lavfi with a
 * running counter), real ffmpeg, PostgreSQL and the BullMQ queue on Redis.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { promisify } from 'node:util';
import { listPhotoViolations } from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { pino } from 'pino';
import { seedReviewSession, type ReviewSession } from '../../tests/support/review-fixture.ts';
import { resolveFfmpeg } from '../src/config.ts';
import { enqueueMissingSnapshots, snapshotRelativePath, snapshotViolations } from '../src/jobs/snapshot-violations.ts';
import { startJobWorkers } from '../src/jobs/worker.ts';
import { EvidenceSigner } from '../src/evidence/signer.ts';
import { verifySessionEvidence } from '../src/evidence/verify.ts';
import { createJobQueue } from '../src/queue.ts';

const run = promisify(execFile);
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ffmpeg = resolveFfmpeg();
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Grey pixels of a picture scaled to 64x48: enough to tell frames of the counter apart. */
async function grey(input: string, seekSec?: number): Promise<Buffer> {
  const seek = seekSec === undefined ? [] : ['-ss', seekSec.toFixed(3)];
  const { stdout } = await run('ffmpeg', ['-nostdin', '-loglevel', 'error', ...seek, '-i', input, '-frames:v', '1', '-vf', 'scale=64:48', '-f', 'rawvideo', '-pix_fmt', 'gray', '-'], {
    encoding: 'buffer',
    maxBuffer: 1 << 20,
  });
  return stdout;
}

function meanAbsDiff(a: Buffer, b: Buffer): number {
  assert.equal(a.length, b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

describe('violation snapshots', () => {
  let tdb: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    tdb = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'snapshots-'));
  });
  afterAll(async () => {
    await tdb?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  let review: ReviewSession;

  test('the finalise job hands over to the snapshot job, which grabs the frame at each violation from the right source', async () => {
    // Recordings left 'stopped' as the recorder leaves them: the workers finalise them, then snapshot.
    review = await seedReviewSession(tdb.db, dir, { recordingStatus: 'stopped' });
    const queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `snap_${randomBytes(4).toString('hex')}`, logger });
    // Face sampling (its own test) would add server findings to the planned violations.
    const workers = await startJobWorkers({ db: tdb.db, queue, recordingsDir: dir, logger, ffmpeg, faceSampling: false, evidenceSigner: EvidenceSigner.generate('jobs') });
    try {
      const deadline = Date.now() + 60_000;
      let rows = await listPhotoViolations(tdb.db, review.sessionId);
      while (rows.some((v) => !v.snapshotPath) && Date.now() < deadline) {
        await sleep(200);
        rows = await listPhotoViolations(tdb.db, review.sessionId);
      }
      assert.equal(rows.length, review.violations.length);
      for (const planned of review.violations) {
        const row = rows.find((r) => r.id === planned.id)!;
        assert.equal(row.snapshotPath, snapshotRelativePath(review.sessionId, planned.id), `${planned.type} has its snapshot`);
        const jpeg = await readFile(path.join(dir, row.snapshotPath!));
        assert.deepEqual([...jpeg.subarray(0, 3)], [0xff, 0xd8, 0xff], 'a JPEG');

        // The frame is the one at the violation's offset in the expected source's recording.
        const source = ['no_face', 'multiple_faces'].includes(planned.type) ? 'camera' : 'screen';
        const other = source === 'camera' ? 'screen' : 'camera';
        const attempt = review.attempts[planned.attemptNumber - 1]!;
        const snap = await grey(path.join(dir, row.snapshotPath!));
        const atOffset = meanAbsDiff(snap, await grey(attempt.recordings[source].file, planned.offsetSec));
        const later = meanAbsDiff(snap, await grey(attempt.recordings[source].file, (planned.offsetSec + 1.5) % 8));
        const otherSource = meanAbsDiff(snap, await grey(attempt.recordings[other].file, planned.offsetSec));
        assert.ok(atOffset < 3, `${planned.type}: snapshot matches the ${source} frame at ${planned.offsetSec}s (diff ${atOffset})`);
        assert.ok(later > atOffset + 1, `${planned.type}: a frame 1.5 s away differs (${later} vs ${atOffset})`);
        assert.ok(otherSource > atOffset, `${planned.type}: not the ${other} frame (${otherSource} vs ${atOffset})`);
      }
      // Each item was sealed when it became final: the remuxed recordings by the finalise
      // job, the finished session's violations and every snapshot by the snapshot job.
      const evidence = await verifySessionEvidence({ db: tdb.db, recordingsDir: dir }, review.sessionId);
      assert.equal(evidence.status, 'verified', JSON.stringify(evidence));
      assert.equal(evidence.sealed, 6 + 2 * review.violations.length);
    } finally {
      await workers.close();
      await queue.close();
    }
  });

  test('a violation no recording covers is skipped (placeholder), and enqueueing again is a no-op', async () => {
    // Long after the session: no attempt, no recording covers it.
    const lonely = crypto.randomUUID();
    const at = new Date(review.attempts[1]!.endedAt.getTime() + 3600_000);
    await tdb.db
      .insertInto('violations')
      .values({ id: lonely, sessionId: review.sessionId, attemptId: null, type: 'focus_lost', category: 'behaviour', startsAt: at, endsAt: null, source: 'client' })
      .execute();
    const outcome = await snapshotViolations({ db: tdb.db, recordingsDir: dir, ffmpeg, logger, signer: await EvidenceSigner.generate('test').register(tdb.db) }, { sessionId: review.sessionId });
    assert.deepEqual(outcome, { taken: 0, skipped: 1 });
    const row = (await listPhotoViolations(tdb.db, review.sessionId)).find((v) => v.id === lonely);
    assert.equal(row?.snapshotPath, null);

    const queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `snap_${randomBytes(4).toString('hex')}`, logger });
    try {
      assert.equal(await enqueueMissingSnapshots(tdb.db, queue, review.sessionId), 1);
      assert.equal(await enqueueMissingSnapshots(tdb.db, queue, review.sessionId), 1);
      assert.equal((await queue.counts('violation-snapshots')).waiting, 1, 'same state → same job id → one job');
    } finally {
      await queue.close();
    }
  });
});

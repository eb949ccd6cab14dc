/**
 * The `honesty-recompute` BullMQ job (enqueued by the admin exam update when weights change)
 * on a real Redis queue: every started session of the exam gets its honesty recomputed with
 * the exam's current weights, sessions of other exams are untouched, and one action-log entry
 * names who asked and how many verdicts moved.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { seedMediaDemo } from '@proctor/db';
import { type TestDatabase, createTestDatabase } from '@proctor/db/testing';
import { pino } from 'pino';
import { startJobWorkers } from '../src/jobs/worker.ts';
import { QUEUES } from '../src/jobs/types.ts';
import { createJobQueue } from '../src/queue.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const logger = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

describe('honesty recompute job', () => {
  let t: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    dir = await mkdtemp(path.join(os.tmpdir(), 'recompute-'));
  });
  afterAll(async () => {
    await t?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('recomputes the exam’s sessions with its new weights and logs it', async () => {
    const { examId, sessions, adminUserId } = await seedMediaDemo(t.db, { candidates: 3 });
    const [a, b, untouched] = sessions.map((s) => s.sessionId) as [string, string, string];
    const t0 = new Date('2026-03-02T09:00:00Z');
    const min = (m: number) => new Date(t0.getTime() + m * 60_000);
    await t.db.updateTable('examSessions').set({ status: 'finished', startedAt: t0, endedAt: min(90), honesty: 78 }).where('id', 'in', [a, b]).execute();
    await t.db
      .insertInto('violations')
      .values({ sessionId: a, type: 'no_face', category: 'behaviour', startsAt: min(30), endsAt: min(40), source: 'server' })
      .execute();
    // The admin has just lowered the weight of "no face" to 1 (honesty 78 → 89 for session a).
    await t.db.updateTable('exams').set({ violationWeights: JSON.stringify({ no_face: 1 }) }).where('id', '=', examId).execute();

    const queue = createJobQueue({ redisUrl: REDIS_URL, namespace: `recompute_${randomBytes(4).toString('hex')}`, logger });
    const jobs = await startJobWorkers({ db: t.db, queue, recordingsDir: dir, logger, requeueStopped: false, faceSampling: false });
    try {
      await queue.add(QUEUES.honestyRecompute, { examId, requestedBy: { userId: adminUserId, fullName: 'Админ', iin: null } });
      const deadline = Date.now() + 60_000;
      let entry;
      while (!entry && Date.now() < deadline) {
        entry = await t.db.selectFrom('actionLog').selectAll().where('action', '=', 'honesty.recomputed').executeTakeFirst();
        if (!entry) await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(entry, 'the job logged its work');
      assert.equal(entry.actorUserId, adminUserId);
      assert.deepEqual(entry.details, { examId, sessions: 2, changed: 2 });
      const rows = await t.db.selectFrom('examSessions').select(['id', 'honesty']).where('id', 'in', [a, b, untouched]).execute();
      assert.deepEqual(Object.fromEntries(rows.map((r) => [r.id, r.honesty])), { [a]: 89, [b]: 100, [untouched]: null });
    } finally {
      await jobs.close();
      await queue.close();
    }
  });
});

/**
 * Sessions left "in progress" after their exam ended are finished by the jobs' sweep: at
 * their last attempt's end, with honesty settled on that duration. A candidate still
 * connected (open attempt), an exam within the grace period and untouched sessions stay.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import {
  createExam,
  endAttempt,
  ensureDiscipline,
  ensureExamSession,
  ensureGroup,
  makeIin,
  markStarted,
  startAttempt,
  upsertCandidateByIin,
} from '@proctor/db';
import { createTestDatabase, type TestDatabase } from '@proctor/db/testing';
import { OVERDUE_GRACE_MS, sweepOverdueSessions } from '../src/jobs/finish-overdue.ts';

const MIN = 60_000;

describe('overdue session sweep', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('finishes abandoned sessions of ended exams only', async () => {
    const db = t.db;
    const now = new Date();
    const disciplineId = await ensureDiscipline(db, 'Тарих');
    const groupId = await ensureGroup(db, 'ТР-23');
    const ended = await createExam(db, { name: 'Ended', disciplineId, startsAt: new Date(now.getTime() - 180 * MIN), endsAt: new Date(now.getTime() - 60 * MIN) });
    const justEnded = await createExam(db, { name: 'Just ended', disciplineId, startsAt: new Date(now.getTime() - 120 * MIN), endsAt: new Date(now.getTime() - OVERDUE_GRACE_MS / 2) });
    const session = async (examId: string, n: number) => {
      const candidateId = await upsertCandidateByIin(db, { fullName: `Кандидат ${n}`, iin: makeIin(new Date('2003-03-03'), 'female', 800 + n), groupId });
      return ensureExamSession(db, examId, candidateId);
    };
    const run = async (sessionId: string, from: Date, to: Date | null) => {
      await markStarted(db, sessionId, from);
      const a = await startAttempt(db, { sessionId, nodeId: 'test', at: from });
      if (to) await endAttempt(db, a.id, { at: to, reason: 'disconnected' });
      return a.id;
    };

    const abandoned = await session(ended, 1);
    const start = new Date(now.getTime() - 170 * MIN);
    const drop = new Date(now.getTime() - 110 * MIN);
    const attemptId = await run(abandoned, start, drop);
    // Absent for the last 30 of its 60 minutes: honesty must be settled on those 60 minutes.
    await db
      .insertInto('violations')
      .values({ sessionId: abandoned, attemptId, type: 'no_face', category: 'behaviour', startsAt: new Date(drop.getTime() - 30 * MIN), endsAt: drop, source: 'server' })
      .execute();
    const stillConnected = await session(ended, 2);
    await run(stillConnected, start, null);
    const neverStarted = await session(ended, 3);
    const inGrace = await session(justEnded, 4);
    await run(inGrace, new Date(now.getTime() - 100 * MIN), new Date(now.getTime() - 90 * MIN));

    const count = await sweepOverdueSessions(db, pino({ level: 'silent' }), now);
    assert.equal(count, 1);
    const rows = new Map((await db.selectFrom('examSessions').selectAll().execute()).map((r) => [r.id, r]));
    const done = rows.get(abandoned)!;
    assert.equal(done.status, 'finished');
    assert.equal(done.endedAt?.getTime(), drop.getTime(), 'ended at the last attempt, not at the sweep');
    // no_face weight 2 × 100 × (30 / 60) = 100 points → 0.
    assert.equal(done.honesty, 0);
    assert.equal(rows.get(stillConnected)!.status, 'in_progress');
    assert.equal(rows.get(neverStarted)!.status, 'not_started');
    assert.equal(rows.get(inGrace)!.status, 'in_progress');

    assert.equal(await sweepOverdueSessions(db, pino({ level: 'silent' }), now), 0, 'a second sweep changes nothing');
  });
});
